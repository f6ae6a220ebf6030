package web

import (
	"bytes"
	"encoding/csv"
	"io"
	"net/url"
	"strings"

	"unionbot"
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
		var entries []map[string]string
		for _, e := range items(list.Value(), "entries") {
			join := func(k string) string {
				var parts []string
				for _, x := range items(get(e, k)) {
					parts = append(parts, str(x))
				}
				return strings.Join(parts, "|")
			}
			entries = append(entries, map[string]string{"id": str(get(e, "id")), "question": str(get(e, "question")),
				"answer": str(get(e, "answer")), "category": str(get(e, "category")), "alternates": join("alternates"),
				"keywords": join("keywords"), "enabled": str(get(e, "enabled"))})
		}
		p.Data["Entries"] = entries
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

// POST /admin/faq/entry {question, answer, alternates, keywords, category}:
// creates or updates one entry through the import (same question = update).
func (s *Server) faqEntry(p *page) error {
	row := []string{}
	for _, k := range []string{"question", "answer", "alternates", "keywords", "category"} {
		row = append(row, strings.TrimSpace(p.r.PostFormValue(k)))
	}
	if row[0] == "" || row[1] == "" {
		return unionbot.Errorf(unionbot.EINVALID, "问题和答案都要填写。")
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"question", "answer", "alternates", "keywords", "category"})
	w.Write(row)
	w.Flush()
	res := s.apiDo(p.r.Context(), "POST", "/api/faq/import?format=csv", b.String())
	if !res.OK() {
		return apiErr(res)
	}
	return p.back("/admin/faq", "已保存问答：“"+row[0]+"”。")
}

// POST /admin/faq/{id}/enabled {on}: switch an entry on or off.
func (s *Server) faqEnabled(p *page) error {
	on := p.r.PostFormValue("on") == "1"
	res := s.apiDo(p.r.Context(), "PATCH", "/api/faq/"+url.PathEscape(p.r.PathValue("id")), map[string]any{"enabled": on})
	if !res.OK() {
		return apiErr(res)
	}
	done := "已停用：“" + str(get(res.Value(), "question")) + "”，机器人不再用它回答。"
	if on {
		done = "已启用：“" + str(get(res.Value(), "question")) + "”。"
	}
	return p.back("/admin/faq", done)
}
