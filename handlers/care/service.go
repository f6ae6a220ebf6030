package care

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"unionbot"
	"unionbot/handlers/audit"
)

// MaxSummary is the longest 情况说明 a report may carry, in characters.
const MaxSummary = 500

// Service holds every use case of the care ledger; chat, the admin API and
// the console all go through it. Every method that shows or changes a case
// takes the acting user (by) and refuses, EFORBIDDEN, anyone without the
// care role: being an admin is not enough.
type Service struct {
	Store    Store
	Members  unionbot.MemberStore
	Now      func() time.Time
	Location *time.Location
	// IsAdmin reports union admins, who alone may pay past a rule.
	IsAdmin func(ctx context.Context, userID string) bool
	// Audit records staff changes (nil: none); see audit.go.
	Audit *audit.Service
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) loc() *time.Location {
	if s.Location != nil {
		return s.Location
	}
	return time.Local
}

// IsStaff reports whether userID holds the care role.
func (s *Service) IsStaff(ctx context.Context, userID string) bool {
	if userID == "" {
		return false
	}
	ok, err := s.Store.IsCareStaff(ctx, userID)
	return err == nil && ok
}

// CheckStaff refuses (EFORBIDDEN) anyone without the care role; the API
// and the console call it before every care route.
func (s *Service) CheckStaff(ctx context.Context, by string) error { return s.staff(ctx, by) }

// staff refuses anyone without the care role.
func (s *Service) staff(ctx context.Context, by string) error {
	if by == "" {
		return unionbot.Errorf(unionbot.EFORBIDDEN, "%s", txtNoActor)
	}
	ok, err := s.Store.IsCareStaff(ctx, by)
	if err != nil {
		return err
	}
	if !ok {
		return unionbot.Errorf(unionbot.EFORBIDDEN, "%s", txtNotCare)
	}
	return nil
}

// Grant gives userID the care role (on) or takes it away. Admins call it
// (the API's admin token, the console's members page); by is recorded.
func (s *Service) Grant(ctx context.Context, userID, by string, on bool) error {
	userID = strings.TrimSpace(userID)
	if userID == "" {
		return unionbot.ErrNoUserID()
	}
	if unionbot.IsWeChatUser(userID) && on {
		return unionbot.Errorf(unionbot.EINVALID, "%s", txtGrantFollower)
	}
	if _, err := s.Members.FindMember(ctx, userID); err != nil {
		return err
	}
	ctx, rec := s.Audit.Begin(ctx, "care.role", "member:"+userID)
	rec.Before(map[string]bool{"care": !on})
	rec.After(map[string]bool{"care": on})
	err := s.Store.SetCareStaff(ctx, userID, by, on)
	s.Audit.Finish(ctx, rec, err)
	return err
}

// Staff lists the holders of the care role.
func (s *Service) Staff(ctx context.Context) ([]string, error) { return s.Store.ListCareStaff(ctx) }

// Rules returns the school's money rules (the default kinds until set).
func (s *Service) Rules(ctx context.Context) (Rules, error) {
	r, ok, err := s.Store.LoadCareRules(ctx)
	if err != nil || !ok {
		return DefaultRules(), err
	}
	return r, nil
}

// SetRules replaces the money rules; only care staff may.
func (s *Service) SetRules(ctx context.Context, by string, r Rules) (Rules, error) {
	if err := s.staff(ctx, by); err != nil {
		return Rules{}, err
	}
	if err := r.Validate(); err != nil {
		return Rules{}, err
	}
	ctx, rec := s.Audit.Begin(ctx, "care.rules", "care-rules")
	if old, err := s.Rules(ctx); err == nil {
		rec.Before(old)
	}
	rec.After(r)
	err := s.Store.SaveCareRules(ctx, r)
	s.Audit.Finish(ctx, rec, err)
	return r, err
}

// Report records a case reported by reporter (a teacher for themselves or
// a colleague, or staff). The care staff are told; the reporter is told
// by the caller what happens next.
func (s *Service) Report(ctx context.Context, reporter string, c *Case) error {
	return s.report(ctx, reporter, c, true)
}

