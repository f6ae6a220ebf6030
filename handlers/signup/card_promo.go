package signup

import (
	"strconv"

	"unionbot"
	"unionbot/bot"
)

// Card keys of a promotion that waits for its answer:
// promo:confirm:<entry id> and promo:decline:<entry id>.
const (
	KeyPromoConfirm = "promo:confirm"
	KeyPromoDecline = "promo:decline"
)

// promoCard is the card of a place held for a promoted teacher until
// confirmBy. Its text is the notice's own, which names the typed
// commands for those who see no cards.
func promoCard(ev *Event, p *Entry, when, until, text string) *unionbot.Card {
	id := strconv.FormatInt(p.ID, 10)
	return &unionbot.Card{
		Type: unionbot.CardButtons, TaskID: unionbot.NewTaskID("promo-" + id), Source: txtCardSource,
		Title: ev.Title, Desc: txtCardPromoDesc, Body: text,
		Fields: []unionbot.CardField{{Name: "时间", Value: when}, {Name: "保留到", Value: until}},
		Buttons: []unionbot.CardButton{
			{Text: "确认参加", Key: unionbot.CardKey(KeyPromoConfirm, id), Style: unionbot.StylePrimary},
			{Text: "放弃", Key: unionbot.CardKey(KeyPromoDecline, id), Style: unionbot.StyleGrey},
		},
	}
}

// CardPromo answers a tap on a promotion card: 确认参加 or 放弃 of that
// place, as the typed commands do. A tap after the place was answered or
// passed on gets the sentence and changes nothing.
func (ch *Chat) CardPromo(c *bot.Context) error {
	id, err := strconv.ParseInt(c.Args, 10, 64)
	if err != nil {
		return c.Reply(bot.TxtStaleCard)
	}
	confirm, passed := c.Command == KeyPromoConfirm, false
	var e *Entry
	if confirm {
		e, err = ch.Service.ConfirmPromotion(c.Context(), c.UserID(), id)
	} else {
		e, passed, err = ch.Service.DeclinePromotion(c.Context(), c.UserID(), id)
	}
	if err != nil {
		if unionbot.ErrorCode(err) != unionbot.EINTERNAL { // answered, passed on, or not theirs
			updateCard(c, txtCardAnswered)
		}
		return err
	}
	ev, err := ch.Service.Event(c.Context(), e.EventID)
	if err != nil {
		return err
	}
	switch {
	case confirm:
		updateCard(c, txtCardConfirmed)
		return c.Replyf(txtConfirmedPlace, ev.Title, when(c, ev))
	case passed:
		updateCard(c, txtCardGaveUp)
		return c.Replyf(txtGaveUp, ev.Title)
	}
	updateCard(c, txtCardGaveUp)
	return c.Replyf(txtGaveUpNobody, ev.Title)
}

// promoNoticeCard puts the card on a promotion notice that asks for an
// answer.
func (s *Service) promoNoticeCard(n *unionbot.Notice, ev *Event, p *Entry) {
	n.Card = promoCard(ev, p, s.fmtTime(ev.StartsAt), s.fmtTime(p.ConfirmBy), n.Text)
}
