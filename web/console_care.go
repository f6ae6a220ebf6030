package web

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"unionbot"
	"unionbot/handlers/care"
)

// careView is the 关怀 page: the cases, the year's ledger totals and the
// money rules. Only care staff see it.
type careView struct {
	Year   int
	Cases  []careItem
	Ledger *care.Ledger
	Rules  []string // each kind's rule in a sentence
	Caps   string
	Kinds  []string
	// Festivals are the names of care.Festivals, for the one-step buttons.
	Festivals []string
	// Profiles are the members' care profiles; Edit fills the form, from
	// ?profile=USERID.
	Profiles []care.Profile
	Edit     care.ProfileForm
	// RulesForm fills the money rules' form.
	RulesForm care.RulesForm
}

type careItem struct {
	Case     *care.Case
	Reported string
}

// careCaseView is one case: its log, who read it, and the next steps.
type careCaseView struct {
	Case  *care.Case
	Log   []careLogLine
	Reads []careLogLine
	Staff []string
}

type careLogLine struct{ At, By, Action, Note string }

// careConsole wraps h: a console page for care staff only. An admin
// without the care role (or a token sign-in, which names no one) gets 403.
func (s *Server) careConsole(h pageFunc) pageFunc {
	return func(p *page) error {
		if s.Care == nil {
			return unionbot.Errorf(unionbot.ENOTFOUND, "%s", care.MsgOff)
		}
		if err := s.Care.CheckStaff(p.r.Context(), p.Sess.User); err != nil {
			return err
		}
		return h(p)
	}
}

// GET /admin/care?year=
func (s *Server) carePage(p *page) error { return s.renderCare(p, nil) }

// renderCare renders the 关怀 page; with refused set it is a form's refusal
// (status 400, its sentence on top) with what was typed kept in the forms.
func (s *Server) renderCare(p *page, refused *careRefusal) error {
	ctx := p.r.Context()
	v := careView{Year: s.now().In(s.location()).Year()}
	if y, err := strconv.Atoi(p.r.URL.Query().Get("year")); err == nil {
		v.Year = y
	}
	cases, err := s.Care.Cases(ctx, p.Sess.User, care.CaseFilter{})
	if err != nil {
		return err
	}
	for _, c := range cases {
		v.Cases = append(v.Cases, careItem{Case: c, Reported: s.showTime(c.CreatedAt)})
	}
	if v.Ledger, err = s.Care.Ledger(ctx, p.Sess.User, v.Year); err != nil {
		return err
	}
	rules, err := s.Care.Rules(ctx)
	if err != nil {
		return err
	}
	for i := range rules.Kinds {
		v.Rules = append(v.Rules, rules.Kinds[i].Describe())
	}
	v.Caps, v.Kinds = rules.DescribeCaps(), rules.Names()
	v.RulesForm = care.FormOf(rules)
	for _, f := range care.Festivals {
		v.Festivals = append(v.Festivals, f.Name)
	}
	if v.Profiles, err = s.Care.Profiles(ctx, p.Sess.User); err != nil {
		return err
	}
	if uid := p.r.URL.Query().Get("profile"); uid != "" {
		v.Edit.Member = uid
		for _, pr := range v.Profiles {
			if pr.UserID == uid {
				v.Edit = care.ProfileForm{Member: uid, Gender: pr.Gender, Birthday: day(pr.Birthday), JoinedOn: day(pr.JoinedOn), RetiresOn: day(pr.RetiresOn)}
			}
		}
	}
	status := 200
	if refused != nil {
		status, p.Error = http.StatusBadRequest, unionbot.ErrorMessage(refused.err)
		if refused.profile != nil {
			v.Edit = *refused.profile
		}
		if refused.rules != nil {
			v.RulesForm = *refused.rules
		}
	}
	p.Title = care.TitleCare
	return p.renderData(status, "care", struct {
		*page
		V careView
	}{p, v})
}

// careRefusal is a refused profile or rules form, shown again as typed.
type careRefusal struct {
	err     error
	profile *care.ProfileForm
	rules   *care.RulesForm
}

// refusedForm re-shows the care page for a form the service refused with a
// sentence for the person (EINVALID, ENOTFOUND); other errors go on.
func (s *Server) refusedForm(p *page, r *careRefusal) error {
	switch unionbot.ErrorCode(r.err) {
	case unionbot.EINVALID, unionbot.ENOTFOUND:
		return s.renderCare(p, r)
	}
	return r.err
}

