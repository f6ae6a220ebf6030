package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"unionbot"
	"unionbot/handlers/care"
)

// ActorHeader names the staff member behind an admin API call. The care
// routes need it: the admin token says the call is the union's, the header
// says which staff member makes it, and only holders of the care role pass
// (every read is logged under that name).
const ActorHeader = "X-Unionbot-User"

// careFunc is a care API handler, called with the acting care staff member.
type careFunc func(w http.ResponseWriter, r *http.Request, by string) error

// handleCare registers a care API route: the admin token (handleAPI), then
// the care role of the user named in ActorHeader, else 403.
func (s *Server) handleCare(pattern string, h careFunc) {
	s.handleAPI(pattern, func(w http.ResponseWriter, r *http.Request) error {
		by := strings.TrimSpace(r.Header.Get(ActorHeader))
		if err := s.Care.CheckStaff(r.Context(), by); err != nil {
			if unionbot.ErrorCode(err) == unionbot.EFORBIDDEN {
				s.refuse(r, unionbot.FromAPI, by, "api.refused", "没有关怀权限")
			}
			return err
		}
		return h(w, r, by)
	})
}

type caseJSON struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	SubjectID   string          `json:"subject_id"`
	SubjectName string          `json:"subject_name"`
	Department  string          `json:"department"`
	ReporterID  string          `json:"reporter_id"`
	AssigneeID  string          `json:"assignee_id"`
	Status      string          `json:"status"`
	Summary     string          `json:"summary"`
	OccurredOn  string          `json:"occurred_on"`
	CreatedAt   time.Time       `json:"created_at"`
	Log         []care.LogEntry `json:"log,omitempty"`
}

func toCaseJSON(c *care.Case) caseJSON {
	return caseJSON{ID: c.ID, Kind: c.Kind, SubjectID: c.SubjectID, SubjectName: c.SubjectName, Department: c.Department,
		ReporterID: c.ReporterID, AssigneeID: c.AssigneeID, Status: c.Status, Summary: c.Summary,
		OccurredOn: day(c.OccurredOn), CreatedAt: c.CreatedAt, Log: c.Log}
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01-02")
}

func caseID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, unionbot.Errorf(unionbot.EINVALID, "%s", care.MsgBadCaseID)
	}
	return id, nil
}

// GET /api/care/cases?status=&year=
func (s *Server) listCases(w http.ResponseWriter, r *http.Request, by string) error {
	f := care.CaseFilter{Status: r.URL.Query().Get("status")}
	f.Year, _ = strconv.Atoi(r.URL.Query().Get("year"))
	cs, err := s.Care.Cases(r.Context(), by, f)
	if err != nil {
		return err
	}
	out := make([]caseJSON, len(cs))
	for i, c := range cs {
		out[i] = toCaseJSON(c)
	}
	writeJSON(w, http.StatusOK, map[string]any{"cases": out})
	return nil
}

// POST /api/care/cases {"kind", "subject_id" or "subject_name", "summary", "occurred_on"}
func (s *Server) createCase(w http.ResponseWriter, r *http.Request, by string) error {
	var j struct {
		Kind        string `json:"kind"`
		SubjectID   string `json:"subject_id"`
		SubjectName string `json:"subject_name"`
		Summary     string `json:"summary"`
		OccurredOn  string `json:"occurred_on"`
	}
	if err := decodeJSON(w, r, &j); err != nil {
		return err
	}
	on, err := care.ParseDay(j.OccurredOn)
	if err != nil {
		return err
	}
	c := &care.Case{Kind: j.Kind, SubjectID: j.SubjectID, SubjectName: j.SubjectName, Summary: j.Summary, OccurredOn: on}
	if err := s.Care.Report(r.Context(), by, c); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toCaseJSON(c))
	return nil
}

// GET /api/care/cases/{id}: the case and its log; the read is logged.
func (s *Server) getCase(w http.ResponseWriter, r *http.Request, by string) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	c, err := s.Care.Case(r.Context(), by, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCaseJSON(c))
	return nil
}

