package ballot

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"unionbot"
	"unionbot/bot"
)

// FlowName is the chat form that fills one ballot, question by question.
const FlowName = "ballot"

// Chat is the teachers' side of ballots: 投票, the form, 确认投票 and 验证.
type Chat struct {
	*Service
}

// form is the state of a ballot being filled in. It lives in the session
// store until 确认投票 (or 取消) ends the flow, and holds no receipt.
type form struct {
	BallotID int64    `json:"b"`
	Step     int      `json:"s"`
	Answers  []Answer `json:"a"`
}

// step is one prompt: question q, and for a 评议 the person rated
// (person == len(Options) is the comment).
type step struct{ q, person int }

func steps(b *Ballot) []step {
	var out []step
	for i, q := range b.Questions {
		if q.Kind != KindReview {
			out = append(out, step{i, -1})
			continue
		}
		for j := range q.Options {
			out = append(out, step{i, j})
		}
		if q.Comment {
			out = append(out, step{i, len(q.Options)})
		}
	}
	return out
}

func blank(b *Ballot) []Answer {
	a := make([]Answer, len(b.Questions))
	for i, q := range b.Questions {
		if q.Kind == KindReview {
			a[i].Picks = make([]string, len(q.Options))
		}
	}
	return a
}

// List answers 投票: the open ballots the teacher may vote in; with one
// not yet voted in, or 投票 N, it starts that ballot's form.
func (ch *Chat) List(c *bot.Context) error {
	arg := foldDigits(strings.TrimSpace(c.Args))
	n, err := strconv.Atoi(arg)
	if arg != "" && err != nil {
		return bot.ErrPass // 投票什么时候开始 is a question
	}
	mine, err := ch.ForVoter(c.Context(), c.UserID())
	if err != nil {
		return err
	}
	if len(mine) == 0 {
		return c.Reply(txtNoBallots)
	}
	if arg == "" && len(mine) == 1 && !mine[0].Voted {
		return ch.start(c, mine[0].Ballot)
	}
	if arg == "" {
		lines := []string{txtListHead}
		for i, m := range mine {
			line := fmt.Sprintf("%d. %s", i+1, m.Ballot.Title) + fmt.Sprintf(txtListCloses, m.Ballot.ClosesAt.In(c.Location()).Format("1月2日 15:04"))
			if m.Voted {
				line += txtListVoted
			}
			lines = append(lines, line)
		}
		return c.Reply(strings.Join(append(lines, txtListFoot), "\n"))
	}
	if n < 1 || n > len(mine) {
		return c.Replyf(txtNoSuchBallot, n)
	}
	if mine[n-1].Voted {
		return c.Replyf(txtAlreadyVoted, mine[n-1].Ballot.Title)
	}
	return ch.start(c, mine[n-1].Ballot)
}

func (ch *Chat) start(c *bot.Context, b *Ballot) error {
	f := form{BallotID: b.ID, Answers: blank(b)}
	if err := c.StartFlow(FlowName, f); err != nil {
		return err
	}
	c.Replyf(txtIntro, b.Title, len(b.Questions))
	return c.Reply(prompt(b, steps(b)[0]))
}

// Form takes the teacher's answer to the current prompt.
func (ch *Chat) Form(c *bot.Context) error {
	var f form
	if err := c.LoadFlow(&f); err != nil {
		return err
	}
	b, err := ch.Store.GetBallot(c.Context(), f.BallotID)
	if err != nil {
		c.EndFlow()
		return err
	}
	if !b.Accepting(c.Now()) {
		c.EndFlow()
		return c.Replyf(txtLapsed, b.Title)
	}
	ss := steps(b)
	text := strings.TrimSpace(c.Fold(c.Text()))
	switch {
	case text == "上一步":
		f.Step = max(0, f.Step-1)
	case text == "重投" || text == "重新投票":
		f = form{BallotID: b.ID, Answers: blank(b)}
	case f.Step >= len(ss) && text == "确认投票":
		receipt, err := ch.Cast(c.Context(), b.ID, c.UserID(), f.Answers)
		if err != nil {
			if unionbot.ErrorCode(err) == unionbot.ECONFLICT || unionbot.ErrorCode(err) == unionbot.EFORBIDDEN {
				c.EndFlow()
			}
			return err
		}
		c.EndFlow()
		code := ShowReceipt(receipt)
		return c.Replyf(txtCast, b.Title, code, code)
	case f.Step >= len(ss):
		return c.Reply(txtConfirmPlease)
	default:
		if err := answer(b, ss[f.Step], &f, c.Text()); err != nil {
			c.Reply(unionbot.ErrorMessage(err))
			return c.Reply(prompt(b, ss[f.Step]))
		}
		f.Step++
	}
	if err := c.SaveFlow(f); err != nil {
		return err
	}
	if f.Step >= len(ss) {
		return c.Reply(summary(b, f.Answers))
	}
	return c.Reply(prompt(b, ss[f.Step]))
}

// Confirm answers 确认投票 outside the form: there is nothing to send.
func (ch *Chat) Confirm(c *bot.Context) error { return c.Reply(txtNothingToSend) }

