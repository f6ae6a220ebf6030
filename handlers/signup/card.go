package signup

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"unionbot"
	"unionbot/bot"
)

// Cards: 活动 sends WeCom members a card per open event whose 报名 button
// is keyed signup:<event id>; team invitations carry 确认组队 / 拒绝组队
// keyed team:accept:<event id> / team:decline:<event id>. A tap runs the
// same use case as the typed command and then replaces the card's buttons
// with the outcome.
//
// Another card kind is a key prefix, a card builder and a handler:
// r.Card(prefix, h) in cmd/unionbot/routes.go, the card on the notice
// (Notice.Card) and, in h, the Service call and c.UpdateCard(c.Tap(), …).

// Card key prefixes.
const (
	KeyTeamAccept  = "team:accept"
	KeyTeamDecline = "team:decline"
)

// MaxEventCards is how many event cards 活动 sends at most; the text list
// that comes with them names every open event.
const MaxEventCards = 8

// EventCard is the card of an open event with its 报名 button.
func EventCard(ev *Event, loc *time.Location) *unionbot.Card {
	left := "不限"
	if l := ev.Left(); l >= 0 {
		left = fmt.Sprintf("剩余 %d 个", l)
		if l == 0 && ev.Waitlist {
			left = "已满，可候补"
		}
	}
	fields := []unionbot.CardField{{Name: "时间", Value: ev.StartsAt.In(loc).Format("1月2日 15:04")}}
	if ev.Location != "" {
		fields = append(fields, unionbot.CardField{Name: "地点", Value: ev.Location})
	}
	fields = append(fields, unionbot.CardField{Name: "名额", Value: left})
	if !ev.SignupClosesAt.IsZero() {
		fields = append(fields, unionbot.CardField{Name: "截止", Value: ev.SignupClosesAt.In(loc).Format("1月2日 15:04")})
	}
	return &unionbot.Card{
		Type: unionbot.CardButtons, TaskID: unionbot.NewTaskID("signup-" + strconv.FormatInt(ev.ID, 10)),
		Source: txtCardSource, Title: ev.Title, Desc: ev.Kind, Body: clip(ev.Description, 120), Fields: fields,
		Buttons: []unionbot.CardButton{{Text: "报名", Key: unionbot.CardKey(unionbot.KeySignup, strconv.FormatInt(ev.ID, 10)), Style: unionbot.StylePrimary}},
	}
}

// sendEventCards sends the cards of 活动 (at most MaxEventCards).
func (ch *Chat) sendEventCards(c *bot.Context, evs []*Event) error {
	for i, ev := range evs {
		if i == MaxEventCards {
			break
		}
		text := fmt.Sprintf(txtCardFallback, ev.Title, ev.ID)
		if err := c.SendCard(text, EventCard(ev, c.Location())); err != nil {
			return err
		}
	}
	return nil
}

// CardSignUp answers a tap on an event card's 报名: the sign-up of 报名
// <that event>, with the event's questions asked in chat. The card then
// shows the outcome; a form keeps the tap and updates the card when it is
// submitted.
func (ch *Chat) CardSignUp(c *bot.Context) error {
	tap := c.Tap()
	ev, ok, err := ch.tappedEvent(c)
	if !ok {
		return err
	}
	open, err := ch.openEvents(c)
	if err != nil {
		return err
	}
	isOpen := false
	for _, e := range open {
		isOpen = isOpen || e.ID == ev.ID
	}
	if !isOpen {
		ch.updateOutcome(c, tap, ev)
		return c.Replyf(txtCardClosed, ev.Title)
	}
	if title := c.FormTitle(); title != "" && len(steps(ev)) > 0 {
		// Its questions would replace the form being filled in.
		return c.Replyf(txtCardBusy, title, ev.Title)
	}
	if err := ch.signUpTapped(c, ev, tap); err != nil {
		ch.updateOutcome(c, tap, ev) // 已报名, 名额已满...: the card stops asking
		return err
	}
	if c.Flow() == FlowSignup { // questions first; the form updates the card
		return nil
	}
	ch.updateOutcome(c, tap, ev)
	return nil
}

