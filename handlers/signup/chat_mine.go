package signup

import (
	"fmt"
	"strings"

	"unionbot/bot"
)

// Mine answers 我的报名: the teacher's entries, then the teams they were
// invited to.
func (ch *Chat) Mine(c *bot.Context) error {
	es, _, err := ch.mine(c)
	if err != nil {
		return err
	}
	invites, err := ch.Service.Invites(c.Context(), c.UserID())
	if err != nil {
		return err
	}
	if len(es) == 0 && len(invites) == 0 {
		return c.Reply(txtNoEntries)
	}
	lines := []string{txtMyHead}
	for i, e := range es {
		st := e.Status
		switch st {
		case EntryWaiting:
			st = fmt.Sprintf("候补第 %d 位", e.Position)
		case EntryPending:
			st = fmt.Sprintf(txtMinePending, e.ConfirmBy.In(c.Location()).Format("1月2日 15:04"), e.Event.Title)
		case EntryRegistered:
			st = "已登记，截止后统一分配"
		}
		if e.CheckedIn {
			st += "，已签到"
		}
		if e.Team != "" {
			st += "；" + teamLine(e)
		}
		lines = append(lines, fmt.Sprintf("%d. %s（%s，%s）", i+1, e.Event.Title, when(c, e.Event), st))
	}
	for _, e := range invites {
		st := memberStatus(e, c.UserID())
		hint := ""
		if st == MemberPending {
			hint = "，回复“确认组队 " + e.Event.Title + "”加入"
		}
		lines = append(lines, fmt.Sprintf("· %s（%s）：您在队伍“%s”中，%s%s", e.Event.Title, when(c, e.Event), e.Team, st, hint))
	}
	return c.Reply(strings.Join(lines, "\n"))
}

// CheckIn answers 签到 <title or number>, only on the event's day.
func (ch *Chat) CheckIn(c *bot.Context) error {
	_, evs, err := ch.mine(c)
	if err != nil {
		return err
	}
	if len(evs) == 0 {
		return c.Reply(txtNoEntries)
	}
	if strings.TrimSpace(c.Args) == "" && len(evs) == 1 {
		return ch.checkIn(c, evs[0])
	}
	if strings.TrimSpace(c.Args) == "" {
		return ch.askWhich(c, actCheckIn, &ambiguous{hits: evs})
	}
	ev, err := ch.pick(c, evs, c.Args)
	if err != nil {
		return ch.askWhich(c, actCheckIn, err)
	}
	return ch.checkIn(c, ev)
}

func (ch *Chat) checkIn(c *bot.Context, ev *Event) error {
	if err := ch.Service.CheckIn(c.Context(), ev, c.UserID()); err != nil {
		return err
	}
	return c.Replyf(txtCheckedIn, ev.Title)
}
