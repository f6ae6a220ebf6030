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
	Step     int
	Title    string
	Kind     string
	StartsAt time.Time
	Capacity int
}

var publishQuestions = []string{
	txtAskTitle,
	"活动类型？（" + strings.Join(Kinds, "/") + "）",
	txtAskStart,
	txtAskCapacity,
}

// Publish answers 发布活动 (admins only): a short form, then the event
// opens for sign-up at once. Details are edited through the admin API.
func (ch *Chat) Publish(c *bot.Context) error {
	if err := c.StartFlow(FlowPublish, &publishForm{}); err != nil {
		return err
	}
	return c.Reply(publishQuestions[0])
}

// PublishForm handles the admin's answers.
func (ch *Chat) PublishForm(c *bot.Context) error {
	var f publishForm
	if err := c.LoadFlow(&f); err != nil {
		return err
	}
	ans := strings.TrimSpace(c.Text())
	switch f.Step {
	case 0:
		if ans == "" {
			return c.Reply(publishQuestions[0])
		}
		f.Title = ans
	case 1:
		if !contains(Kinds, ans) {
			return c.Replyf(txtBadKindAgain, strings.Join(Kinds, "/"))
		}
		f.Kind = ans
	case 2:
		t, err := time.ParseInLocation("2006-01-02 15:04", ans, c.Location())
		if err != nil || !t.After(c.Now()) {
			return c.Reply(txtBadStart)
		}
		f.StartsAt = t.UTC()
	case 3:
		n, err := strconv.Atoi(ans)
		if err != nil || n < 0 {
			return c.Reply(txtBadCapacityAgain)
		}
		f.Capacity = n
	}
	f.Step++
	if f.Step < len(publishQuestions) {
		if err := c.SaveFlow(&f); err != nil {
			return err
		}
		return c.Reply(publishQuestions[f.Step])
	}
	c.EndFlow()
	e := &Event{Title: f.Title, Kind: f.Kind, StartsAt: f.StartsAt, SignupClosesAt: f.StartsAt,
		CancelDeadline: f.StartsAt, Capacity: f.Capacity, Waitlist: true, Status: StatusOpen}
	if err := ch.Service.Publish(c.Context(), e); err != nil {
		return err
	}
	return c.Replyf(txtPublished, e.Title, e.ID, e.ID)
}
