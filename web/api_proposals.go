package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"unionbot"
	"unionbot/handlers/proposal"
)

// proposalJSON is a proposal as union staff see it. An anonymous
// suggestion carries no author id, name or department: the author is held
// back here, in the one function every admin output goes through.
type proposalJSON struct {
	No           string    `json:"no"`
	Kind         string    `json:"kind"`
	KindName     string    `json:"kind_name"`
	Title        string    `json:"title"`
	Category     string    `json:"category"`
	Status       string    `json:"status"`
	Anonymous    bool      `json:"anonymous"`
	AuthorName   string    `json:"author_name"`
	AuthorDept   string    `json:"author_department"`
	Session      string    `json:"session,omitempty"`
	Department   string    `json:"department"`
	Satisfaction string    `json:"satisfaction"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

type proposalDetailJSON struct {
	proposalJSON
	Content   string         `json:"content,omitempty"`
	Reason    string         `json:"reason,omitempty"` // a motion's 理由
	Measures  string         `json:"measures"`
	Reply     string         `json:"reply"`
	Seconders []seconderJSON `json:"seconders"`
	Next      []string       `json:"next"`
	Log       []logJSON      `json:"log"`
}

type seconderJSON struct {
	Name   string `json:"name"`
	Status string `json:"status"`
}

type logJSON struct {
	At         time.Time `json:"at"`
	From       string    `json:"from"`
	To         string    `json:"to"`
	ByName     string    `json:"by_name"`
	Department string    `json:"department,omitempty"`
	Note       string    `json:"note,omitempty"`
}

func toProposalJSON(p *proposal.Proposal) proposalJSON {
	j := proposalJSON{No: p.No, Kind: p.Kind, KindName: proposal.KindName(p.Kind), Title: p.Title, Category: p.Category,
		Status: p.Status, Anonymous: p.Anonymous, Session: p.Session, Department: p.Department, Satisfaction: p.Satisfaction,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	if !p.Anonymous {
		j.AuthorName, j.AuthorDept = p.Author(), p.AuthorDept
	}
	return j
}

func (s *Server) proposalFilter(r *http.Request) (proposal.Filter, error) {
	q := r.URL.Query()
	f := proposal.Filter{Kind: q.Get("kind"), Status: q.Get("status"), Category: q.Get("category")}
	if f.Kind != "" && f.Kind != proposal.KindSuggestion && f.Kind != proposal.KindMotion {
		return f, unionbot.Errorf(unionbot.EINVALID, "kind 只能是 suggestion（合理化建议）或 motion（教代会提案）。")
	}
	return f, nil
}

// GET /api/proposals?kind=suggestion|motion&status=&category=
func (s *Server) listProposals(w http.ResponseWriter, r *http.Request) error {
	f, err := s.proposalFilter(r)
	if err != nil {
		return err
	}
	list, err := s.Proposals.Store.ListProposals(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]proposalJSON, len(list))
	for i, p := range list {
		out[i] = toProposalJSON(p)
	}
	writeJSON(w, http.StatusOK, map[string]any{"proposals": out})
	return nil
}

// GET /api/proposals/{no}
func (s *Server) getProposal(w http.ResponseWriter, r *http.Request) error {
	no := proposal.NormalizeNo(r.PathValue("no"))
	p, err := s.Proposals.Store.GetProposal(r.Context(), no)
	if err != nil {
		return err
	}
	return s.writeProposal(w, r, p)
}

// writeProposal answers with p in full, its log included.
func (s *Server) writeProposal(w http.ResponseWriter, r *http.Request, p *proposal.Proposal) error {
	log, err := s.Proposals.Store.ProposalLog(r.Context(), p.No)
	if err != nil {
		return err
	}
	d := &proposalDetailJSON{proposalJSON: toProposalJSON(p), Measures: p.Measures, Reply: p.Reply,
		Seconders: []seconderJSON{}, Next: proposal.Next(p), Log: []logJSON{}}
	if p.Kind == proposal.KindMotion {
		d.Reason = p.Content
	} else {
		d.Content = p.Content
	}
	if d.Next == nil {
		d.Next = []string{}
	}
	for _, sc := range p.Seconders {
		d.Seconders = append(d.Seconders, seconderJSON{Name: sc.Name, Status: sc.Status})
	}
	for _, e := range log {
		d.Log = append(d.Log, logJSON{At: e.At, From: e.From, To: e.To, ByName: e.ByName, Department: e.Department, Note: e.Note})
	}
	writeJSON(w, http.StatusOK, d)
	return nil
}

// POST /api/proposals/{no}/transition {"to", "note", "department", "by"}
func (s *Server) transitionProposal(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		To         string `json:"to"`
		Note       string `json:"note"`
		Department string `json:"department"`
		By         string `json:"by"` // who did it, for the log; 管理接口 when empty
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if strings.TrimSpace(in.To) == "" {
		return unionbot.Errorf(unionbot.EINVALID, "请写明要改为的状态（to）。")
	}
	p, err := s.Proposals.Transition(r.Context(), r.PathValue("no"), proposal.Move{To: in.To, Note: in.Note, Department: in.Department, ByName: strings.TrimSpace(in.By)})
	if err != nil {
		return err
	}
	return s.writeProposal(w, r, p)
}

// GET /api/proposals/stats?kind=
func (s *Server) proposalStats(w http.ResponseWriter, r *http.Request) error {
	f, err := s.proposalFilter(r)
	if err != nil {
		return err
	}
	st, err := s.Proposals.Stats(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// GET /api/proposals/export?format=xlsx: 提案汇总表.
func (s *Server) exportProposals(w http.ResponseWriter, r *http.Request) error {
	if f := r.URL.Query().Get("format"); f != "" && f != "xlsx" {
		return unionbot.Errorf(unionbot.EINVALID, "format 只能是 xlsx。")
	}
	filter, err := s.proposalFilter(r)
	if err != nil {
		return err
	}
	list, err := s.Proposals.Store.ListProposals(r.Context(), filter)
	if err != nil {
		return err
	}
	const sheet = "提案汇总表"
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", sheet)
	rows := [][]any{{"编号", "类型", "标题/案由", "类别", "提交人", "部门", "会议", "附议人", "内容/理由", "建议措施/办法",
		"状态", "承办部门", "答复", "满意度", "提交时间", "最后更新"}}
	for i := len(list) - 1; i >= 0; i-- { // oldest first, as numbered
		p := list[i]
		j := toProposalJSON(p)
		author := j.AuthorName
		if p.Anonymous {
			author = "匿名"
		}
		var ss []string
		for _, sc := range p.Seconders {
			ss = append(ss, sc.Name+"（"+sc.Status+"）")
		}
		rows = append(rows, []any{p.No, j.KindName, p.Title, p.Category, author, j.AuthorDept, p.Session, strings.Join(ss, "、"),
			p.Content, p.Measures, p.Status, p.Department, p.Reply, p.Satisfaction,
			p.CreatedAt.In(s.location()).Format("2006-01-02 15:04"), p.UpdatedAt.In(s.location()).Format("2006-01-02 15:04")})
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return fmt.Errorf("proposal export row: %w", err)
		}
	}
	f.SetColWidth(sheet, "C", "C", 30)
	f.SetColWidth(sheet, "I", "J", 50)
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"proposals.xlsx\"; filename*=UTF-8''"+url.PathEscape(sheet+".xlsx"))
	return f.Write(w)
}

type sessionJSON struct {
	ID       int64      `json:"id"`
	Name     string     `json:"name"`
	OpensAt  *time.Time `json:"opens_at"`
	ClosesAt *time.Time `json:"closes_at"`
	Open     bool       `json:"open"`
}

// GET /api/proposals/sessions: the staff congress sessions.
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) error {
	list, err := s.Proposals.Store.ListSessions(r.Context())
	if err != nil {
		return err
	}
	out := []sessionJSON{}
	for _, x := range list {
		out = append(out, sessionJSON{ID: x.ID, Name: x.Name, OpensAt: tp(x.OpensAt), ClosesAt: tp(x.ClosesAt), Open: x.Open(s.now())})
	}
	writeJSON(w, http.StatusOK, map[string]any{"sessions": out})
	return nil
}

// POST /api/proposals/sessions {"name", "opens_at", "closes_at"}: opens a
// session's window for motions (opens_at defaults to now).
func (s *Server) createSession(w http.ResponseWriter, r *http.Request) error {
	var in sessionJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	x := &proposal.Session{Name: in.Name, OpensAt: tv(in.OpensAt), ClosesAt: tv(in.ClosesAt)}
	if err := s.Proposals.CreateSession(r.Context(), x); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sessionJSON{ID: x.ID, Name: x.Name, OpensAt: tp(x.OpensAt), ClosesAt: tp(x.ClosesAt), Open: x.Open(s.now())})
	return nil
}
