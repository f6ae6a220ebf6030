package care

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"unionbot"
)

// ImportProfiles reads members' care profiles from Excel (columns 账号 or
// 姓名, and 性别, 出生日期, 参加工作时间, 退休日期) and tags the members
// 女教职工 and 退休 to match; care staff only. It returns how many
// profiles it saved. A row it cannot read stops the import with its line.
func (s *Service) ImportProfiles(ctx context.Context, by string, data []byte) (int, error) {
	if err := s.staff(ctx, by); err != nil {
		return 0, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return 0, unionbot.Errorf(unionbot.EINVALID, "%s", txtImportNotExcel)
	}
	defer f.Close()
	rows, _ := f.GetRows(f.GetSheetName(0))
	if len(rows) == 0 {
		return 0, unionbot.Errorf(unionbot.EINVALID, "%s", txtProfileHeader)
	}
	col := map[string]int{}
	for j, c := range rows[0] {
		col[strings.TrimSpace(c)] = j
	}
	_, hasID := col["账号"]
	_, hasName := col["姓名"]
	if !hasID && !hasName {
		return 0, unionbot.Errorf(unionbot.EINVALID, "%s", txtProfileHeader)
	}
	cell := func(row []string, name string) string {
		if j, ok := col[name]; ok && j < len(row) {
			return strings.TrimSpace(row[j])
		}
		return ""
	}
	today := s.day(s.now())
	var ps []Profile
	var members []*unionbot.Member
	for i, row := range rows[1:] {
		line := i + 2
		id, name := cell(row, "账号"), cell(row, "姓名")
		if id == "" && name == "" {
			continue
		}
		word := id
		if word == "" {
			word = name
		}
		m, err := unionbot.FindMember(ctx, s.Members, word)
		if err != nil {
			return 0, unionbot.Errorf(unionbot.EINVALID, txtProfileNoID, line)
		}
		p := Profile{UserID: m.UserID, Name: m.DisplayName(), Gender: cell(row, "性别")}
		if _, v, ok := p.readDays(func(col string) string { return cell(row, col) }); !ok {
			return 0, unionbot.Errorf(unionbot.EINVALID, txtProfileBadDay, line, v)
		}
		tagFromProfile(m, &p, today)
		ps, members = append(ps, p), append(members, m)
	}
	ctx, rec := s.Audit.Begin(ctx, "care.import", "care-profiles")
	rec.After(map[string]int{"profiles": len(ps)})
	err = s.Store.SaveProfiles(ctx, ps)
	s.Audit.Finish(ctx, rec, err)
	if err != nil {
		return 0, err
	}
	for _, m := range members {
		if err := s.Members.SaveMember(ctx, m); err != nil {
			return 0, err
		}
	}
	return len(ps), nil
}

// readDays fills p's dates from value(column) for the columns 出生日期,
// 参加工作时间 and 退休日期 ("" leaves a date unknown); on a date it cannot
// read it stops and returns that column and its text.
func (p *Profile) readDays(value func(column string) string) (column, text string, ok bool) {
	for _, d := range []struct {
		column string
		to     *time.Time
	}{{"出生日期", &p.Birthday}, {"参加工作时间", &p.JoinedOn}, {"退休日期", &p.RetiresOn}} {
		v := value(d.column)
		if v == "" {
			continue
		}
		t, err := parseLedgerDay(v)
		if err != nil {
			return d.column, v, false
		}
		*d.to = t
	}
	return "", "", true
}

// tagFromProfile tags m 女教职工 and 退休 as its profile p says.
func tagFromProfile(m *unionbot.Member, p *Profile, today time.Time) {
	if p.Gender == GenderF && !m.HasTag(TagWomen) {
		m.Tags = append(m.Tags, TagWomen)
	}
	if !p.RetiresOn.IsZero() && !p.RetiresOn.After(today) && !m.HasTag(TagRetired) {
		m.Tags = append(m.Tags, TagRetired)
	}
}

// ProfileForm is one member's care profile as a person types it: the
// member by 账号 or name, the gender, and dates such as 1980-05-01 or
// 1980年5月1日 ("" leaves a date unknown).
type ProfileForm struct {
	Member    string `json:"member"`
	Gender    string `json:"gender"`
	Birthday  string `json:"birthday"`
	JoinedOn  string `json:"joined_on"`
	RetiresOn string `json:"retires_on"`
}

// SaveProfile creates or replaces one member's care profile and tags the
// member as ImportProfiles does; care staff only.
func (s *Service) SaveProfile(ctx context.Context, by string, f ProfileForm) (*Profile, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	word := strings.TrimSpace(f.Member)
	if word == "" {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtProfileNoMember)
	}
	m, err := unionbot.FindMember(ctx, s.Members, word)
	if err != nil {
		return nil, err
	}
	p := Profile{UserID: m.UserID, Name: m.DisplayName(), Gender: strings.TrimSpace(f.Gender)}
	if p.Gender != "" && p.Gender != GenderF && p.Gender != GenderM {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtProfileGender)
	}
	form := map[string]string{"出生日期": f.Birthday, "参加工作时间": f.JoinedOn, "退休日期": f.RetiresOn}
	if label, v, ok := p.readDays(func(col string) string { return strings.TrimSpace(form[col]) }); !ok {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtProfileFormDay, label, v)
	}
	tagFromProfile(m, &p, s.day(s.now()))
	ctx, rec := s.Audit.Begin(ctx, "care.import", "care-profile:"+p.UserID)
	rec.After(map[string]string{"member": p.UserID})
	err = s.Store.SaveProfiles(ctx, []Profile{p})
	s.Audit.Finish(ctx, rec, err)
	if err != nil {
		return nil, err
	}
	if err := s.Members.SaveMember(ctx, m); err != nil {
		return nil, err
	}
	return &p, nil
}