// GET /admin/care/{id}: the case with its log; the read is logged.
func (s *Server) careCasePage(p *page) error {
	id, err := caseID(p.r)
	if err != nil {
		return err
	}
	ctx := p.r.Context()
	c, err := s.Care.Case(ctx, p.Sess.User, id)
	if err != nil {
		return err
	}
	v := careCaseView{Case: c}
	for _, l := range c.Log {
		v.Log = append(v.Log, careLogLine{s.showTime(l.At), l.By, l.Action, l.Note})
	}
	reads, err := s.Care.Reads(ctx, p.Sess.User, id)
	if err != nil {
		return err
	}
	for _, r := range reads {
		v.Reads = append(v.Reads, careLogLine{At: s.showTime(r.At), By: r.By, Action: r.Action})
	}
	if v.Staff, err = s.Care.Staff(ctx); err != nil {
		return err
	}
	p.Title = fmt.Sprintf(care.TitleCase, c.ID)
	return p.renderData(200, "care_case", struct {
		*page
		V careCaseView
	}{p, v})
}

// POST /admin/care/cases: staff register a case.
func (s *Server) careCreate(p *page) error {
	f := p.r.PostFormValue
	on, err := care.ParseDay(f("occurred_on"))
	if err != nil {
		return err
	}
	c := &care.Case{Kind: f("kind"), SubjectName: strings.TrimSpace(f("subject")), Summary: f("summary"), OccurredOn: on}
	if m, err := unionbot.FindMember(p.r.Context(), s.Members, c.SubjectName); err == nil {
		c.SubjectID = m.UserID
	}
	if err := s.Care.Report(p.r.Context(), p.Sess.User, c); err != nil {
		return err
	}
	return p.back(fmt.Sprintf("/admin/care/%d", c.ID), care.FlashSaved)
}

// POST /admin/care/{id}/{step}: assign, visit, pay or close.
func (s *Server) careStep(p *page) error {
	id, err := caseID(p.r)
	if err != nil {
		return err
	}
	ctx, by, f := p.r.Context(), p.Sess.User, p.r.PostFormValue
	switch p.r.PathValue("step") {
	case "assign":
		_, err = s.Care.Assign(ctx, by, id, f("to"))
	case "visit":
		d, derr := care.ParseDay(f("date"))
		if derr != nil {
			return derr
		}
		_, err = s.Care.Visit(ctx, by, id, d, f("visitors"), f("note"))
	case "pay":
		d, derr := care.ParseDay(f("paid_on"))
		if derr != nil {
			return derr
		}
		yuan, _ := strconv.ParseInt(strings.TrimSpace(f("amount_yuan")), 10, 64)
		_, err = s.Care.Pay(ctx, by, id, &care.Payment{AmountFen: yuan * 100, Goods: f("goods"), Handler: f("handler"),
			ReceiptNo: f("receipt_no"), PaidOn: d, Note: f("note"), Override: f("override")})
	case "close":
		_, err = s.Care.Close(ctx, by, id, f("note"))
	default:
		return unionbot.Errorf(unionbot.ENOTFOUND, "%s", care.MsgCaseNotFound)
	}
	if err != nil {
		return err
	}
	return p.back(fmt.Sprintf("/admin/care/%d", id), care.FlashSaved)
}

// GET /admin/care/ledger?year=: the year's ledger as Excel.
func (s *Server) careLedgerFile(p *page) error {
	year, _ := strconv.Atoi(p.r.URL.Query().Get("year"))
	l, err := s.Care.Ledger(p.r.Context(), p.Sess.User, year)
	if err != nil {
		return err
	}
	p.w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	p.w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"care-ledger-%d.xlsx\"; filename*=UTF-8''%s", l.Year,
		url.PathEscape(l.FileName())))
	return l.WriteXLSX(p.w)
}

