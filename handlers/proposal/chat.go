package proposal

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"unionbot"
	"unionbot/bot"
)

// noRe finds a tracking number in what a teacher typed.
var noRe = regexp.MustCompile(`(?i)\b(JY|TA)\s*[-－—_]?\s*(\d{4})\s*[-－—_]\s*(\d{1,6})\b`)

// findNo returns the normalised tracking number in s and s without it.
func findNo(s string) (no, rest string) {
	loc := noRe.FindStringSubmatchIndex(s)
	if loc == nil {
		return "", strings.TrimSpace(s)
	}
	m := noRe.FindStringSubmatch(s)
	no = NormalizeNo(m[1] + "-" + m[2] + "-" + m[3])
	return no, strings.TrimSpace(s[:loc[0]] + " " + s[loc[1]:])
}

// Mine answers 我的建议 / 我的提案: the teacher's own, and the motions
// they were asked to second.
func (ch *Chat) Mine(c *bot.Context) error {
	list, err := ch.Store.ListProposals(c.Context(), Filter{Involving: c.UserID()})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return c.Reply(txtNoneYet)
	}
	lines := []string{txtMineHead}
	for _, p := range list {
		line := fmt.Sprintf("%s %s（%s）", p.No, p.Title, p.Status)
		if p.AuthorID != c.UserID() {
			line += "——" + p.AuthorName + "的提案，您是附议人"
			for _, s := range p.Seconders {
				if s.UserID == c.UserID() && s.Status == SecondPending && p.Status == StatusSeconding {
					line += fmt.Sprintf("，请回复“附议 %s”或“不附议 %s”", p.No, p.No)
				}
			}
		} else if p.Status == StatusReplied && p.Satisfaction == "" {
			line += "，请评价：回复“满意”“基本满意”或“不满意”"
		}
		lines = append(lines, line)
	}
	lines = append(lines, txtMineFoot)
	return c.Reply(strings.Join(lines, "\n"))
}

// Query answers 查询 JY-2026-0001, to its author, its seconders and admins;
// anyone else is told it was not found, so numbers reveal nothing.
func (ch *Chat) Query(c *bot.Context) error {
	no, _ := findNo(c.Args)
	if no == "" {
		return bot.ErrPass // 查询工资 is a question for the Q&A
	}
	p, err := ch.Store.GetProposal(c.Context(), no)
	admin := c.IsAdmin()
	if unionbot.ErrorCode(err) == unionbot.ENOTFOUND || (err == nil && !admin && !p.CanSee(c.UserID())) {
		return c.Replyf(txtNotFound, no)
	} else if err != nil {
		return err
	}
	log, err := ch.Store.ProposalLog(c.Context(), no)
	if err != nil {
		return err
	}
	return c.Reply(ch.detail(c, p, log))
}

// detail renders a proposal for chat. An anonymous author sees that it is
// theirs; everyone else (admins too) sees 匿名.
func (ch *Chat) detail(c *bot.Context, p *Proposal, log []*LogEntry) string {
	loc := c.Location()
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", p.No, KindName(p.Kind))
	labels := map[string]string{}
	for _, f := range formFields(p.Kind) {
		labels[f.Key] = f.Label
	}
	fmt.Fprintf(&b, "%s：%s\n", labels[keyTitle], p.Title)
	if p.Category != "" {
		fmt.Fprintf(&b, "类别：%s\n", p.Category)
	}
	status := p.Status
	if p.Department != "" && (p.Status == StatusAssigned || p.Status == StatusReplied || p.Status == StatusClosed) {
		status += "（承办：" + p.Department + "）"
	}
	fmt.Fprintf(&b, "状态：%s\n", status)
	author := p.Author()
	if p.Anonymous && p.AuthorID == c.UserID() {
		author = "您（匿名，工会看不到您的姓名）"
	}
	fmt.Fprintf(&b, "提交人：%s，%s\n", author, p.CreatedAt.In(loc).Format("2006-01-02 15:04"))
	if p.Session != "" {
		fmt.Fprintf(&b, "会议：%s\n", p.Session)
	}
	if len(p.Seconders) > 0 {
		var ss []string
		for _, s := range p.Seconders {
			ss = append(ss, s.Name+"（"+s.Status+"）")
		}
		fmt.Fprintf(&b, "附议人：%s\n", strings.Join(ss, "、"))
	}
	fmt.Fprintf(&b, "%s：%s\n%s：%s\n", labels[keyContent], p.Content, labels[keyMeasures], p.Measures)
	if p.Reply != "" {
		fmt.Fprintf(&b, "答复：%s\n", p.Reply)
	}
	if p.Satisfaction != "" {
		fmt.Fprintf(&b, "评价：%s\n", p.Satisfaction)
	}
	b.WriteString("办理记录：")
	for _, e := range log {
		fmt.Fprintf(&b, "\n%s %s", e.At.In(loc).Format("01-02 15:04"), e.To)
		if e.Department != "" {
			b.WriteString("（" + e.Department + "）")
		}
		if e.Note != "" && e.Note != "提交" {
			b.WriteString("：" + clip(e.Note, 60))
		}
	}
	return b.String()
}

