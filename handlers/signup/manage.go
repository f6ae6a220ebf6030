package signup

import (
	"fmt"
	"strconv"
	"strings"

	"unionbot"
	"unionbot/bot"
)

// Admin chat commands on published events. An event is named by its
// number in the admin's list (管理活动) or by part of its title.

// live lists the events an admin can still change: open or closed.
func (ch *Chat) live(c *bot.Context) ([]*Event, error) { return ch.Service.Live(c.Context()) }

// Manage answers 管理活动: the live events with numbers and counts, and the
// commands that change them.
func (ch *Chat) Manage(c *bot.Context) error {
	evs, err := ch.live(c)
	if err != nil {
		return err
	}
	if len(evs) == 0 {
		return c.Reply(txtNoLiveHint)
	}
	lines := []string{txtLiveHead}
	for i, e := range evs {
		limit := "不限名额"
		if e.Capacity > 0 {
			limit = fmt.Sprintf("名额 %d", e.Capacity)
		}
		if e.Rotation() && e.DrawnAt.IsZero() {
			limit += fmt.Sprintf("，轮换分配：已登记 %d，截止后抽签", e.Registered)
		}
		lines = append(lines, fmt.Sprintf("%d. %s（%s，已报名 %d，候补 %d，%s）", i+1, e.Title, e.StatusAt(c.Now()), e.Taken, e.Waiting, limit))
	}
	lines = append(lines, txtLiveFoot)
	return c.Reply(strings.Join(lines, "\n"))
}

// SetCapacity answers 修改名额 <活动> <人数>; raising it takes the waitlist
// in, in order, and tells each promoted teacher.
func (ch *Chat) SetCapacity(c *bot.Context) error {
	args := strings.Fields(c.Args)
	if len(args) < 2 {
		return unionbot.Errorf(unionbot.EINVALID, txtCapacityUsage)
	}
	n, err := strconv.Atoi(args[len(args)-1])
	if err != nil || n < 0 {
		return unionbot.Errorf(unionbot.EINVALID, "%s", txtBadCapacity)
	}
	ev, err := ch.pickLive(c, strings.Join(args[:len(args)-1], ""))
	if err != nil {
		return err
	}
	ev, promoted, err := ch.Service.SetCapacity(c.Context(), ev.ID, n)
	if err != nil {
		return err
	}
	return c.Replyf(txtCapacitySet, ev.Title, n, len(promoted))
}

// Close answers 截止报名 <活动>: sign-up ends now; entries stay.
func (ch *Chat) Close(c *bot.Context) error {
	ev, err := ch.pickLive(c, c.Args)
	if err != nil {
		return err
	}
	if ev, err = ch.Service.CloseSignup(c.Context(), ev.ID); err != nil {
		return err
	}
	return c.Replyf(txtClosedNow, ev.Title, ev.Taken, ev.Waiting)
}

// CancelEvent answers 取消活动 <活动>: everyone signed up or waiting is
// told in the same transaction.
func (ch *Chat) CancelEvent(c *bot.Context) error {
	ev, err := ch.pickLive(c, c.Args)
	if err != nil {
		return err
	}
	if _, err := ch.Service.CancelEvent(c.Context(), ev.ID); err != nil {
		return err
	}
	return c.Replyf(txtEventCancelledAdmin, ev.Title)
}

func (ch *Chat) pickLive(c *bot.Context, q string) (*Event, error) {
	evs, err := ch.live(c)
	if err != nil {
		return nil, err
	}
	if len(evs) == 0 {
		return nil, unionbot.Errorf(unionbot.ENOTFOUND, txtNoLive)
	}
	if strings.TrimSpace(q) == "" {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtWhichLive)
	}
	ev, err := ch.pick(c, evs, q)
	return ev, plainAmbiguity(c, err)
}
