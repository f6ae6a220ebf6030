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
	LogID    int64   `json:"log,omitempty"`      // the logged unanswered question
	Answered int64   `json:"answered,omitempty"` // the entry just answered from, for 没用
}

// unhelpfulWords are what a teacher replies when an answer did not help.
var unhelpfulWords = setOf("没用", "沒用", "没有用", "沒有用", "没帮助", "沒幫助", "不对", "不對", "答非所问", "答非所問")

// Fallback answers any text no feature took: the router tries 报名, 提建议,
// 取消 and menu numbers first.
func (s *Service) Fallback(c *bot.Context) error {
	text := c.Text()
	if utf8.RuneCountInString(text) < 2 {
		return bot.ErrPass
	}
	if utf8.RuneCountInString(text) > MaxQuestionRunes { // nothing logged: a question, not a document
		return c.Reply(s.say(fmt.Sprintf(textQuestionLong, MaxQuestionRunes), s.Engine.Script.IsTraditional(text)))
	}
	nq := s.normal(text)
	key := strings.TrimRight(nq.simplified, "!！。.~～?？")
	if reply, ok := smallTalk[key]; ok {
		return c.Reply(s.say(reply, s.Engine.Script.IsTraditional(text)))
	}
	// "When / where is …" is answered from the union's own calendar first.
	if ans, err := s.calendarAnswer(c.Context(), nq); err != nil {
		s.Logger.WarnContext(c.Context(), "faq: calendar answer", "err", err)
	} else if ans != "" {
		return c.Reply(s.say(ans, s.Engine.Script.IsTraditional(text)))
	}
	m := s.ask(c.Context(), text, nq)
	switch m.Confidence {
	case High:
		return s.answer(c, text, m.Hits[0].Entry, m.Traditional)
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
	if !worthLogging(text) { // not a question: answered, not logged for staff
		return c.Reply(s.say(textNotAQuestion, m.Traditional))
	}
	q := &Question{UserID: c.UserID(), Text: text}
	if err := s.Store.LogQuestion(c.Context(), q); err != nil {
		return err
	}
	st := flowState{Question: text, Trad: m.Traditional, LogID: q.ID}
	reply := s.say(s.pick(textUnknown, textUnknownNoAdmin), m.Traditional)
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

// Bounds of what teachers and admins type to the Q&A.
const (
	MaxQuestionRunes = 200  // a question; longer is refused, and not logged
	MaxHandOffRunes  = 500  // 转人工
	MaxAnswerRunes   = 1000 // an admin's 答复, and an entry's answer
	adminNoticeRunes = 120  // the question quoted in the admins' notice
)

// clipRunes cuts s to n characters, marking the cut.
func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…（全文见管理后台“问答”页）"
	}
	return s
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

// pick is withAdmins when someone can answer a 转人工, else without: 转人工
// is offered only when it can work.
func (s *Service) pick(withAdmins, without string) string {
	if len(s.Admins) == 0 {
		return without
	}
	return withAdmins
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
	text := strings.TrimRight(strings.TrimSpace(c.Text()), "!！。.~～")
	n, numErr := strconv.Atoi(text)
	handOff := text == "转人工" || text == "轉人工"
	if !handOff && !unhelpfulWords[text] && numErr != nil {
		// Anything else (most often the next question) leaves the flow
		// without reading its state.
		c.EndFlow()
		return bot.ErrPass
	}
	var st flowState
	if err := c.LoadFlow(&st); err != nil {
		return err
	}
	if handOff {
		c.EndFlow()
		return s.handOff(c, st.Question, st.LogID)
	}
	if unhelpfulWords[text] && st.Answered != 0 {
		return s.unhelpful(c, st)
	}
	if numErr != nil || len(st.IDs) == 0 {
		c.EndFlow()
		return bot.ErrPass
	}
	if n < 1 || n > len(st.IDs) { // not one of the offered: a menu number, say
		c.EndFlow()
		return bot.ErrPass
	}
	c.EndFlow()
	e := s.Engine.Entry(st.IDs[n-1])
	if e == nil {
		return unionbot.Errorf(unionbot.ENOTFOUND, "这条问答刚被工会停用了，请换个说法再问，或回复“转人工”。")
	}
	return s.answer(c, st.Question, e, st.Trad)
}

// answer replies with an entry's answer and keeps, for the next message,
// which entry answered, so that 没用 can say so.
func (s *Service) answer(c *bot.Context, question string, e *Entry, trad bool) error {
	if err := c.StartFlow(FlowName, flowState{Question: question, Trad: trad, Answered: e.ID}); err != nil {
		return err
	}
	return c.Reply(s.Engine.AnswerText(e, trad) + s.say(s.pick(textAnswerTail, textAnswerTailNoAdmin), trad))
}

// unhelpful logs the question just answered as unhelpful, with the entry
// that answered, for the console's 问答 page; 转人工 stays open.
func (s *Service) unhelpful(c *bot.Context, st flowState) error {
	q := &Question{UserID: c.UserID(), Text: st.Question, Status: StatusUnhelpful, EntryID: st.Answered}
	if err := s.Store.LogQuestion(c.Context(), q); err != nil {
		return err
	}
	if err := c.SaveFlow(flowState{Question: st.Question, Trad: st.Trad, LogID: q.ID}); err != nil {
		return err
	}
	return c.Reply(s.say(textUnhelpful, st.Trad))
}

// Unhelpful is the 没用 command outside the flow: nothing was just answered.
func (s *Service) Unhelpful(c *bot.Context) error {
	return c.Reply(s.say(textUnhelpfulNone, s.Engine.Script.IsTraditional(c.Text())))
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
	if utf8.RuneCountInString(question) > MaxHandOffRunes {
		return unionbot.Errorf(unionbot.EINVALID, textHandOffLong, MaxHandOffRunes)
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
			Text: fmt.Sprintf(textAdminNotice, id, who, clipRunes(question, adminNoticeRunes), id)}}
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
	if utf8.RuneCountInString(rest) > MaxAnswerRunes {
		return unionbot.Errorf(unionbot.EINVALID, textAnswerLong, MaxAnswerRunes)
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
	ctx, rec := s.Audit.Begin(c.Context(), "faq.reply", fmt.Sprintf("faq-question:%d", id))
	rec.After(map[string]string{"question": q.Text, "reply": rest})
	err = s.Store.AnswerQuestion(ctx, id, c.UserID(), rest, n)
	s.Audit.Finish(ctx, rec, err)
	if err != nil {
		return err
	}
	if err := c.StartFlow(FlowSave, saveState{Question: q.Text, Answer: rest}); err != nil {
		return err
	}
	return c.Reply(fmt.Sprintf(textReplyDone, id) + "\n" + fmt.Sprintf(textSaveAsk, q.Text, rest))
}

// FlowSave waits for the admin's 存为问答 after 答复.
const FlowSave = "faq-save"

type saveState struct {
	Question string `json:"q"`
	Answer   string `json:"a"`
}

// SaveFlow is the flow handler after 答复: 存为问答 (or 是 / 保存) saves the
// teacher's question and the reply as one of the union's entries; anything
// else leaves it unsaved and is routed anew.
func (s *Service) SaveFlow(c *bot.Context) error {
	var st saveState
	if err := c.LoadFlow(&st); err != nil {
		return err
	}
	c.EndFlow()
	switch strings.TrimRight(strings.TrimSpace(c.Text()), "!！。.") {
	case "存为问答", "存為問答", "是", "保存", "好", "好的":
	default:
		return bot.ErrPass
	}
	question := s.Engine.Script.ToSimplified(st.Question)
	e := &Entry{Question: question, Answer: st.Answer, Enabled: true, Source: SourceUnion}
	if err := s.SaveEntry(c.Context(), e, c.UserID()); err != nil {
		return err
	}
	return c.Replyf(textSaved, question)
}