// Second answers 附议 [编号]; Decline answers 不附议 [编号].
func (ch *Chat) Second(c *bot.Context) error  { return ch.second(c, true) }
func (ch *Chat) Decline(c *bot.Context) error { return ch.second(c, false) }

func (ch *Chat) second(c *bot.Context, agree bool) error {
	no, rest := findNo(c.Args)
	if no == "" && rest != "" {
		return bot.ErrPass // 附议人是什么意思 is a question
	}
	if no == "" {
		pending, err := ch.pendingSeconds(c)
		if err != nil {
			return err
		}
		switch len(pending) {
		case 0:
			return c.Reply(txtNoSecondInvites)
		case 1:
			no = pending[0]
		default:
			return c.Replyf(txtWhichSecond, strings.Join(pending, "、"), c.Command, pending[0])
		}
	}
	p, err := ch.AnswerSecond(c.Context(), no, c.UserID(), agree)
	if err != nil {
		return err
	}
	if agree {
		return c.Replyf(txtSeconded, p.No, p.Title, p.AuthorName)
	}
	return c.Replyf(txtNotSeconded, p.No, p.Title, p.AuthorName)
}

func (ch *Chat) pendingSeconds(c *bot.Context) ([]string, error) {
	list, err := ch.Store.ListProposals(c.Context(), Filter{Involving: c.UserID(), Status: StatusSeconding})
	if err != nil {
		return nil, err
	}
	var out []string
	for _, p := range list {
		for _, s := range p.Seconders {
			if s.UserID == c.UserID() && s.Status == SecondPending {
				out = append(out, p.No)
			}
		}
	}
	return out, nil
}

// Evaluate answers 满意 / 基本满意 / 不满意 (optionally with a number) and
// 评价 满意 JY-…. With nothing to evaluate, 满意 is left to the Q&A.
func (ch *Chat) Evaluate(c *bot.Context) error {
	no, rest := findNo(c.Args)
	answer := c.Command
	if c.Command == "评价" {
		answer = strings.TrimRight(c.Fold(rest), "。.!！")
	} else if rest != "" {
		return bot.ErrPass // 满意度调查是什么 is a question
	}
	if no == "" {
		list, err := ch.Store.ListProposals(c.Context(), Filter{Involving: c.UserID(), Status: StatusReplied})
		if err != nil {
			return err
		}
		var waiting []string
		for _, p := range list {
			if p.AuthorID == c.UserID() && p.Satisfaction == "" {
				waiting = append(waiting, p.No)
			}
		}
		switch {
		case len(waiting) == 0 && c.Command != "评价":
			return bot.ErrPass
		case len(waiting) == 0:
			return c.Reply(txtNothingToRate)
		case len(waiting) > 1:
			return c.Replyf(txtWhichRate, strings.Join(waiting, "、"), waiting[0])
		}
		no = waiting[0]
	}
	if !contains(Satisfactions, answer) {
		return c.Reply(txtBadSatisfaction)
	}
	p, err := ch.Rate(c.Context(), no, c.UserID(), answer)
	if err != nil {
		return err
	}
	if answer == "不满意" {
		return c.Replyf(txtRatedBad, p.No)
	}
	return c.Replyf(txtRated, p.No, answer)
}

