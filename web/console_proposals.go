package web

import (
	"net/url"
	"strings"
	"time"

	"unionbot"
	"unionbot/handlers/proposal"
)

// GET /admin/proposals?kind=&status=&category=&department=
func (s *Server) proposalsPage(p *page) error {
	p.Title = "建议与提案"
	q := p.r.URL.Query()
	v := url.Values{}
	for _, k := range []string{"kind", "status", "category"} {
		if q.Get(k) != "" {
			v.Set(k, q.Get(k))
		}
	}
	res := s.apiDo(p.r.Context(), "GET", "/api/proposals?"+v.Encode(), nil)
	if res.Off() {
		p.Data["Off"] = true
		return p.render("proposals")
	}
	if !res.OK() {
		return apiErr(res)
	}
	dept := q.Get("department")
	byCat, byStatus := map[string]int{}, map[string]int{}
	var list []any
	for _, e := range items(res.Value(), "proposals") {
		if dept != "" && !strings.Contains(str(get(e, "department")), dept) {
			continue
		}
		list = append(list, e)
		if c := str(get(e, "category")); c != "" {
			byCat[c]++
		}
		byStatus[str(get(e, "status"))]++
	}
	p.Data["List"], p.Data["ByCat"], p.Data["ByStatus"] = list, byCat, byStatus
	if r := s.apiDo(p.r.Context(), "GET", "/api/proposals/sessions", nil); r.OK() {
		p.Data["Sessions"] = items(r.Value(), "sessions")
	}
	p.Data["Statuses"], p.Data["F"] = proposal.Statuses, map[string]string{"kind": q.Get("kind"), "status": q.Get("status"), "category": q.Get("category"), "department": dept}
	return p.render("proposals")
}

// GET /admin/proposals/{no}: detail, audit timeline, transition form.
func (s *Server) proposalPage(p *page) error {
	no := p.r.PathValue("no")
	res := s.apiDo(p.r.Context(), "GET", "/api/proposals/"+url.PathEscape(no), nil)
	if !res.OK() {
		return apiErr(res)
	}
	v := res.Value()
	p.Title = no
	var next []string // the moves the workflow allows now
	for _, n := range items(get(v, "next")) {
		next = append(next, str(n))
	}
	p.Data["No"], p.Data["P"], p.Data["Next"], p.Data["Log"] = no, v, next, items(v, "log")
	return p.render("proposal")
}

// POST /admin/proposals/{no}/transition {to, note, department}
func (s *Server) proposalTransition(p *page) error {
	no := p.r.PathValue("no")
	body := map[string]any{"to": p.r.PostFormValue("to"), "note": strings.TrimSpace(p.r.PostFormValue("note")), "by": p.User}
	if d := strings.TrimSpace(p.r.PostFormValue("department")); d != "" {
		body["department"] = d
	}
	res := s.apiDo(p.r.Context(), "POST", "/api/proposals/"+url.PathEscape(no)+"/transition", body)
	if !res.OK() {
		return apiErr(res)
	}
	return p.back("/admin/proposals/"+url.PathEscape(no), no+" 已改为“"+p.r.PostFormValue("to")+"”，已通知提交人。")
}

// GET /admin/proposals/export
func (s *Server) proposalsExport(p *page) error {
	return s.passFile(p, "/api/proposals/export?format=xlsx", "proposals.xlsx")
}

// POST /admin/proposals/sessions {name, closes}: opens a staff congress
// session's window for motions from now until the end of the day closes.
func (s *Server) proposalSession(p *page) error {
	day, err := time.ParseInLocation("2006-01-02", p.r.PostFormValue("closes"), s.location())
	if err != nil {
		return unionbot.Errorf(unionbot.EINVALID, "请选择征集截止日期。")
	}
	name := strings.TrimSpace(p.r.PostFormValue("name"))
	res := s.apiDo(p.r.Context(), "POST", "/api/proposals/sessions", map[string]any{"name": name, "closes_at": day.Add(24*time.Hour - time.Second)})
	if !res.OK() {
		return apiErr(res)
	}
	return p.back("/admin/proposals", "已开启“"+name+"”提案征集，截止到 "+day.Format("2006年1月2日")+"。")
}