// report records a case; tellStaff sends the care staff a notice of it
// (not for the festival cases staff open in bulk themselves).
func (s *Service) report(ctx context.Context, reporter string, c *Case, tellStaff bool) (err error) {
	rules, err := s.Rules(ctx)
	if err != nil {
		return err
	}
	if rules.Kind(c.Kind) == nil {
		return unionbot.Errorf(unionbot.EINVALID, txtUnknownKind, c.Kind, strings.Join(rules.Names(), "、"))
	}
	c.Summary = strings.TrimSpace(c.Summary)
	if n := len([]rune(c.Summary)); n > MaxSummary {
		return unionbot.Errorf(unionbot.EINVALID, txtSummaryLong, MaxSummary)
	}
	if c.SubjectID != "" {
		m, err := s.Members.FindMember(ctx, c.SubjectID)
		if err != nil {
			return err
		}
		c.SubjectName, c.Department = m.DisplayName(), m.Department
	}
	if strings.TrimSpace(c.SubjectName) == "" {
		return unionbot.Errorf(unionbot.EINVALID, "%s", txtNoSubject)
	}
	if c.OccurredOn.IsZero() {
		c.OccurredOn = s.day(s.now())
	}
	staff, err := s.Store.ListCareStaff(ctx)
	if err != nil {
		return err
	}
	c.ReporterID, c.Status, c.AssigneeID, c.ActedAt = reporter, StatusReported, "", time.Time{}
	reporterName := s.name(ctx, reporter)
	// A case staff open from the API or the console is an admin action
	// for the audit log; a teacher's report in chat is not.
	if ch := unionbot.ActorOf(ctx).Channel; ch == unionbot.FromAPI || ch == unionbot.FromConsole {
		var rec *audit.Change
		ctx, rec = s.Audit.Begin(ctx, "care.case", "")
		rec.TargetOf(func() string { return fmt.Sprintf("care-case:%d", c.ID) })
		rec.After(caseLater{c})
		rec.Note(ActReport)
		defer func() { s.Audit.Finish(ctx, rec, err) }()
	}
	// The callbacks run inside the store's transaction: they read nothing.
	err = s.Store.CreateCase(ctx, c, func(c *Case) []*unionbot.Notice {
		if len(staff) == 0 || !tellStaff {
			return nil
		}
		return []*unionbot.Notice{{ToUsers: staff, Kind: "care", Ref: ref(c.ID),
			Text: fmt.Sprintf(txtNoticeReported, c.ID, c.SubjectName, c.Kind, reporterName, c.ID)}}
	})
	return err
}

// Case shows one case to care staff, and records the read.
func (s *Service) Case(ctx context.Context, by string, id int64) (*Case, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	return s.Store.GetCase(ctx, id, by)
}

// Cases lists cases for care staff.
func (s *Service) Cases(ctx context.Context, by string, f CaseFilter) ([]*Case, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	if err := s.Store.LogAccess(ctx, RefCases, by, ActList); err != nil {
		return nil, err
	}
	return s.Store.ListCases(ctx, f)
}

// Reads lists who read case id and when; care staff only.
func (s *Service) Reads(ctx context.Context, by string, id int64) ([]Read, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	return s.Store.ListReads(ctx, ref(id))
}

// Access lists who looked at ref (RefCases, RefHardships, LedgerRef(2026),
// a case's or a record's ref) and when; care staff only.
func (s *Service) Access(ctx context.Context, by, ref string) ([]Read, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	return s.Store.ListReads(ctx, ref)
}

// Refs of the access log for listings and the ledger.
const (
	RefCases     = "cases"
	RefHardships = "hardships"
)

// LedgerRef is the access log's ref of a year's ledger.
func LedgerRef(year int) string { return "ledger:" + strconv.Itoa(year) }

// Mine lists what a teacher may see: the cases they reported, and those
// about them once staff have acted on them.
func (s *Service) Mine(ctx context.Context, userID string) ([]*Case, error) {
	all, err := s.Store.ListCases(ctx, CaseFilter{Involves: userID})
	if err != nil {
		return nil, err
	}
	var out []*Case
	for _, c := range all {
		if c.ReporterID == userID || (c.SubjectID == userID && !c.ActedAt.IsZero()) {
			out = append(out, c)
		}
	}
	return out, nil
}