// Pending answers the admin's 待办建议: every proposal not yet finished,
// oldest first, with the moves open to it. Anonymous authors show as 匿名.
func (ch *Chat) Pending(c *bot.Context) error {
	list, err := ch.Store.ListProposals(c.Context(), Filter{Open: true})
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return c.Reply(txtNoPending)
	}
	lines := []string{fmt.Sprintf(txtPendingHead, len(list))}
	for i := len(list) - 1; i >= 0; i-- {
		p := list[i]
		next := strings.Join(Next(p), "/")
		if next == "" {
			next = "等待附议"
		}
		lines = append(lines, fmt.Sprintf("%s %s（%s，%s，%s）→ %s", p.No, p.Title, p.Status, p.Author(),
			p.CreatedAt.In(c.Location()).Format("1月2日"), next))
	}
	lines = append(lines, txtPendingFoot)
	return c.Reply(strings.Join(lines, "\n"))
}

// Answer is the admin's 回复 JY-2026-0001 答复内容: the proposal moves to
// 已答复 and the author is told the answer.
func (ch *Chat) Answer(c *bot.Context) error {
	no, text := findNo(c.Args)
	if no == "" {
		return c.Reply(txtAnswerUsage)
	}
	return ch.move(c, no, Move{To: StatusReplied, Note: text})
}

// Handle is the admin's 办理 JY-2026-0001 状态 [承办部门] [说明], e.g.
// 办理 JY-2026-0001 已交办 总务处 请两周内答复.
func (ch *Chat) Handle(c *bot.Context) error {
	no, rest := findNo(c.Args)
	words := strings.Fields(rest)
	if no == "" || len(words) == 0 {
		return c.Reply(txtHandleUsage)
	}
	m := Move{To: c.Fold(words[0])}
	switch m.To {
	case "交办":
		m.To = StatusAssigned
	case "答复":
		m.To = StatusReplied
	case "办结":
		m.To = StatusClosed
	case "审查":
		m.To = StatusReviewing
	}
	words = words[1:]
	if m.To == StatusAssigned && len(words) > 0 {
		m.Department, words = words[0], words[1:]
	}
	m.Note = strings.Join(words, " ")
	return ch.move(c, no, m)
}

func (ch *Chat) move(c *bot.Context, no string, m Move) error {
	mem, err := c.Member()
	if err != nil {
		return err
	}
	m.By, m.ByName = mem.UserID, mem.DisplayName()
	p, err := ch.Transition(c.Context(), no, m)
	if err != nil {
		return err
	}
	return c.Replyf(txtMoved, p.No, p.Status, strings.Join(Next(p), "/"))
}

// OpenCollection is the admin's 提案征集 六届二次教代会 2026-12-31: motions
// are taken from now until the end of that day.
func (ch *Chat) OpenCollection(c *bot.Context) error {
	words := strings.Fields(c.Args)
	if len(words) != 2 {
		return ch.showSessions(c)
	}
	day, err := time.ParseInLocation("2006-01-02", words[1], c.Location())
	if err != nil {
		return c.Reply(txtCollectUsage)
	}
	s := &Session{Name: words[0], OpensAt: c.Now(), ClosesAt: day.AddDate(0, 0, 1)}
	if err := ch.CreateSession(c.Context(), s); err != nil {
		return err
	}
	return c.Replyf(txtCollecting, s.Name, day.Format("2006年1月2日"))
}

func (ch *Chat) showSessions(c *bot.Context) error {
	sess, err := ch.OpenSession(c.Context())
	if err != nil {
		return err
	}
	if sess == nil {
		return c.Reply(txtNoSession + "\n" + txtCollectUsage)
	}
	return c.Replyf(txtSessionOpen, sess.Name, sess.ClosesAt.Add(-time.Second).In(c.Location()).Format("2006年1月2日 15:04"))
}
