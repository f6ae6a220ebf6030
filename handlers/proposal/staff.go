package proposal

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// StaffView is a proposal as union staff see it, in the API, the console
// and the export. An anonymous suggestion carries no author id, name or
// department: the author is held back here, in the one function every
// admin output goes through.
type StaffView struct {
	No, Kind, KindName, Title, Category, Status string
	Session, Department, Satisfaction           string
	Anonymous                                   bool
	AuthorName, AuthorDept                      string // "" when anonymous
	Content, Measures, Reply                    string
	Seconders                                   []Seconder
	CreatedAt, UpdatedAt                        time.Time
}

// ForStaff is p as staff may see it.
func ForStaff(p *Proposal) StaffView {
	v := StaffView{No: p.No, Kind: p.Kind, KindName: KindName(p.Kind), Title: p.Title, Category: p.Category, Status: p.Status,
		Session: p.Session, Department: p.Department, Satisfaction: p.Satisfaction, Anonymous: p.Anonymous,
		Content: p.Content, Measures: p.Measures, Reply: p.Reply, Seconders: p.Seconders, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if !p.Anonymous {
		v.AuthorName, v.AuthorDept = p.Author(), p.AuthorDept
	}
	return v
}

// Author is the author's name, or 匿名.
func (v StaffView) Author() string {
	if v.Anonymous {
		return "匿名"
	}
	return v.AuthorName
}

// List lists proposals for staff, newest first.
func (s *Service) List(ctx context.Context, f Filter) ([]StaffView, error) {
	list, err := s.Store.ListProposals(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]StaffView, len(list))
	for i, p := range list {
		out[i] = ForStaff(p)
	}
	return out, nil
}

// Detail is one proposal for staff: the view, its audit log and the moves
// the workflow allows now.
type Detail struct {
	StaffView
	Log  []*LogEntry
	Next []string
}

// Get reads one proposal for staff; ENOTFOUND for an unknown number.
func (s *Service) Get(ctx context.Context, no string) (*Detail, error) {
	p, err := s.Store.GetProposal(ctx, NormalizeNo(no))
	if err != nil {
		return nil, err
	}
	return s.detail(ctx, p)
}

func (s *Service) detail(ctx context.Context, p *Proposal) (*Detail, error) {
	log, err := s.Store.ProposalLog(ctx, p.No)
	if err != nil {
		return nil, err
	}
	return &Detail{StaffView: ForStaff(p), Log: log, Next: Next(p)}, nil
}

// Move applies a staff member's move and returns the proposal as staff see
// it afterwards (see Transition).
func (s *Service) Move(ctx context.Context, no string, m Move) (*Detail, error) {
	p, err := s.Transition(ctx, no, m)
	if err != nil {
		return nil, err
	}
	return s.detail(ctx, p)
}

// Sessions lists the staff congress sessions.
func (s *Service) Sessions(ctx context.Context) ([]*Session, error) { return s.Store.ListSessions(ctx) }

// WriteSummary writes the 提案汇总表 of list (as List returns it, newest
// first) as a workbook, oldest first as numbered.
func (s *Service) WriteSummary(w io.Writer, list []StaffView) error {
	const sheet = "提案汇总表"
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", sheet)
	rows := [][]any{{"编号", "类型", "标题/案由", "类别", "提交人", "部门", "会议", "附议人", "内容/理由", "建议措施/办法",
		"状态", "承办部门", "答复", "满意度", "提交时间", "最后更新"}}
	for i := len(list) - 1; i >= 0; i-- {
		p := list[i]
		var ss []string
		for _, sc := range p.Seconders {
			ss = append(ss, sc.Name+"（"+sc.Status+"）")
		}
		rows = append(rows, []any{p.No, p.KindName, p.Title, p.Category, p.Author(), p.AuthorDept, p.Session, strings.Join(ss, "、"),
			p.Content, p.Measures, p.Status, p.Department, p.Reply, p.Satisfaction,
			p.CreatedAt.In(s.loc()).Format("2006-01-02 15:04"), p.UpdatedAt.In(s.loc()).Format("2006-01-02 15:04")})
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return fmt.Errorf("proposal summary row: %w", err)
		}
	}
	f.SetColWidth(sheet, "C", "C", 30)
	f.SetColWidth(sheet, "I", "J", 50)
	return f.Write(w)
}

// SummaryName is the download name of the 提案汇总表.
const SummaryName = "提案汇总表.xlsx"