// POST /admin/members/{id}/care: grant=1 gives the care role, else takes
// it away. Any admin may (the role is theirs to give); it is logged.
func (s *Server) memberCare(p *page) error {
	if s.Care == nil {
		return unionbot.Errorf(unionbot.ENOTFOUND, "%s", care.MsgOff)
	}
	id, on := p.r.PathValue("id"), p.r.PostFormValue("grant") == "1"
	by := p.Sess.User
	if by == "" {
		by = "console"
	}
	if err := s.Care.Grant(p.r.Context(), id, by, on); err != nil {
		return err
	}
	return p.back("/admin/members", care.FlashGranted(id, on))
}

// CareStaff reports whether the members page should show m as care staff.
func (p *page) CareStaff(m *unionbot.Member) bool {
	return p.s.Care != nil && p.s.Care.IsStaff(p.r.Context(), m.UserID)
}

// careImportView is the preview of a legacy ledger, with the file kept in
// the form so that 确认导入 sends the same workbook back.
type careImportView struct {
	Result *care.ImportResult
	Data   string // the workbook, base64
}

// POST /admin/care/import: file (or data, from the preview) and confirm=1.
// Without confirm it previews what would be added.
func (s *Server) careImport(p *page) error {
	var data []byte
	if f, _, err := p.r.FormFile("file"); err == nil {
		data, _ = io.ReadAll(io.LimitReader(f, MaxLedgerFile))
		f.Close()
	} else if b, err := base64.StdEncoding.DecodeString(p.r.PostFormValue("data")); err == nil {
		data = b
	}
	confirm := p.r.PostFormValue("confirm") == "1"
	res, err := s.Care.ImportLedger(p.r.Context(), p.Sess.User, data, !confirm)
	if err != nil {
		return err
	}
	if confirm {
		return p.back("/admin/care", fmt.Sprintf(care.FlashImported, res.Added))
	}
	p.Title = care.TitleImport
	return p.renderData(200, "care_import", struct {
		*page
		V careImportView
	}{p, careImportView{Result: res, Data: base64.StdEncoding.EncodeToString(data)}})
}

// POST /admin/care/profiles: a member list with birthdays, gender, start
// of work and retirement, as Excel.
func (s *Server) careProfiles(p *page) error {
	f, _, err := p.r.FormFile("file")
	if err != nil {
		return unionbot.Errorf(unionbot.EINVALID, "%s", care.MsgNeedFile)
	}
	data, _ := io.ReadAll(io.LimitReader(f, MaxLedgerFile))
	f.Close()
	n, err := s.Care.ImportProfiles(p.r.Context(), p.Sess.User, data)
	if err != nil {
		return err
	}
	return p.back("/admin/care", fmt.Sprintf(care.FlashProfiles, n))
}

// POST /admin/care/rules: the money rules from the page's form.
func (s *Server) careRules(p *page) error {
	f := care.RulesForm{
		Kinds: p.r.PostFormValue("kinds"), YearCount: p.r.PostFormValue("year_count"),
		YearTotalYuan: p.r.PostFormValue("year_total"), OnePaidPerYear: p.r.PostFormValue("one_paid") != "",
	}
	if _, err := s.Care.SetRulesForm(p.r.Context(), p.Sess.User, f); err != nil {
		return s.refusedForm(p, &careRefusal{err: err, rules: &f})
	}
	return p.back("/admin/care#rules", care.FlashRules)
}

// POST /admin/care/profile: one member's profile, typed on the console.
func (s *Server) careProfile(p *page) error {
	f := func(k string) string { return strings.TrimSpace(p.r.PostFormValue(k)) }
	form := care.ProfileForm{Member: f("member"), Gender: f("gender"), Birthday: f("birthday"), JoinedOn: f("joined_on"), RetiresOn: f("retires_on")}
	pr, err := s.Care.SaveProfile(p.r.Context(), p.Sess.User, form)
	if err != nil {
		return s.refusedForm(p, &careRefusal{err: err, profile: &form})
	}
	return p.back("/admin/care#profiles", fmt.Sprintf(care.FlashProfile, pr.Name))
}

// POST /admin/care/festivals/{name}: the one step from a festival's list
// to its 节日慰问 cases, for this year.
func (s *Server) careFestival(p *page) error {
	year := s.now().In(s.location()).Year()
	n, err := s.Care.CreateFestivalCases(p.r.Context(), p.Sess.User, p.r.PathValue("name"), year)
	if err != nil {
		return err
	}
	return p.back("/admin/care", fmt.Sprintf(care.FlashFestival, n))
}
