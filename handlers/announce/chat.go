package announce

import (
	"time"

	"unionbot"
	"unionbot/bot"
)

// FlowSend is the confirmation turn of 发送本月公告.
const FlowSend = "announce-send"

func chatMonth(c *bot.Context) YM { return MonthOf(c.Now().In(c.Location())) }

// member is the sender's record for audience filtering; nil shows all.
func member(c *bot.Context) *unionbot.Member {
	m, err := c.Member()
	if err != nil {
		return nil
	}
	return m
}

// ThisMonth answers 本月活动.
func (s *Service) ThisMonth(c *bot.Context) error {
	text, err := s.MonthText(c.Context(), chatMonth(c), member(c))
	if err != nil {
		return err
	}
	return c.Reply(text)
}

// NextMonth answers 下月活动.
func (s *Service) NextMonth(c *bot.Context) error {
	text, err := s.MonthText(c.Context(), chatMonth(c).Next(), member(c))
	if err != nil {
		return err
	}
	return c.Reply(text)
}

// Year answers 全年安排 (or 全年安排 2027).
func (s *Service) Year(c *bot.Context) error {
	year := chatMonth(c).Year
	if c.Args != "" {
		ym, err := ParseYM(c.Args + "-01")
		if err != nil {
			return c.Reply(msgYearUsage)
		}
		year = ym.Year
	}
	text, err := s.YearText(c.Context(), year, member(c))
	if err != nil {
		return err
	}
	return c.Reply(text)
}

// Preview answers 预览本月公告 (admins): the text the members would get.
func (s *Service) Preview(c *bot.Context) error {
	ym := chatMonth(c)
	a, err := s.Compose(c.Context(), ym, false)
	if err != nil {
		return err
	}
	c.Reply(a.Text)
	return c.Reply(s.status(c, ym))
}

// status says whether ym was sent already.
func (s *Service) status(c *bot.Context, ym YM) string {
	d, err := s.Store.FindDelivery(c.Context(), ym)
	if err != nil {
		return msgPreviewNotSent
	}
	return s.sentLine(d)
}

func (s *Service) sentLine(d *Delivery) string {
	late := ""
	if d.Late {
		late = titleLate
	}
	return "（本月公告已于 " + d.CreatedAt.In(s.loc()).Format("1月2日 15:04") + " 发送" + late + "）"
}

type sendState struct {
	Month string `json:"month"`
}

// Send answers 发送本月公告 (admins): it shows the announcement and asks
// for confirmation.
func (s *Service) Send(c *bot.Context) error {
	ym := chatMonth(c)
	if d, err := s.Store.FindDelivery(c.Context(), ym); err == nil {
		return c.Reply(s.sentLine(d))
	}
	a, err := s.Compose(c.Context(), ym, false)
	if err != nil {
		return err
	}
	if a.Count == 0 {
		return c.Reply(msgNothingPlanned)
	}
	if err := c.StartFlow(FlowSend, sendState{Month: ym.String()}); err != nil {
		return err
	}
	c.Reply(a.Text)
	return c.Reply(msgConfirmSend)
}

// SendFlow is the confirmation turn: 确认 sends, anything else asks again.
func (s *Service) SendFlow(c *bot.Context) error {
	var st sendState
	if err := c.LoadFlow(&st); err != nil {
		return err
	}
	if c.Text() != "确认" && c.Text() != "确定" {
		return c.Reply(msgConfirmAgain)
	}
	c.EndFlow()
	ym, err := ParseYM(st.Month)
	if err != nil {
		return err
	}
	// Sent by hand it is not 补发: the log shows who sent it and when.
	d, err := s.Push(c.Context(), ym, TriggerChat, c.UserID(), false)
	if err != nil {
		return err
	}
	return c.Replyf(msgSent, ym.Year, ym.Month, len(d.Notices), d.CreatedAt.In(s.loc()).Format(time.TimeOnly))
}
