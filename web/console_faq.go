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
	if exp := s.apiDo(p.r.Context(), "GET", "/api/faq/export?format=csv", nil); exp.OK() {
		p.Data["Entries"] = parseFAQCSV(exp.Body)
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

// parseFAQCSV reads the export (question,answer,alternates,keywords,category
// with a BOM) into rows keyed by header, for the list and its edit forms.
func parseFAQCSV(b []byte) []map[string]string {
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))))
	r.FieldsPerRecord = -1
	recs, err := r.ReadAll()
	if err != nil || len(recs) < 1 {
		return nil
	}
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{}
		for i, h := range recs[0] {
			if i < len(rec) {
				m[h] = rec[i]
			}
		}
		out = append(out, m)
	}
	return out
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
