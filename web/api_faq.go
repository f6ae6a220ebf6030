package web

import (
	"net/http"
	"strconv"
	"strings"

	"unionbot"
	"unionbot/handlers/faq"
)

// MaxFAQFile is the largest knowledge-base file the import reads.
const MaxFAQFile = 1 << 20

// GET /api/faq/ask?q=  → {"answer","faq_id","score","confidence","alternatives"}
func (s *Server) askFAQ(w http.ResponseWriter, r *http.Request) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if q == "" {
		return unionbot.Errorf(unionbot.EINVALID, "请用参数 q 给出问题。")
	}
	writeJSON(w, http.StatusOK, s.FAQ.Result(s.FAQ.Ask(r.Context(), q)))
	return nil
}

// POST /api/faq/import?format=yaml|csv&mode=merge|replace with the file as
// the body (format also from Content-Type text/csv, else guessed). merge
// (the default) adds and updates by standard question; replace also deletes
// the union's entries the file lacks. The starter set is never deleted.
// → {"mode","created","updated","removed","entries"}.
func (s *Server) importFAQ(w http.ResponseWriter, r *http.Request) error {
	body, err := readBody(w, r, MaxFAQFile)
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" && strings.Contains(r.Header.Get("Content-Type"), "csv") {
		format = "csv"
	}
	entries, err := faq.ParseFile(body, format)
	if err != nil {
		return err
	}
	res, err := s.FAQ.Import(r.Context(), entries, "api", r.URL.Query().Get("mode"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// POST /api/faq/starter {"enabled": false}: switch the whole starter set
// off (只用本校问答) or on again → {"changed": N, "entries": N}.
func (s *Server) starterFAQ(w http.ResponseWriter, r *http.Request) error {
	var body struct {
		Enabled *bool `json:"enabled"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if body.Enabled == nil {
		return unionbot.Errorf(unionbot.EINVALID, "请给出 enabled（true 或 false）。")
	}
	n, err := s.FAQ.UseOwnOnly(r.Context(), !*body.Enabled, "admin-api")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"changed": n, "entries": s.FAQ.Engine.Len()})
	return nil
}

// POST /api/faq/questions/{id}/attach {"entry_id": N}: the logged question
// becomes an alternate of entry N, which answers it at once → the entry.
func (s *Server) attachFAQ(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return unionbot.Errorf(unionbot.EINVALID, "问题编号应为正整数。")
	}
	var body struct {
		EntryID int64 `json:"entry_id"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if body.EntryID <= 0 {
		return unionbot.Errorf(unionbot.EINVALID, "请给出 entry_id（问答编号）。")
	}
	e, err := s.FAQ.Attach(r.Context(), id, body.EntryID, "admin-api")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}

// GET /api/faq/export?format=yaml|csv
func (s *Server) exportFAQ(w http.ResponseWriter, r *http.Request) error {
	list, err := s.FAQ.Entries(r.Context())
	if err != nil {
		return err
	}
	switch f := r.URL.Query().Get("format"); f {
	case "", "yaml":
		w.Header().Set("Content-Type", "application/yaml; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="faq.yaml"`)
		return faq.WriteYAML(w, list)
	case "csv":
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="faq.csv"`)
		return faq.WriteCSV(w, list)
	default:
		return unionbot.Errorf(unionbot.EINVALID, "format 应为 yaml 或 csv。")
	}
}

// GET /api/faq/unanswered?status=unanswered|handed|unhelpful|answered|attached|all&limit=
// (default: handed, unanswered and unhelpful, newest first).
func (s *Server) listUnanswered(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	limit := 200
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return unionbot.Errorf(unionbot.EINVALID, "limit 应为 1 到 1000 的整数。")
		}
		limit = n
	}
	var out []*faq.Question
	switch st := q.Get("status"); st {
	case "":
		list, err := s.FAQ.Feedback(r.Context(), limit)
		if err != nil {
			return err
		}
		out = list
	case "all", faq.StatusUnanswered, faq.StatusHanded, faq.StatusAnswered, faq.StatusUnhelpful, faq.StatusAttached:
		if st == "all" {
			st = ""
		}
		list, err := s.FAQ.Questions(r.Context(), st, limit)
		if err != nil {
			return err
		}
		out = list
	default:
		return unionbot.Errorf(unionbot.EINVALID, "status 应为 unanswered、handed、unhelpful、answered、attached 或 all。")
	}
	if out == nil {
		out = []*faq.Question{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"questions": out})
	return nil
}

// GET /api/faq: every entry, with its id and whether it is answered from.
func (s *Server) listFAQ(w http.ResponseWriter, r *http.Request) error {
	list, err := s.FAQ.Entries(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": list})
	return nil
}

// PATCH /api/faq/{id} {"enabled": false}: a disabled entry is kept (and
// exported) but never answered.
func (s *Server) patchFAQ(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return unionbot.Errorf(unionbot.EINVALID, "问答编号应为正整数。")
	}
	var body struct {
		Enabled *bool `json:"enabled"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if body.Enabled == nil {
		return unionbot.Errorf(unionbot.EINVALID, "请给出 enabled（true 或 false）。")
	}
	e, err := s.FAQ.SetEnabled(r.Context(), id, *body.Enabled, "admin-api")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, e)
	return nil
}