// GET /api/care/cases/{id}/reads: who read the case, and when.
func (s *Server) caseReads(w http.ResponseWriter, r *http.Request, by string) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	reads, err := s.Care.Reads(r.Context(), by, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"reads": reads})
	return nil
}

// caseStep decodes a step's body and answers with the case after it.
func caseStep[T any](s *Server, w http.ResponseWriter, r *http.Request, do func(id int64, body *T) (*care.Case, error)) error {
	id, err := caseID(r)
	if err != nil {
		return err
	}
	var body T
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	c, err := do(id, &body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toCaseJSON(c))
	return nil
}

// POST /api/care/cases/{id}/assign {"to": "user id"}
func (s *Server) assignCase(w http.ResponseWriter, r *http.Request, by string) error {
	return caseStep(s, w, r, func(id int64, b *struct {
		To string `json:"to"`
	}) (*care.Case, error) {
		return s.Care.Assign(r.Context(), by, id, b.To)
	})
}

// POST /api/care/cases/{id}/visit {"date", "visitors", "note"}
func (s *Server) visitCase(w http.ResponseWriter, r *http.Request, by string) error {
	return caseStep(s, w, r, func(id int64, b *struct {
		Date     string `json:"date"`
		Visitors string `json:"visitors"`
		Note     string `json:"note"`
	}) (*care.Case, error) {
		d, err := care.ParseDay(b.Date)
		if err != nil {
			return nil, err
		}
		return s.Care.Visit(r.Context(), by, id, d, b.Visitors, b.Note)
	})
}

// paymentJSON is a payment as the API writes it; amounts in 分.
type paymentJSON struct {
	AmountFen      int64  `json:"amount_fen"`
	Goods          string `json:"goods"`
	Handler        string `json:"handler"`
	ReceiptNo      string `json:"receipt_no"`
	PaidOn         string `json:"paid_on"`
	Note           string `json:"note"`
	OverrideReason string `json:"override_reason"`
}

// POST /api/care/cases/{id}/payments: the case once paid, or 403 naming the rule.
func (s *Server) payCase(w http.ResponseWriter, r *http.Request, by string) error {
	return caseStep(s, w, r, func(id int64, b *paymentJSON) (*care.Case, error) {
		d, err := care.ParseDay(b.PaidOn)
		if err != nil {
			return nil, err
		}
		return s.Care.Pay(r.Context(), by, id, &care.Payment{AmountFen: b.AmountFen, Goods: b.Goods, Handler: b.Handler,
			ReceiptNo: b.ReceiptNo, PaidOn: d, Note: b.Note, Override: b.OverrideReason})
	})
}

// POST /api/care/cases/{id}/close {"note"}
func (s *Server) closeCase(w http.ResponseWriter, r *http.Request, by string) error {
	return caseStep(s, w, r, func(id int64, b *struct {
		Note string `json:"note"`
	}) (*care.Case, error) {
		return s.Care.Close(r.Context(), by, id, b.Note)
	})
}

// GET /api/care/rules
func (s *Server) getCareRules(w http.ResponseWriter, r *http.Request, by string) error {
	rules, err := s.Care.Rules(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, rules)
	return nil
}

// PUT /api/care/rules {"kinds": [{"name", "amounts_fen"}], "year_count", "year_total_fen", "one_paid_per_year"}
func (s *Server) putCareRules(w http.ResponseWriter, r *http.Request, by string) error {
	var rules care.Rules
	if err := decodeJSON(w, r, &rules); err != nil {
		return err
	}
	saved, err := s.Care.SetRules(r.Context(), by, rules)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, saved)
	return nil
}

