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
	"请输入活动名称：",
	"活动类型？（" + strings.Join(Kinds, "/") + "）",
	"活动开始时间？格式如 2026-12-05 14:30",
	"名额多少人？（0 表示不限；名额满后自动候补）",
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
			return c.Replyf("活动类型只能是 %s，请重新回复。", strings.Join(Kinds, "/"))
		}
		f.Kind = ans
	case 2:
		t, err := time.ParseInLocation("2006-01-02 15:04", ans, c.Location())
		if err != nil || !t.After(c.Now()) {
			return c.Reply("时间格式应如 2026-12-05 14:30，且晚于现在，请重新回复。")
		}
		f.StartsAt = t.UTC()
	case 3:
		n, err := strconv.Atoi(ans)
		if err != nil || n < 0 {
			return c.Reply("名额请回复不小于 0 的整数。")
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
	return c.Replyf("已发布活动“%s”（编号 %d），现在开始报名。更多设置（地点、家属、报名范围、填写项）请用管理接口 PATCH /api/events/%d。", e.Title, e.ID, e.ID)
}