// Verify answers 验证 <回执码>: the choices recorded under the code, and
// where it stands in the published list once the ballot closed.
func (ch *Chat) Verify(c *bot.Context) error {
	if strings.TrimSpace(c.Args) == "" {
		return c.Reply(txtVerifyUsage)
	}
	if ParseReceipt(c.Args) == "" {
		return bot.ErrPass // 验证码收不到 is a question
	}
	found, err := ch.FindReceipt(c.Context(), c.Args)
	if err != nil {
		return err
	}
	for _, fd := range found {
		b := fd.Ballot
		lines := []string{fmt.Sprintf(txtVerifyHead, ShowReceipt(fd.Vote.Receipt), b.Title, b.Status)}
		lines = append(lines, b.Describe(fd.Vote.Answers)...)
		if b.Result != nil {
			for i, l := range b.Result.Lines {
				if l.Receipt == fd.Vote.Receipt {
					lines = append(lines, fmt.Sprintf(txtVerifyListed, i+1, l.Hash[:16], b.Result.Head[:16]))
				}
			}
		} else {
			lines = append(lines, txtVerifyLater)
		}
		c.Reply(strings.Join(lines, "\n"))
	}
	return nil
}

// prompt asks one step.
func prompt(b *Ballot, s step) string {
	q, n := b.Questions[s.q], len(b.Questions)
	switch {
	case q.Kind == KindMotion:
		return fmt.Sprintf(txtAskMotion, s.q+1, n, q.Title, numbered(MotionChoices))
	case q.Kind == KindElection:
		return fmt.Sprintf(txtAskElection, s.q+1, n, q.Max, q.Title, numbered(q.Options))
	case s.person < len(q.Options):
		return fmt.Sprintf(txtAskReview, s.q+1, n, s.person+1, len(q.Options), q.Title, q.Options[s.person], numbered(q.Ratings))
	}
	return fmt.Sprintf(txtAskComment, s.q+1, n, q.Title, MaxComment)
}

func numbered(list []string) string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = strconv.Itoa(i+1) + ". " + s
	}
	return strings.Join(out, "\n")
}

// answer reads the teacher's reply to step s into f.
func answer(b *Ballot, s step, f *form, text string) error {
	q := b.Questions[s.q]
	a := &f.Answers[s.q]
	text = strings.TrimSpace(text)
	switch {
	case q.Kind == KindMotion:
		aliases := map[string]string{"同意": Yes, "不同意": No, "弃权": Abstain}
		pick, err := pickOne(MotionChoices, text, aliases)
		if err != nil {
			return err
		}
		a.Picks = []string{pick}
	case q.Kind == KindElection:
		picks, err := pickMany(q, text)
		if err != nil {
			return err
		}
		a.Picks = picks
	case s.person < len(q.Options):
		pick, err := pickOne(q.Ratings, text, nil)
		if err != nil {
			return err
		}
		a.Picks[s.person] = pick
	default:
		if text == "无" || text == "没有" || text == "沒有" || text == "跳过" {
			text = ""
		}
		if n := utf8.RuneCountInString(text); n > MaxComment {
			return unionbot.Errorf(unionbot.EINVALID, txtCommentLong, MaxComment, n)
		}
		a.Comment = text
	}
	return nil
}

func pickOne(choices []string, text string, aliases map[string]string) (string, error) {
	if n, err := strconv.Atoi(foldDigits(text)); err == nil && n >= 1 && n <= len(choices) {
		return choices[n-1], nil
	}
	for _, c := range choices {
		if text == c {
			return c, nil
		}
	}
	if v, ok := aliases[text]; ok {
		return v, nil
	}
	return "", unionbot.Errorf(unionbot.EINVALID, txtPickOne, len(choices))
}

func pickMany(q Question, text string) ([]string, error) {
	if text == "弃权" || text == "0" || text == "０" {
		return []string{}, nil
	}
	fields := strings.FieldsFunc(foldDigits(text), func(r rune) bool { return strings.ContainsRune(" ,，、;；", r) })
	var picks []string
	seen := map[string]bool{}
	for _, w := range fields {
		name := ""
		if n, err := strconv.Atoi(w); err == nil && n >= 1 && n <= len(q.Options) {
			name = q.Options[n-1]
		} else if contains(q.Options, w) {
			name = w
		} else {
			return nil, unionbot.Errorf(unionbot.EINVALID, txtBadPick, w)
		}
		if seen[name] {
			return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtDupPick)
		}
		seen[name] = true
		picks = append(picks, name)
	}
	if len(picks) == 0 {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtBadPick, text)
	}
	if len(picks) > q.Max {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtTooMany, q.Max, len(picks))
	}
	return picks, nil
}

// foldDigits turns full-width digits into ASCII.
func foldDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '０' && r <= '９' {
			return r - '０' + '0'
		}
		return r
	}, s)
}

func summary(b *Ballot, answers []Answer) string {
	lines := []string{fmt.Sprintf(txtSummaryHead, b.Title)}
	lines = append(lines, b.Describe(answers)...)
	return strings.Join(append(lines, txtSummaryFoot), "\n")
}

// Describe says each answer in a line, for the voter's own eyes only.
func (b *Ballot) Describe(answers []Answer) []string {
	var out []string
	for i, q := range b.Questions {
		if i >= len(answers) {
			break
		}
		a := answers[i]
		var what string
		switch q.Kind {
		case KindElection:
			what = strings.Join(a.Picks, "、")
			if len(a.Picks) == 0 {
				what = txtAbstained
			}
		case KindReview:
			var ps []string
			for j, p := range q.Options {
				if j < len(a.Picks) {
					ps = append(ps, p+" "+a.Picks[j])
				}
			}
			what = strings.Join(ps, "，")
			if a.Comment != "" {
				what += "；" + txtCommentLabel + a.Comment
			}
		default:
			what = strings.Join(a.Picks, "")
		}
		out = append(out, fmt.Sprintf("%d. %s：%s", i+1, q.Title, what))
	}
	return out
}