// GET /api/care/payments?year=2026 and GET /api/care/ledger?year=2026&format=json|xlsx
func (s *Server) careLedger(w http.ResponseWriter, r *http.Request, by string) error {
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	if year == 0 {
		year = s.now().In(s.location()).Year()
	}
	l, err := s.Care.Ledger(r.Context(), by, year)
	if err != nil {
		return err
	}
	switch r.URL.Query().Get("format") {
	case "", "json":
		writeJSON(w, http.StatusOK, map[string]any{"year": l.Year, "payments": l.Payments, "total_fen": l.TotalFen,
			"by_kind": l.ByKind, "by_department": l.ByDepartment})
		return nil
	case "xlsx":
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"care-ledger-%d.xlsx\"; filename*=UTF-8''%s", l.Year,
			url.PathEscape(l.FileName())))
		return l.WriteXLSX(w)
	}
	return unionbot.Errorf(unionbot.EINVALID, "%s", care.MsgLedgerFormat)
}

// PUT /api/members/{id}/care grants the care role; DELETE takes it away.
// The admin token alone suffices (an admin grants it); the header, when
// given, is recorded as who granted it.
func (s *Server) grantCare(w http.ResponseWriter, r *http.Request) error {
	by := strings.TrimSpace(r.Header.Get(ActorHeader))
	if by == "" {
		by = "api"
	}
	on := r.Method == http.MethodPut
	if err := s.Care.Grant(r.Context(), r.PathValue("id"), by, on); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": r.PathValue("id"), "care": on})
	return nil
}

// MaxLedgerFile is the largest legacy ledger workbook the import reads.
const MaxLedgerFile = 4 << 20

// POST /api/care/ledger/import?dry_run=1 with the .xlsx as the body: the
// preview (dry_run) or the outcome, row by row.
func (s *Server) importCareLedger(w http.ResponseWriter, r *http.Request, by string) error {
	data, err := readBody(w, r, MaxLedgerFile)
	if err != nil {
		return err
	}
	dry := r.URL.Query().Get("dry_run")
	res, err := s.Care.ImportLedger(r.Context(), by, data, dry == "1" || dry == "true")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// POST /api/care/profiles/import with the .xlsx as the body.
func (s *Server) importCareProfiles(w http.ResponseWriter, r *http.Request, by string) error {
	data, err := readBody(w, r, MaxLedgerFile)
	if err != nil {
		return err
	}
	n, err := s.Care.ImportProfiles(r.Context(), by, data)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"saved": n})
	return nil
}

// POST /api/care/profiles with a care.ProfileForm: one member's profile.
func (s *Server) saveCareProfile(w http.ResponseWriter, r *http.Request, by string) error {
	var f care.ProfileForm
	if err := decodeJSON(w, r, &f); err != nil {
		return err
	}
	p, err := s.Care.SaveProfile(r.Context(), by, f)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// GET /api/care/profiles
func (s *Server) listCareProfiles(w http.ResponseWriter, r *http.Request, by string) error {
	ps, err := s.Care.Profiles(r.Context(), by)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"profiles": ps})
	return nil
}

func (s *Server) festival(r *http.Request) (*care.Festival, int, error) {
	f := care.FestivalNamed(r.PathValue("name"))
	if f == nil {
		return nil, 0, unionbot.Errorf(unionbot.EINVALID, "%s", care.MsgUnknownFestival)
	}
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	if year == 0 {
		year = s.now().In(s.location()).Year()
	}
	return f, year, nil
}

// GET /api/care/festivals/{name}?year=: who qualifies (三八, 重阳, 春节).
func (s *Server) festivalQualifiers(w http.ResponseWriter, r *http.Request, by string) error {
	f, year, err := s.festival(r)
	if err != nil {
		return err
	}
	qs, err := s.Care.FestivalQualifiers(r.Context(), by, f, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"festival": f.Name, "year": year, "date": day(f.On(year)), "qualifiers": qs})
	return nil
}

// POST /api/care/festivals/{name}/cases?year=: one 节日慰问 case each.
func (s *Server) festivalCases(w http.ResponseWriter, r *http.Request, by string) error {
	f, year, err := s.festival(r)
	if err != nil {
		return err
	}
	n, err := s.Care.CreateFestivalCases(r.Context(), by, f.Name, year)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"created": n})
	return nil
}
