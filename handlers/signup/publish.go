package signup

import (
	"strconv"
	"strings"
	"time"

	"unionbot/bot"
)

// FlowPublish is the admin's 发布活动 form.
const FlowPublish = "signup-publish"

type publishForm struct {
	Step           int
	Title          string
	Kind           string
	StartsAt       time.Time
	Location       string
	SignupClosesAt time.Time
	Capacity       int
}

// The 发布活动 form's steps, in order; the last is the confirmation.
const (
	pubTitle = iota
	pubKind
	pubStart
	pubPlace
	pubDeadline
	pubCapacity
	pubConfirm
)

func publishQuestion(step int) string {
	switch step {
	case pubTitle:
		return txtAskTitle
	case pubKind:
		return "活动类型？（" + strings.Join(Kinds, "/") + "）"
	case pubStart:
		return txtAskStart
	case pubPlace:
		return txtAskPlace
	case pubDeadline:
		return txtAskDeadline
	}
	return txtAskCapacity
}

// Publish answers 发布活动 (admins only): a short form — name, kind, start,
// place, sign-up deadline, places — with dates as people write them, then a
// summary to confirm; the event opens for sign-up at once.
func (ch *Chat) Publish(c *bot.Context) error {
	if err := c.StartFlow(FlowPublish, &publishForm{}); err != nil {
		return err
	}
	return c.Reply(publishQuestion(pubTitle))
}

// PublishForm handles the admin's answers.
func (ch *Chat) PublishForm(c *bot.Context) error {
	var f publishForm
	if err := c.LoadFlow(&f); err != nil {
		return err
	}
	ans := strings.TrimSpace(c.Text())
	loc := c.Location()
	switch f.Step {
	case pubTitle:
		if ans == "" || len([]rune(ans)) > 100 {
			return c.Reply(txtAskTitle)
		}
		f.Title = ans
	case pubKind:
		if !contains(Kinds, ans) {
			return c.Replyf(txtBadKindAgain, strings.Join(Kinds, "/"))
		}
		f.Kind = ans
	case pubStart:
		t, ok := ParseWhen(ans, c.Now(), loc)
		if !ok || !t.After(c.Now()) {
			return c.Reply(txtBadStart)
		}
		f.StartsAt = t.UTC()
	case pubPlace:
		if len([]rune(ans)) > 100 {
			return c.Reply(txtAskPlace)
		}
		if ans != "无" && ans != "没有" && ans != "待定" {
			f.Location = ans
		}
	case pubDeadline:
		if ans == "" || ans == "默认" || ans == "好" || ans == "可以" {
			f.SignupClosesAt = f.StartsAt.Add(-24 * time.Hour)
			if !f.SignupClosesAt.After(c.Now()) {
				f.SignupClosesAt = f.StartsAt
			}
		} else {
			t, ok := ParseWhen(ans, c.Now(), loc)
			if !ok || !t.After(c.Now()) || t.After(f.StartsAt) {
				return c.Reply(txtBadDeadline)
			}
			f.SignupClosesAt = t.UTC()
		}
	case pubCapacity:
		n, err := strconv.Atoi(ans)
		if err != nil || n < 0 || n > MaxCapacity {
			return c.Reply(txtBadCapacityAgain)
		}
		f.Capacity = n
	case pubConfirm:
		if ans != "确认" && ans != "确认发布" && ans != "是" && ans != "发布" {
			return c.Reply(txtConfirmPublish)
		}
		c.EndFlow()
		e := &Event{Title: f.Title, Kind: f.Kind, StartsAt: f.StartsAt, Location: f.Location, SignupClosesAt: f.SignupClosesAt,
			CancelDeadline: f.SignupClosesAt, Capacity: f.Capacity, Waitlist: true}
		if err := ch.Service.Publish(c.Context(), e); err != nil {
			return err
		}
		return c.Replyf(txtPublished, e.Title, e.ID, e.ID)
	}
	f.Step++
	if err := c.SaveFlow(&f); err != nil {
		return err
	}
	if f.Step < pubConfirm {
		return c.Reply(publishQuestion(f.Step))
	}
	place, limit := f.Location, "不限名额"
	if place == "" {
		place = "（待定）"
	}
	if f.Capacity > 0 {
		limit = strconv.Itoa(f.Capacity) + " 人，满后候补"
	}
	start := f.StartsAt.In(loc)
	return c.Replyf(txtPublishSummary, f.Title, f.Kind, start.Format("2006年1月2日 15:04")+"（周"+string([]rune("日一二三四五六")[start.Weekday()])+"）",
		place, f.SignupClosesAt.In(loc).Format("1月2日 15:04"), limit)
}
