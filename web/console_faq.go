package web

import (
	"io"
	"net/url"
	"strings"
)

// GET /admin/faq?q=: the unanswered list, a test box, import and export.
func (s *Server) faqPage(p *page) error {
	p.Title = "问答"
	un := s.apiDo(p.r.Context(), "GET", "/api/faq/unanswered", nil)
	if un.Off() {
		p.Data["Off"] = true
		return p.render("faq")
	}
	if !un.OK() {
		return apiErr(un)
	}
	p.Data["Unanswered"] = items(un.Value(), "questions", "unanswered")
	if list := s.apiDo(p.r.Context(), "GET", "/api/faq", nil); list.OK() {
		p.Data["Entries"] = items(list.Value(), "entries", "faq", "items")
	}
	if q := strings.TrimSpace(p.r.URL.Query().Get("q")); q != "" {
		p.Data["Q"] = q
		if a := s.apiDo(p.r.Context(), "GET", "/api/faq/ask?q="+url.QueryEscape(q), nil); a.OK() {
			p.Data["Answer"] = a.Value()
		}
	}
	return p.render("faq")
}

// POST /admin/faq/import: an uploaded YAML/CSV file or pasted text.
func (s *Server) faqImport(p *page) error {
	text := p.r.PostFormValue("text")
	if f, _, err := p.r.FormFile("file"); err == nil {
		b, _ := io.ReadAll(io.LimitReader(f, MaxJSONBody))
		f.Close()
		if len(b) > 0 {
			text = string(b)
		}
	}
	format := p.r.PostFormValue("format")
	if format != "csv" {
		format = "yaml"
	}
	res := s.apiDo(p.r.Context(), "POST", "/api/faq/import?format="+format, text)
	if !res.OK() {
		return apiErr(res)
	}
	return p.back("/admin/faq", "导入完成："+str(res.Value())+"。")
}

// GET /admin/faq/export?format=yaml|csv
func (s *Server) faqExport(p *page) error {
	format := p.r.URL.Query().Get("format")
	if format != "csv" {
		format = "yaml"
	}
	return s.passFile(p, "/api/faq/export?format="+format, "faq."+format)
}
