package proposal

import (
	"strings"
	"unicode/utf8"

	"unionbot"
)

// moves lists the states the union may move a proposal to from each state.
// 已答复 may go back to 已交办 when the answer did not settle the matter
// (the teacher was 不满意, say).
var moves = map[string][]string{
	StatusSubmitted: {StatusReviewing},
	StatusReviewing: {StatusAccepted, StatusRejected, StatusConverted},
	StatusAccepted:  {StatusAssigned},
	StatusConverted: {StatusAssigned},
	StatusAssigned:  {StatusReplied},
	StatusReplied:   {StatusClosed, StatusAssigned},
}

// Next lists the states p may be moved to now.
func Next(p *Proposal) []string {
	var out []string
	for _, to := range moves[p.Status] {
		if to == StatusConverted && p.Kind != KindMotion {
			continue // only a motion can be handled as a suggestion
		}
		out = append(out, to)
	}
	return out
}

// Move is a transition the union asks for.
type Move struct {
	To         string
	Note       string // the reason (不予立案) or the reply (已答复); optional otherwise
	Department string // required for 已交办
	By         string // the admin's user id, "" for the API
	ByName     string
}

// Limits of the union's texts in a move.
const (
	maxNote       = 2000
	maxDepartment = 50
)

// check validates m against p and applies it: status, department, reply.
// Illegal moves are ECONFLICT with the reason, missing texts EINVALID.
func (m *Move) apply(p *Proposal) (*LogEntry, error) {
	m.To, m.Note, m.Department = strings.TrimSpace(m.To), strings.TrimSpace(m.Note), strings.TrimSpace(m.Department)
	if !contains(Statuses, m.To) {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtUnknownStatus, m.To, strings.Join(Statuses[1:len(Statuses)-1], "、"))
	}
	next := Next(p)
	if !contains(next, m.To) {
		if len(next) == 0 {
			return nil, unionbot.Errorf(unionbot.ECONFLICT, txtNoMoves, p.No, p.Status)
		}
		return nil, unionbot.Errorf(unionbot.ECONFLICT, txtIllegalMove, p.No, p.Status, m.To, strings.Join(next, "、"))
	}
	switch m.To {
	case StatusRejected:
		if m.Note == "" {
			return nil, unionbot.Errorf(unionbot.EINVALID, txtNeedReason)
		}
	case StatusAssigned:
		if m.Department == "" {
			return nil, unionbot.Errorf(unionbot.EINVALID, txtNeedDepartment)
		}
		if utf8.RuneCountInString(m.Department) > maxDepartment {
			return nil, unionbot.Errorf(unionbot.EINVALID, txtTooLong, "承办部门", maxDepartment)
		}
		p.Department = m.Department
	case StatusReplied:
		if m.Note == "" {
			return nil, unionbot.Errorf(unionbot.EINVALID, txtNeedReply)
		}
		p.Reply = m.Note
		p.Satisfaction = "" // a new answer is judged afresh
	}
	if utf8.RuneCountInString(m.Note) > maxNote {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtTooLong, "说明", maxNote)
	}
	if m.ByName == "" {
		m.ByName = "管理接口"
	}
	entry := &LogEntry{From: p.Status, To: m.To, By: m.By, ByName: m.ByName, Department: m.Department, Note: m.Note}
	if m.To != StatusAssigned {
		entry.Department = ""
	}
	p.Status = m.To
	return entry, nil
}

// stepText is what the author and seconders are told when p reaches its
// current state through entry.
func stepText(p *Proposal, e *LogEntry) string {
	head := strings.NewReplacer("%no", p.No, "%title", p.Title, "%kind", KindName(p.Kind)).Replace(txtStepHead)
	switch p.Status {
	case StatusReviewing:
		return head + txtStepReviewing
	case StatusAccepted:
		return head + txtStepAccepted
	case StatusRejected:
		return head + strings.Replace(txtStepRejected, "%note", e.Note, 1)
	case StatusConverted:
		return head + txtStepConverted
	case StatusAssigned:
		return head + strings.Replace(txtStepAssigned, "%dept", p.Department, 1)
	case StatusReplied:
		return head + strings.NewReplacer("%note", e.Note, "%no", p.No).Replace(txtStepReplied)
	case StatusClosed:
		return head + txtStepClosed
	}
	return head + "状态改为“" + p.Status + "”。"
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
