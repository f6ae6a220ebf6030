package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"unionbot/handlers/ballot"
)

// writeBallotXLSX writes a closed ballot's result as an Excel workbook:
// 结果 (turnout, quorum, counts and outcomes), 评议汇总 (per person:
// count and percentage of each rating), 评议意见 (the anonymous comments)
// and 选票名单 (every receipt with its answers and chain hash, in receipt
// order). Nothing in it names a voter.
func (s *Server) writeBallotXLSX(w http.ResponseWriter, b *ballot.Ballot) error {
	res := b.Result
	t := res.Tally
	f := excelize.NewFile()
	defer f.Close()
	quorum := "是"
	if !t.QuorumMet {
		quorum = "否"
	}
	result := [][]any{
		{"投票", b.Title},
		{"投票范围", b.ElectorateName()},
		{"投票时间", b.OpensAt.In(s.location()).Format("2006-01-02 15:04") + " 至 " + b.ClosesAt.In(s.location()).Format("2006-01-02 15:04")},
		{"应投票人数", t.Electorate},
		{"实际投票人数", t.Voted},
		{"参与率", t.Participation},
		{"法定人数", b.Quorum.String()},
		{"达到法定人数", quorum},
		{"通过规则", b.Pass.String()},
		{"链头哈希（SHA-256）", res.Head},
		{},
		{"题号", "题目", "类型", "选项", "票数", "百分比", "结果"},
	}
	for _, q := range t.Questions {
		for _, c := range q.Counts {
			outcome := c.Outcome
			if q.Kind == ballot.KindMotion {
				outcome = q.Outcome
			}
			result = append(result, []any{q.No, q.Title, q.Kind, c.Name, c.Votes, c.Percent, outcome})
		}
		if q.Kind == ballot.KindElection {
			result = append(result, []any{q.No, q.Title, q.Kind, "", "", "", q.Outcome})
		}
	}
	review := [][]any{}
	comments := [][]any{{"题号", "题目", "意见（匿名）"}}
	for _, q := range t.Questions {
		if q.Kind != ballot.KindReview {
			continue
		}
		head := []any{"题号", "题目", "被评议人"}
		for _, c := range q.Persons[0].Counts {
			head = append(head, c.Name+"（票）", c.Name+"（%）")
		}
		review = append(review, head)
		for _, p := range q.Persons {
			row := []any{q.No, q.Title, p.Name}
			for _, c := range p.Counts {
				row = append(row, c.Votes, c.Percent)
			}
			review = append(review, row)
		}
		review = append(review, []any{})
		for _, c := range q.Comments {
			comments = append(comments, []any{q.No, q.Title, c})
		}
	}
	lines := [][]any{{"序号", "回执码"}}
	for _, q := range b.Questions {
		lines[0] = append(lines[0], q.Title)
	}
	lines[0] = append(lines[0], "链哈希")
	for i, l := range res.Lines {
		row := []any{i + 1, ballot.ShowReceipt(l.Receipt)}
		for j, a := range l.Answers {
			row = append(row, answerCell(b.Questions[j], a))
		}
		lines = append(lines, append(row, l.Hash))
	}
	sheets := []struct {
		name string
		rows [][]any
	}{{"结果", result}, {"评议汇总", review}, {"评议意见", comments}, {"选票名单", lines}}
	for i, sh := range sheets {
		if len(sh.rows) == 0 || (sh.name == "评议意见" && len(sh.rows) == 1) {
			continue
		}
		if i == 0 {
			f.SetSheetName("Sheet1", sh.name)
		} else if _, err := f.NewSheet(sh.name); err != nil {
			return fmt.Errorf("ballot export sheet: %w", err)
		}
		for r, row := range sh.rows {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(sh.name, cell, &row); err != nil {
				return fmt.Errorf("ballot export row: %w", err)
			}
		}
	}
	f.SetColWidth("结果", "A", "B", 24)
	name := b.Title + "-结果.xlsx"
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"ballot-"+strconv.FormatInt(b.ID, 10)+".xlsx\"; filename*=UTF-8''"+url.PathEscape(name))
	return f.Write(w)
}

// answerCell is one answer in the 选票名单 sheet.
func answerCell(q ballot.Question, a ballot.Answer) string {
	switch q.Kind {
	case ballot.KindElection:
		if len(a.Picks) == 0 {
			return "弃权"
		}
		return strings.Join(a.Picks, "、")
	case ballot.KindReview:
		var ps []string
		for i, p := range q.Options {
			if i < len(a.Picks) {
				ps = append(ps, p+":"+a.Picks[i])
			}
		}
		out := strings.Join(ps, "，")
		if a.Comment != "" {
			out += "；意见：" + a.Comment
		}
		return out
	}
	return strings.Join(a.Picks, "")
}
