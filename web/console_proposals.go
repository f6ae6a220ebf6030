package web

import (
	"net/url"
	"strings"
	"time"

	"unionbot"
	"unionbot/handlers/proposal"
)

// The 建议与提案 pages: typed views from proposal.Service, the same service
// the admin API and chat call; authors of anonymous suggestions never
// reach them (proposal.ForStaff).

// proposalsView is the list with its filters, charts and sessions.
type proposalsView struct {
	Kind, Status, Category, Department string
	Statuses                           []string
	List                               []proposal.StaffView
	Pager                              pager
	ByCat, ByStatus                    map[string]int
	Sessions                           []*proposal.Session
}

// GET /admin/proposals?kind=&status=&category=&department=
func (s *Server) proposalsPage(p *page) error {
	p.Title = "建议与提案"
	q := p.r.URL.Query()
	v := proposalsView{Kind: q.Get("kind"), Status: q.Get("status"), Category: q.Get("category"), Department: q.Get("department"),
		Statuses: proposal.Statuses, ByCat: map[string]int{}, ByStatus: map[string]int{}}
	list, err := s.Proposals.List(p.r.Context(), proposal.Filter{Kind: v.Kind, Status: v.Status, Category: v.Category})
	if err != nil {
		return err
	}
	for _, x := range list {
		if v.Department != "" && !strings.Contains(x.Department, v.Department) {
			continue
		}
		v.List = append(v.List, x)
		if x.Category != "" {
			v.ByCat[x.Category]++
		}
		v.ByStatus[x.Status]++
	}
	if v.Sessions, err = s.Proposals.Sessions(p.r.Context()); err != nil {
		return err
	}
	v.List, v.Pager = paginate(v.List, q, "page", PageSize)
	p.Data["V"] = v
	return p.render("proposals")
}

// Open reports whether a session is collecting motions now, for the page.
func (p *page) Open(x *proposal.Session) bool { return x.Open(p.s.now()) }

// GET /admin/proposals/{no}: detail, audit timeline, transition form.
func (s *Server) proposalPage(p *page) error {
	d, err := s.Proposals.Get(p.r.Context(), p.r.PathValue("no"))
	if err != nil {
		return err
	}
	p.Title = d.No
	p.Data["V"] = d
	return p.render("proposal")
}

// POST /admin/proposals/{no}/transition {to, note, department}
func (s *Server) proposalTransition(p *page) error {
	to := p.r.PostFormValue("to")
	d, err := s.Proposals.Move(p.r.Context(), p.r.PathValue("no"), proposal.Move{To: to,
		Note: strings.TrimSpace(p.r.PostFormValue("note")), Department: strings.TrimSpace(p.r.PostFormValue("department")), ByName: p.User})
	if err != nil {
		return err
	}
	return p.back("/admin/proposals/"+url.PathEscape(d.No), d.No+" 已改为“"+to+"”，已通知提交人。")
}

// GET /admin/proposals/export: the 提案汇总表.
func (s *Server) proposalsExport(p *page) error {
	list, err := s.Proposals.List(p.r.Context(), proposal.Filter{})
	if err != nil {
		return err
	}
	h := p.w.Header()
	h.Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	h.Set("Content-Disposition", "attachment; filename=\"proposals.xlsx\"; filename*=UTF-8''"+url.PathEscape(proposal.SummaryName))
	h.Set("X-Content-Type-Options", "nosniff")
	return s.Proposals.WriteSummary(p.w, list)
}

// POST /admin/proposals/sessions {name, closes}: opens a staff congress
// session's window for motions from now until the end of the day closes.
func (s *Server) proposalSession(p *page) error {
	day, err := time.ParseInLocation("2006-01-02", p.r.PostFormValue("closes"), s.location())
	if err != nil {
		return unionbot.Errorf(unionbot.EINVALID, "请选择征集截止日期。")
	}
	name := strings.TrimSpace(p.r.PostFormValue("name"))
	x := &proposal.Session{Name: name, ClosesAt: day.Add(24*time.Hour - time.Second).UTC()}
	if err := s.Proposals.CreateSession(p.r.Context(), x); err != nil {
		return err
	}
	return p.back("/admin/proposals", "已开启“"+name+"”提案征集，截止到 "+day.Format("2006年1月2日")+"。")
}
