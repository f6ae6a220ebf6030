package faq

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"unionbot"
	"unionbot/bot"
)

// FlowName is the short flow that waits for a number after 您是不是想问, or
// for 转人工 after the bot did not know.
const FlowName = "faq"

// FlowTitle is how the core names the flow to the teacher.
const FlowTitle = "常见问题"

type flowState struct {
	Question string  `json:"q"`
	IDs      []int64 `json:"ids,omitempty"` // offered entries; none when the bot did not know
	Trad     bool    `json:"trad,omitempty"`
	LogID    int64   `json:"log,omitempty"` // the logged unanswered question
}

// Fallback answers any text no feature took: the router tries 报名, 提建议,
// 取消 and menu numbers first.
func (s *Service) Fallback(c *bot.Context) error {
	text := c.Text()
	if utf8.RuneCountInString(text) < 2 {
		return bot.ErrPass
	}
	key := strings.TrimRight(s.Engine.Script.ToSimplified(fold(text)), "!！。.~～?？")
	if reply, ok := smallTalk[key]; ok {
		return c.Reply(s.say(reply, s.Engine.Script.IsTraditional(text)))
	}
	m := s.Ask(c.Context(), text)
	switch m.Confidence {
	case High:
		return c.Reply(s.Engine.AnswerText(m.Hits[0].Entry, m.Traditional) + s.say(textAnswerTail, m.Traditional))
	case Middle:
		m.Hits = relatedHits(m.Hits) // the best always passes: its coverage is ≥ middleCoverage
		st := flowState{Question: text, Trad: m.Traditional}
		for _, h := range m.Hits {
			st.IDs = append(st.IDs, h.Entry.ID)
		}
		if err := c.StartFlow(FlowName, st); err != nil {
			return err
		}
		return c.Reply(s.suggestion(m))
	}
	q := &Question{UserID: c.UserID(), Text: text}
	if err := s.Store.LogQuestion(c.Context(), q); err != nil {
		return err
	}
	st := flowState{Question: text, Trad: m.Traditional, LogID: q.ID}
	reply := s.say(textUnknown, m.Traditional)
	if related := relatedHits(m.Hits); len(related) > 0 {
		// Not sure enough to offer as the question, but worth a look.
		var b strings.Builder
		b.WriteString(s.say(textRelatedHead, m.Traditional))
		for i, h := range related {
			st.IDs = append(st.IDs, h.Entry.ID)
			fmt.Fprintf(&b, "\n%d. %s", i+1, s.Engine.QuestionText(h.Entry, m.Traditional))
		}
		reply += "\n" + b.String()
	}
	if err := c.StartFlow(FlowName, st); err != nil {
		return err
	}
	return c.Reply(reply)
}

// relatedHits are the low-confidence hits still worth listing.
func relatedHits(hits []Hit) []Hit {
	var out []Hit
	for _, h := range hits {
		if h.Coverage >= relatedCoverage {
			out = append(out, h)
		}
	}
	return out
}

// say puts a reply text in the teacher's script.
func (s *Service) say(text string, traditional bool) string {
	if traditional {
		return s.Engine.Script.ToTraditional(text)
	}
	return text
}

// Pick is the flow handler: a number picks an offered entry, 转人工 hands the
// question to a person, anything else leaves the flow and is routed anew.
func (s *Service) Pick(c *bot.Context) error {
	var st flowState
	if err := c.LoadFlow(&st); err != nil {
		return err
	}
	text := strings.TrimSpace(c.Text())
	if text == "转人工" || text == "轉人工" {
		c.EndFlow()
		return s.handOff(c, st.Question, st.LogID)
	}
	n, err := strconv.Atoi(text)
	if err != nil || len(st.IDs) == 0 {
		c.EndFlow()
		return bot.ErrPass
	}
	if n < 1 || n > len(st.IDs) {
		return c.Reply(s.say(fmt.Sprintf(textPickRange, len(st.IDs)), st.Trad))
	}
	c.EndFlow()
	e := s.Engine.Entry(st.IDs[n-1])
	if e == nil {
		return unionbot.Errorf(unionbot.ENOTFOUND, "这条问答刚被工会停用了，请换个说法再问，或回复“转人工”。")
	}
	return c.Reply(s.Engine.AnswerText(e, st.Trad) + s.say(textAnswerTail, st.Trad))
}

// HandOff is the 转人工 command: the question after it (or, inside the
// flow, the one just asked) goes to the admins by active message.
func (s *Service) HandOff(c *bot.Context) error {
	if c.Args == "" {
		return c.Reply(textHandOffEmpty)
	}
	return s.handOff(c, c.Args, 0)
}

func (s *Service) handOff(c *bot.Context, question string, logID int64) error {
	if len(s.Admins) == 0 {
		return unionbot.Errorf(unionbot.EINVALID, textNoAdmins)
	}
	who := c.UserID()
	if mem, err := c.Member(); err == nil {
		who = mem.DisplayName()
		if mem.Department != "" {
			who += "（" + mem.Department + "）"
		}
	}
	q := &Question{ID: logID, UserID: c.UserID(), Text: question}
	err := s.Store.HandOff(c.Context(), q, func(id int64) []*unionbot.Notice {
		return []*unionbot.Notice{{ToUsers: s.Admins, Kind: "faq", Ref: "faq-q-" + strconv.FormatInt(id, 10),
			Text: fmt.Sprintf(textAdminNotice, id, who, question, id)}}
	})
	if err != nil {
		return err
	}
	return c.Reply(s.say(fmt.Sprintf(textHandedOff, q.ID), s.Engine.Script.IsTraditional(question)))
}

// Reply is the admins' 答复 <编号> <内容>: the reply reaches the teacher who
// asked by active message.
func (s *Service) Reply(c *bot.Context) error {
	args := strings.TrimLeft(strings.TrimSpace(c.Args), "#＃")
	end := strings.IndexFunc(args, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(args)
	}
	num, rest := args[:end], strings.TrimSpace(args[end:])
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || rest == "" {
		return c.Reply(textReplyUsage)
	}
	q, err := s.Store.GetQuestion(c.Context(), id)
	if err != nil {
		return err
	}
	// The teacher reads the answer in the script they asked in; their own
	// question is quoted as they wrote it.
	trad := s.Engine.Script.IsTraditional(q.Text)
	text := fmt.Sprintf(s.say(textTeacherReply, trad), id, q.Text, s.say(rest, trad))
	n := &unionbot.Notice{ToUsers: []string{q.UserID}, Kind: "faq", Ref: "faq-a-" + num, Text: text}
	if err := s.Store.AnswerQuestion(c.Context(), id, c.UserID(), rest, n); err != nil {
		return err
	}
	return c.Replyf(textReplyDone, id)
}
