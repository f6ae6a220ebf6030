package signup

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"unionbot"
	"unionbot/bot"
)

// Questions the sign-up chat asks and waits for: which event (when a
// title fits several, or a teacher has several entries) and 确认 before a
// cancellation. Each is a bot.Router.Choice: its numbers mean its own
// list, and anything that is not an answer leaves it and is routed anew
// (a menu number, a command, a question).

// Names of the choice flows.
const (
	FlowPickEvent     = "signup-pick"
	FlowConfirmCancel = "signup-confirm-cancel"
)

// What a picked event is for.
const (
	actSignUp  = "signup"
	actCancel  = "cancel"
	actCheckIn = "checkin"
)

type choiceState struct {
	Action string
	IDs    []int64
}

// askWhich turns an ambiguous pick into a question that waits for its
// number; any other error is returned as it is.
func (ch *Chat) askWhich(c *bot.Context, action string, err error) error {
	var amb *ambiguous
	if !errors.As(err, &amb) {
		return err
	}
	st := choiceState{Action: action}
	lines := []string{fmt.Sprintf(txtAskWhich, amb.q)}
	if amb.q == "" {
		lines[0] = txtAskWhichMine
	}
	for i, e := range amb.hits {
		st.IDs = append(st.IDs, e.ID)
		lines = append(lines, fmt.Sprintf("%d. %s（%s）", i+1, e.Title, when(c, e)))
	}
	if err := c.StartFlow(FlowPickEvent, st); err != nil {
		return err
	}
	return c.Reply(strings.Join(lines, "\n"))
}

// Picked answers the which-event question: a number of the list runs the
// action on that event; anything else leaves the question.
func (ch *Chat) Picked(c *bot.Context) error {
	var st choiceState
	if err := c.LoadFlow(&st); err != nil {
		return err
	}
	n, err := strconv.Atoi(strings.TrimSpace(c.Text()))
	c.EndFlow()
	if err != nil || n < 1 || n > len(st.IDs) {
		return bot.ErrPass
	}
	ev, err := ch.Service.Event(c.Context(), st.IDs[n-1])
	if err != nil {
		return err
	}
	switch st.Action {
	case actCancel:
		return ch.cancel(c, ev)
	case actCheckIn:
		return ch.checkIn(c, ev)
	}
	return ch.signUp(c, ev)
}

// confirmWords say yes to a question.
var confirmWords = map[string]bool{"确认": true, "确定": true, "是": true, "是的": true, "好": true, "好的": true, "对": true}

// denyWords say no to it.
var denyWords = map[string]bool{"算了": true, "不": true, "不用": true, "不用了": true, "否": true, "不取消": true, "取消": true}

// ConfirmCancel answers 确认 to 取消报名 of the teacher's one entry.
func (ch *Chat) ConfirmCancel(c *bot.Context) error {
	var st choiceState
	if err := c.LoadFlow(&st); err != nil {
		return err
	}
	c.EndFlow()
	word := c.Fold(strings.TrimRight(strings.TrimSpace(c.Text()), "。！!"))
	if denyWords[word] {
		return c.Reply(txtKept)
	}
	if !confirmWords[word] || len(st.IDs) != 1 {
		return bot.ErrPass
	}
	ev, err := ch.Service.Event(c.Context(), st.IDs[0])
	if err != nil {
		return err
	}
	return ch.cancel(c, ev)
}

// CancelBare answers a bare 取消 outside any form: nothing is being filled
// in; here is what can be cancelled.
func (ch *Chat) CancelBare(c *bot.Context) error {
	es, err := ch.Service.Mine(c.Context(), c.UserID())
	if err != nil {
		return err
	}
	if len(es) == 0 {
		return c.Reply(txtNothingToCancel)
	}
	lines := []string{txtCancelWhat}
	for _, e := range es {
		lines = append(lines, fmt.Sprintf("· %s（回复“取消报名 %s”）", e.Event.Title, e.Event.Title))
	}
	return c.Reply(strings.Join(lines, "\n"))
}

// plainAmbiguity words an ambiguous pick as a refusal listing the events,
// for the commands that take more than a choice (修改名额 1 30, 确认组队).
func plainAmbiguity(c *bot.Context, err error) error {
	var amb *ambiguous
	if !errors.As(err, &amb) {
		return err
	}
	lines := make([]string, len(amb.hits))
	for i, e := range amb.hits {
		lines[i] = fmt.Sprintf("· %s（%s）", e.Title, when(c, e))
	}
	return unionbot.Errorf(unionbot.EINVALID, txtAmbiguous, amb.q, strings.Join(lines, "\n"))
}