// Assign gives case id to staff member to (by themselves: 认领). Both must
// hold the care role. The reporter and the assignee are told.
func (s *Service) Assign(ctx context.Context, by string, id int64, to string) (*Case, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	if !s.IsStaff(ctx, to) {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtAssigneeCare, s.name(ctx, to))
	}
	now, toName := s.now(), s.name(ctx, to)
	return s.updateCase(ctx, id, func(c *Case) (*LogEntry, []*unionbot.Notice, error) {
		if c.Status == StatusClosed || c.Status == StatusPaid {
			return nil, nil, unionbot.Errorf(unionbot.ECONFLICT, txtWrongStatus, c.Status, ActAssign)
		}
		c.AssigneeID = to
		if c.Status == StatusReported {
			c.Status = StatusAssigned
		}
		if c.ActedAt.IsZero() {
			c.ActedAt = now
		}
		ns := s.tell(c, by, fmt.Sprintf(txtNoticeAssigned, c.ID, c.SubjectName, c.Kind, toName))
		if to != by {
			ns = append(ns, &unionbot.Notice{ToUsers: []string{to}, Kind: "care", Ref: ref(c.ID),
				Text: fmt.Sprintf(txtNoticeAssignee, c.ID, c.SubjectName, c.Kind)})
		}
		return &LogEntry{By: by, Action: ActAssign, Note: toName}, ns, nil
	})
}

// Visit records a visit: the day, who went, a note.
func (s *Service) Visit(ctx context.Context, by string, id int64, day time.Time, visitors, note string) (*Case, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	if strings.TrimSpace(visitors) == "" {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtNoVisitors)
	}
	if day.IsZero() {
		day = s.day(s.now())
	}
	return s.updateCase(ctx, id, func(c *Case) (*LogEntry, []*unionbot.Notice, error) {
		if c.Status == StatusReported || c.Status == StatusClosed {
			return nil, nil, unionbot.Errorf(unionbot.ECONFLICT, txtWrongStatus, c.Status, ActVisit)
		}
		if c.Status == StatusAssigned {
			c.Status = StatusVisited
		}
		when := day.Format("2006-01-02")
		ns := s.tell(c, by, fmt.Sprintf(txtNoticeVisited, c.ID, c.SubjectName, c.Kind, visitors, when))
		return &LogEntry{By: by, Action: ActVisit, Note: strings.TrimSpace(when + " " + visitors + "：" + note)}, ns, nil
	})
}

// Close ends a case.
func (s *Service) Close(ctx context.Context, by string, id int64, note string) (*Case, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	return s.updateCase(ctx, id, func(c *Case) (*LogEntry, []*unionbot.Notice, error) {
		if c.Status == StatusClosed {
			return nil, nil, unionbot.Errorf(unionbot.ECONFLICT, txtWrongStatus, c.Status, ActClose)
		}
		c.Status = StatusClosed
		if c.ActedAt.IsZero() {
			c.ActedAt = s.now()
		}
		return &LogEntry{By: by, Action: ActClose, Note: note}, s.tell(c, by, fmt.Sprintf(txtNoticeClosed, c.ID, c.SubjectName, c.Kind)), nil
	})
}

// tell is the notice of a step to the reporter and the assignee, leaving
// out whoever took the step.
func (s *Service) tell(c *Case, by, text string) []*unionbot.Notice {
	var to []string
	for _, u := range []string{c.ReporterID, c.AssigneeID} {
		if u != "" && u != by && !contains(to, u) {
			to = append(to, u)
		}
	}
	if len(to) == 0 {
		return nil
	}
	return []*unionbot.Notice{{ToUsers: to, Kind: "care", Ref: ref(c.ID), Text: text}}
}

func (s *Service) name(ctx context.Context, userID string) string {
	if m, err := s.Members.FindMember(ctx, userID); err == nil {
		return m.DisplayName()
	}
	return userID
}

// day is the date of t in the union's time zone, as midnight UTC.
func (s *Service) day(t time.Time) time.Time {
	y, m, d := t.In(s.loc()).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseDay reads a date such as 2026-03-08 (or 2026/3/8) as midnight UTC.
func ParseDay(v string) (time.Time, error) {
	v = strings.ReplaceAll(strings.TrimSpace(v), "/", "-")
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02", "2006-1-2"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, unionbot.Errorf(unionbot.EINVALID, txtBadDate, v)
}

func ref(id int64) string { return "case:" + strconv.FormatInt(id, 10) }

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}
