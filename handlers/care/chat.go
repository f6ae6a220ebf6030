package care

import (
	"fmt"
	"strconv"
	"strings"

	"unionbot"
	"unionbot/bot"
)

// FlowReport is the name of the 报告慰问 form flow.
const FlowReport = "care-report"

// Chat is the chat face of the care ledger: teachers report (报告慰问 /
// 工会关怀) and see their own cases (我的关怀); care staff take a case
// (认领) or hand it to a colleague (指派). Every decision is the Service's.
type Chat struct{ Service *Service }

type reportState struct {
	Step        int
	SubjectID   string
	SubjectName string
	Kind        string
}

// Report answers 报告慰问 and 工会关怀: a three-question form (who, what,
// a short note).
func (ch *Chat) Report(c *bot.Context) error {
	if err := c.StartFlow(FlowReport, reportState{Step: 1}); err != nil {
		return err
	}
	return c.Reply(txtAskSubject)
}

// Form takes the answers of the 报告慰问 form.
func (ch *Chat) Form(c *bot.Context) error {
	var st reportState
	if err := c.LoadFlow(&st); err != nil {
		return err
	}
	ctx, text := c.Context(), c.Text()
	switch st.Step {
	case 1:
		if text == txtSelf || text == "我" || text == "自己" {
			m, err := c.Member()
			if err != nil {
				return err
			}
			st.SubjectID, st.SubjectName = m.UserID, m.DisplayName()
		} else {
			m, err := unionbot.FindMember(ctx, ch.Service.Members, text)
			switch {
			case err == nil:
				st.SubjectID, st.SubjectName = m.UserID, m.DisplayName()
			case unionbot.ErrorCode(err) == unionbot.ENOTFOUND && len([]rune(text)) <= 16:
				st.SubjectName = text // not in the member list yet: the name is kept
			default:
				return err
			}
		}
		st.Step = 2
		if err := c.SaveFlow(st); err != nil {
			return err
		}
		return ch.askKind(c)
	case 2:
		rules, err := ch.Service.Rules(ctx)
		if err != nil {
			return err
		}
		n, err := strconv.Atoi(text)
		if err != nil || n < 1 || n > len(rules.Kinds) {
			if k := rules.Kind(text); k != nil {
				n = indexOf(rules.Names(), text) + 1
			} else {
				return c.Replyf(txtBadPick, len(rules.Kinds))
			}
		}
		st.Kind, st.Step = rules.Kinds[n-1].Name, 3
		if err := c.SaveFlow(st); err != nil {
			return err
		}
		return c.Replyf(txtAskSummary, MaxSummary)
	}
	cs := &Case{Kind: st.Kind, SubjectID: st.SubjectID, SubjectName: st.SubjectName, Summary: text}
	if err := ch.Service.Report(ctx, c.UserID(), cs); err != nil {
		return err
	}
	c.EndFlow()
	reply := fmt.Sprintf(txtReported, cs.ID, cs.SubjectName, cs.Kind)
	if cs.SubjectID != c.UserID() {
		reply += fmt.Sprintf(txtReportedFor, cs.SubjectName)
	}
	return c.Reply(reply)
}

func (ch *Chat) askKind(c *bot.Context) error {
	rules, err := ch.Service.Rules(c.Context())
	if err != nil {
		return err
	}
	var lines []string
	for i, k := range rules.Kinds {
		lines = append(lines, fmt.Sprintf("%d. %s", i+1, k.Name))
	}
	return c.Replyf(txtAskKind, strings.Join(lines, "\n"))
}

// Mine answers 我的关怀: the cases a teacher reported, and those about
// them once staff have acted.
func (ch *Chat) Mine(c *bot.Context) error {
	cs, err := ch.Service.Mine(c.Context(), c.UserID())
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		return c.Reply(txtMineNone)
	}
	lines := []string{txtMineHead}
	for _, x := range cs {
		lines = append(lines, fmt.Sprintf(txtMineLine, x.ID, x.SubjectName, x.Kind, x.Status))
	}
	return c.Reply(strings.Join(lines, "\n"))
}

// Claim answers 认领 N: a care staff member takes case N.
func (ch *Chat) Claim(c *bot.Context) error {
	id, err := strconv.ParseInt(strings.TrimSpace(c.Args), 10, 64)
	if err != nil || id <= 0 {
		return c.Reply(txtClaimUsage)
	}
	cs, err := ch.Service.Assign(c.Context(), c.UserID(), id, c.UserID())
	if err != nil {
		return err
	}
	return c.Replyf(txtClaimed, cs.ID, cs.SubjectName, cs.Kind)
}

// Assign answers 指派 N 姓名: a care staff member hands case N to another.
func (ch *Chat) Assign(c *bot.Context) error {
	f := strings.Fields(c.Args)
	if len(f) != 2 {
		return c.Reply(txtAssignUsage)
	}
	id, err := strconv.ParseInt(f[0], 10, 64)
	if err != nil || id <= 0 {
		return c.Reply(txtAssignUsage)
	}
	if !ch.Service.IsStaff(c.Context(), c.UserID()) {
		return unionbot.Errorf(unionbot.EFORBIDDEN, "%s", txtNotCare)
	}
	m, err := unionbot.FindMember(c.Context(), ch.Service.Members, f[1])
	if err != nil {
		return err
	}
	cs, err := ch.Service.Assign(c.Context(), c.UserID(), id, m.UserID)
	if err != nil {
		return err
	}
	return c.Replyf(txtAssignedTo, cs.ID, cs.SubjectName, cs.Kind, m.DisplayName())
}

func indexOf(xs []string, x string) int {
	for i, y := range xs {
		if y == x {
			return i
		}
	}
	return -1
}
