package signup

import (
	"fmt"
	"strings"

	"unionbot"
	"unionbot/bot"
)

// ConfirmPlace answers 确认参加 [活动]: a promoted teacher keeps the place
// held for them. Without a title it means their one pending place.
func (ch *Chat) ConfirmPlace(c *bot.Context) error {
	e, err := ch.pending(c, "确认参加")
	if err != nil {
		return err
	}
	if _, err := ch.Service.ConfirmPromotion(c.Context(), c.UserID(), e.ID); err != nil {
		return err
	}
	return c.Replyf(txtConfirmedPlace, e.Event.Title, when(c, e.Event))
}

// GiveUp answers 放弃 [活动]: a promoted teacher lets the place go to the
// next in line. A sentence that merely starts with 放弃 from a teacher with
// nothing pending ("放弃报名怎么办") passes on to the other routes.
func (ch *Chat) GiveUp(c *bot.Context) error {
	e, err := ch.pending(c, "放弃")
	if unionbot.ErrorCode(err) == unionbot.ENOTFOUND && strings.TrimSpace(c.Args) != "" {
		if es, perr := ch.Service.Pending(c.Context(), c.UserID()); perr == nil && len(es) == 0 {
			return bot.ErrPass
		}
	}
	if err != nil {
		return err
	}
	_, passed, err := ch.Service.DeclinePromotion(c.Context(), c.UserID(), e.ID)
	if err != nil {
		return err
	}
	if !passed {
		return c.Replyf(txtGaveUpNobody, e.Event.Title)
	}
	return c.Replyf(txtGaveUp, e.Event.Title)
}

// pending finds the pending entry the teacher means: the only one, or the
// one whose title the words name (a list of them when that is unclear).
func (ch *Chat) pending(c *bot.Context, verb string) (*Entry, error) {
	es, err := ch.Service.Pending(c.Context(), c.UserID())
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, unionbot.Errorf(unionbot.ENOTFOUND, "%s", txtNothingToConfirm)
	}
	if strings.TrimSpace(c.Args) == "" && len(es) == 1 {
		return es[0], nil
	}
	evs := make([]*Event, len(es))
	for i, e := range es {
		evs[i] = e.Event
	}
	if strings.TrimSpace(c.Args) != "" {
		ev, err := ch.pick(c, evs, c.Args)
		if err == nil {
			for _, e := range es {
				if e.EventID == ev.ID {
					return e, nil
				}
			}
		}
		if unionbot.ErrorCode(err) == unionbot.ENOTFOUND {
			return nil, err
		}
	}
	lines := []string{fmt.Sprintf(txtWhichConfirm, verb, es[0].Event.Title)}
	for _, e := range es {
		lines = append(lines, fmt.Sprintf("· %s（保留到 %s）", e.Event.Title, e.ConfirmBy.In(c.Location()).Format("1月2日 15:04")))
	}
	return nil, unionbot.Errorf(unionbot.EINVALID, "%s", strings.Join(lines, "\n"))
}
