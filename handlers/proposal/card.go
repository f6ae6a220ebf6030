package proposal

import (
	"strconv"

	"unionbot"
	"unionbot/bot"
)

// Cards: a seconder's invitation carries 附议 / 不附议 (second:agree:<no>,
// second:decline:<no>), and the author's answer carries the satisfaction
// vote (满意 / 基本满意 / 不满意, submitted as rate:<no>). A tap runs the
// use case of the typed command; the card then shows what was recorded.

// Card key prefixes.
const (
	KeySecondAgree   = "second:agree"
	KeySecondDecline = "second:decline"
	KeyRate          = "rate"
)

// secondCard is a seconder's invitation; its text is the invitation's own.
func secondCard(p *Proposal, deadline, text string) *unionbot.Card {
	return &unionbot.Card{
		Type: unionbot.CardButtons, TaskID: unionbot.NewTaskID("second-" + p.No), Source: txtCardSource,
		Title: p.Title, Desc: p.AuthorName + " 的提案 " + p.No, Body: text,
		Fields: []unionbot.CardField{{Name: "提案人", Value: p.AuthorName}, {Name: "截止", Value: deadline}},
		Buttons: []unionbot.CardButton{
			{Text: "附议", Key: unionbot.CardKey(KeySecondAgree, p.No), Style: unionbot.StylePrimary},
			{Text: "不附议", Key: unionbot.CardKey(KeySecondDecline, p.No), Style: unionbot.StyleGrey},
		},
	}
}

// rateCard is the satisfaction vote that follows the answer's text (a
// vote card shows no text of its own).
func rateCard(p *Proposal) *unionbot.Card {
	c := &unionbot.Card{
		Type: unionbot.CardVote, TaskID: unionbot.NewTaskID("rate-" + p.No), Source: txtCardSource,
		Title: "请评价 " + p.No + " 的办理结果", Desc: p.Title, Question: unionbot.CardKey(KeyRate, p.No),
		Submit: &unionbot.CardButton{Text: "提交评价", Key: unionbot.CardKey(KeyRate, p.No)},
	}
	for i, s := range Satisfactions {
		c.Options = append(c.Options, unionbot.CardOption{ID: strconv.Itoa(i + 1), Text: s})
	}
	return c
}

// CardSecond answers a tap on 附议 / 不附议.
func (ch *Chat) CardSecond(c *bot.Context) error {
	agree := c.Command == KeySecondAgree
	p, err := ch.AnswerSecond(c.Context(), c.Args, c.UserID(), agree)
	if err != nil {
		if code := unionbot.ErrorCode(err); code == unionbot.ECONFLICT || code == unionbot.ENOTFOUND {
			ch.update(c, txtCardStale)
		}
		return err
	}
	if agree {
		ch.update(c, SecondAgreed)
		return c.Replyf(txtSeconded, p.No, p.Title, p.AuthorName)
	}
	ch.update(c, SecondDeclined)
	return c.Replyf(txtNotSeconded, p.No, p.Title, p.AuthorName)
}

// CardRate answers the submit of the satisfaction vote.
func (ch *Chat) CardRate(c *bot.Context) error {
	answer := ""
	if sel := c.Msg.Selected; len(sel) == 1 {
		if i, err := strconv.Atoi(sel[0]); err == nil && i >= 1 && i <= len(Satisfactions) {
			answer = Satisfactions[i-1]
		}
	}
	if answer == "" {
		return c.Reply(txtCardPickOne)
	}
	p, err := ch.RateOnce(c.Context(), c.Args, c.UserID(), answer)
	if err != nil {
		if code := unionbot.ErrorCode(err); code == unionbot.ECONFLICT || code == unionbot.ENOTFOUND {
			ch.update(c, txtCardStale)
		}
		return err
	}
	ch.update(c, "已评价："+answer)
	if answer == "不满意" {
		return c.Replyf(txtRatedBad, p.No)
	}
	return c.Replyf(txtRated, p.No, answer)
}

func (ch *Chat) update(c *bot.Context, done string) {
	if err := c.UpdateCard(c.Tap(), done, ""); err != nil {
		c.Warn("update card", "err", err)
	}
}