// DigestJob sends the care staff, once a week, the next seven days'
// birthdays, retirements and round work anniversaries. It runs on the
// scheduler (Mondays), which passes its clock; a week is sent once.
func (s *Service) DigestJob(ctx context.Context, now time.Time) error {
	staff, err := s.Store.ListCareStaff(ctx)
	if err != nil || len(staff) == 0 {
		return err
	}
	ps, err := s.Store.ListProfiles(ctx)
	if err != nil {
		return err
	}
	from := s.day(now)
	evs := Upcoming(ps, from, 7)
	if len(evs) == 0 {
		return nil
	}
	lines := []string{fmt.Sprintf(txtDigestHead, from.Format("1月2日"), from.AddDate(0, 0, 6).Format("1月2日"))}
	for _, e := range evs {
		lines = append(lines, fmt.Sprintf(txtDigestLine, e.Day.Format("1月2日"), e.Name, e.What))
	}
	n := &unionbot.Notice{ToUsers: staff, Kind: "care", Ref: "care:digest", Text: strings.Join(lines, "\n")}
	_, err = s.Store.QueueCareReminder(ctx, "digest:"+from.Format("2006-01-02"), n)
	return err
}

// Profiles lists the members' care profiles; care staff only.
func (s *Service) Profiles(ctx context.Context, by string) ([]Profile, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	return s.Store.ListProfiles(ctx)
}

// FestivalQualifiers is Qualifiers for care staff only.
func (s *Service) FestivalQualifiers(ctx context.Context, by string, f *Festival, year int) ([]Qualifier, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	return s.Qualifiers(ctx, f, year)
}

// Qualifier is a member who qualifies for a festival's 节日慰问.
type Qualifier struct {
	UserID     string `json:"user_id"`
	Name       string `json:"name"`
	Department string `json:"department"`
}

// Qualifiers lists who qualifies for festival f in year: women for 三八,
// retirees for 重阳, the households on file for 春节.
func (s *Service) Qualifiers(ctx context.Context, f *Festival, year int) ([]Qualifier, error) {
	var out []Qualifier
	if f.Who == txtHardshipOnFile {
		hs, err := s.Store.ListHardship(ctx)
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			if h.Stage == StageOnFile {
				out = append(out, Qualifier{h.MemberID, h.Name, h.Department})
			}
		}
		return out, nil
	}
	ms, err := s.Members.ListMembers(ctx, unionbot.MemberFilter{Tag: f.Who})
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		out = append(out, Qualifier{m.UserID, m.DisplayName(), m.Department})
	}
	return out, nil
}

// FestivalJob sends the care staff each festival's list of qualifiers
// once, within FestivalLead before it. It runs daily.
func (s *Service) FestivalJob(ctx context.Context, now time.Time) error {
	staff, err := s.Store.ListCareStaff(ctx)
	if err != nil || len(staff) == 0 {
		return err
	}
	today := s.day(now)
	for i := range Festivals {
		f := &Festivals[i]
		for _, year := range []int{today.Year(), today.Year() + 1} {
			on := f.On(year)
			if on.IsZero() || !on.After(today) || on.Sub(today) > FestivalLead {
				continue
			}
			qs, err := s.Qualifiers(ctx, f, year)
			if err != nil {
				return err
			}
			names := []string{}
			for _, q := range qs {
				names = append(names, q.Name)
			}
			list := strings.Join(names, "、")
			if list == "" {
				list = txtFestivalNone
			}
			text := fmt.Sprintf(txtFestivalHead, f.Name, on.Format("1月2日"), f.Who, len(qs), list, f.Name)
			n := &unionbot.Notice{ToUsers: staff, Kind: "care", Ref: "care:festival", Text: text}
			if _, err := s.Store.QueueCareReminder(ctx, fmt.Sprintf("festival:%s:%d", f.Name, year), n); err != nil {
				return err
			}
		}
	}
	return nil
}

// CreateFestivalCases is the one step from a festival's list to its
// cases: a 节日慰问 case for every qualifier who has none for that
// festival and year yet (so a second call adds only newcomers). Care
// staff only; it returns how many it created.
func (s *Service) CreateFestivalCases(ctx context.Context, by, festival string, year int) (int, error) {
	if err := s.staff(ctx, by); err != nil {
		return 0, err
	}
	f := FestivalNamed(festival)
	if f == nil {
		return 0, unionbot.Errorf(unionbot.EINVALID, "%s", MsgUnknownFestival)
	}
	if f.On(year).IsZero() {
		return 0, unionbot.Errorf(unionbot.EINVALID, txtNoFestDate, year, f.Name)
	}
	qs, err := s.Qualifiers(ctx, f, year)
	if err != nil {
		return 0, err
	}
	summary := fmt.Sprintf(txtFestivalCase, year, f.Name)
	existing, err := s.Store.ListCases(ctx, CaseFilter{})
	if err != nil {
		return 0, err
	}
	has := map[string]bool{}
	for _, c := range existing {
		if c.Summary == summary {
			has[c.SubjectID] = true
		}
	}
	n := 0
	for _, q := range qs {
		if has[q.UserID] {
			continue
		}
		c := &Case{Kind: FestivalKind, SubjectID: q.UserID, Summary: summary, OccurredOn: f.On(year)}
		if err := s.report(ctx, by, c, false); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}
