package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"unionbot"
	"unionbot/handlers/proposal"
)

// proposalJSON is a proposal as union staff see it (proposal.ForStaff
// holds an anonymous author back).
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

func toProposalJSON(v proposal.StaffView) proposalJSON {
	return proposalJSON{No: v.No, Kind: v.Kind, KindName: v.KindName, Title: v.Title, Category: v.Category,
		Status: v.Status, Anonymous: v.Anonymous, AuthorName: v.AuthorName, AuthorDept: v.AuthorDept, Session: v.Session,
		Department: v.Department, Satisfaction: v.Satisfaction, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
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
	list, err := s.Proposals.List(r.Context(), f)
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
	d, err := s.Proposals.Get(r.Context(), r.PathValue("no"))
	if err != nil {
		return err
	}
	writeProposal(w, d)
	return nil
}

// writeProposal answers with a proposal in full, its log included.
func writeProposal(w http.ResponseWriter, p *proposal.Detail) {
	d := &proposalDetailJSON{proposalJSON: toProposalJSON(p.StaffView), Measures: p.Measures, Reply: p.Reply,
		Seconders: []seconderJSON{}, Next: p.Next, Log: []logJSON{}}
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
	for _, e := range p.Log {
		d.Log = append(d.Log, logJSON{At: e.At, From: e.From, To: e.To, ByName: e.ByName, Department: e.Department, Note: e.Note})
	}
	writeJSON(w, http.StatusOK, d)
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
	d, err := s.Proposals.Move(r.Context(), r.PathValue("no"), proposal.Move{To: in.To, Note: in.Note, Department: in.Department, ByName: strings.TrimSpace(in.By)})
	if err != nil {
		return err
	}
	writeProposal(w, d)
	return nil
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
	list, err := s.Proposals.List(r.Context(), filter)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	w.Header().Set("Content-Disposition", "attachment; filename=\"proposals.xlsx\"; filename*=UTF-8''"+url.PathEscape(proposal.SummaryName))
	return s.Proposals.WriteSummary(w, list)
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
	list, err := s.Proposals.Sessions(r.Context())
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