// updateOutcome shows on the tapped card where the teacher now stands in
// ev: 已报名, 候补第 N 位, 名额已满 or 报名已截止. Nothing changes while
// the sign-up can still be made (not yet open, a question pending).
func (ch *Chat) updateOutcome(c *bot.Context, tap *bot.CardTap, ev *Event) {
	if tap == nil {
		return
	}
	done := ""
	mine, err := ch.Service.Mine(c.Context(), c.UserID())
	if err != nil {
		c.Warn("card outcome", "err", err)
		return
	}
	for _, e := range mine {
		if e.EventID != ev.ID {
			continue
		}
		done = txtCardSignedUp
		if e.Status == EntryWaiting {
			done = fmt.Sprintf(txtCardWaiting, e.Position)
		}
	}
	if done == "" {
		cur, err := ch.Service.Event(c.Context(), ev.ID)
		switch {
		case err != nil:
			return
		case cur.Status != StatusOpen || !cur.SignupClosesAt.IsZero() && !c.Now().Before(cur.SignupClosesAt):
			done = txtCardShut
		case cur.Left() == 0 && !cur.Waitlist:
			done = txtCardFull
		default:
			return
		}
	}
	if err := c.UpdateCard(tap, done, fmt.Sprintf(txtCardOutcome, ev.Title, done)); err != nil {
		c.Warn("card outcome", "err", err)
	}
}

// CardTeam answers a tap on 确认组队 / 拒绝组队 of a team invitation.
func (ch *Chat) CardTeam(c *bot.Context) error {
	ev, ok, err := ch.tappedEvent(c)
	if !ok {
		return err
	}
	accept := c.Command == KeyTeamAccept
	captain, err := ch.Service.AnswerInvite(c.Context(), ev, c.UserID(), accept)
	if err != nil {
		if unionbot.ErrorCode(err) != unionbot.EINTERNAL { // answered before, or the team is gone
			updateCard(c, txtCardAnswered)
		}
		return err
	}
	if accept {
		updateCard(c, txtCardAccepted)
		return c.Replyf(txtAccepted, ev.Title, captain.Team, captain.Name)
	}
	updateCard(c, txtCardDeclined)
	return c.Replyf(txtDeclined, ev.Title, captain.Team, captain.Name)
}

// tappedEvent is the event a tapped card's key names (signup:<id>,
// team:accept:<id> …). ok is false when there is none to act on: a key
// that names no event, or an event deleted since, answered here with the
// sentence (err is what that reply returned), or a store error.
func (ch *Chat) tappedEvent(c *bot.Context) (ev *Event, ok bool, err error) {
	id, err := strconv.ParseInt(c.Args, 10, 64)
	if err != nil {
		return nil, false, c.Reply(bot.TxtStaleCard)
	}
	ev, err = ch.Service.Event(c.Context(), id)
	switch {
	case unionbot.ErrorCode(err) == unionbot.ENOTFOUND:
		return nil, false, c.Reply(txtCardGone)
	case err != nil:
		return nil, false, err
	}
	return ev, true, nil
}

// updateCard shows done on the tapped card; the reply already says it in
// words, so nothing more is sent when WeCom no longer takes the code.
func updateCard(c *bot.Context, done string) {
	if err := c.UpdateCard(c.Tap(), done, ""); err != nil {
		c.Warn("update card", "err", err)
	}
}

// inviteCard is the card of a team invitation.
// Its text is the invitation's own, which also names the typed commands.
func inviteCard(ev *Event, e *Entry, when, text string) *unionbot.Card {
	id := strconv.FormatInt(ev.ID, 10)
	return &unionbot.Card{
		Type: unionbot.CardButtons, TaskID: unionbot.NewTaskID("team-" + id), Source: txtCardSource,
		Title: ev.Title, Desc: fmt.Sprintf(txtCardInviteDesc, e.Name, e.Team), Body: text,
		Fields: []unionbot.CardField{{Name: "时间", Value: when}, {Name: "队长", Value: e.Name}, {Name: "队名", Value: e.Team}},
		Buttons: []unionbot.CardButton{
			{Text: "确认组队", Key: unionbot.CardKey(KeyTeamAccept, id), Style: unionbot.StylePrimary},
			{Text: "拒绝组队", Key: unionbot.CardKey(KeyTeamDecline, id), Style: unionbot.StyleGrey},
		},
	}
}

func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}
