package signup

import (
	"fmt"
	"strings"

	"unionbot/bot"
)

// Teammate statuses on a team event: the captain names the teammates, and
// each answers the bot's invitation.
const (
	MemberPending  = "待确认"
	MemberAccepted = "已确认"
	MemberDeclined = "已拒绝"
)

// TeamMember is a teammate named by a captain.
type TeamMember struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

// IsTeam reports whether teachers sign up for e as teams.
func (e *Event) IsTeam() bool { return e.TeamMax > 0 }

// Accepted counts the team's people who have confirmed, the captain
// included.
func (e *Entry) Accepted() int {
	n := 1
	for _, m := range e.Members {
		if m.Status == MemberAccepted {
			n++
		}
	}
	return n
}

// memberStatus is userID's status on e's team, "" when not on it.
func memberStatus(e *Entry, userID string) string {
	for _, m := range e.Members {
		if m.UserID == userID {
			return m.Status
		}
	}
	return ""
}

// Accept answers 确认组队 [活动]; Decline answers 拒绝组队 [活动].
func (ch *Chat) Accept(c *bot.Context) error  { return ch.answer(c, true) }
func (ch *Chat) Decline(c *bot.Context) error { return ch.answer(c, false) }

func (ch *Chat) answer(c *bot.Context, accept bool) error {
	invites, err := ch.Service.Invites(c.Context(), c.UserID())
	if err != nil {
		return err
	}
	var pending []*Entry
	var evs []*Event
	for _, e := range invites {
		if memberStatus(e, c.UserID()) == MemberPending {
			pending, evs = append(pending, e), append(evs, e.Event)
		}
	}
	if len(pending) == 0 {
		return c.Reply(txtNoInvites)
	}
	ev := evs[0]
	if len(pending) > 1 || strings.TrimSpace(c.Args) != "" {
		if ev, err = ch.pick(c, evs, c.Args); err != nil {
			return plainAmbiguity(c, err)
		}
	}
	captain, err := ch.Service.AnswerInvite(c.Context(), ev, c.UserID(), accept)
	if err != nil {
		return err
	}
	if accept {
		return c.Replyf(txtAccepted, ev.Title, captain.Team, captain.Name)
	}
	return c.Replyf(txtDeclined, ev.Title, captain.Team, captain.Name)
}

// teamLine describes a team for 我的报名.
func teamLine(e *Entry) string {
	parts := make([]string, len(e.Members))
	for i, m := range e.Members {
		parts[i] = m.Name + "：" + m.Status
	}
	return fmt.Sprintf("队伍“%s”，队长 %s；%s", e.Team, e.Name, strings.Join(parts, "，"))
}
