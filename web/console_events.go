package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"unionbot"
	"unionbot/handlers/signup"
)

// The 活动 pages: typed views filled from signup.Service, the same service
// the admin API and chat call.

// eventsView is the list of events.
type eventsView struct {
	Q      string
	Events []*signup.Event
}

// GET /admin/events?q=
func (s *Server) eventsPage(p *page) error {
	p.Title = "活动"
	all, err := s.Signups.Events(p.r.Context(), signup.EventFilter{})
	if err != nil {
		return err
	}
	v := eventsView{Q: strings.TrimSpace(p.r.URL.Query().Get("q"))}
	for _, e := range all {
		if v.Q == "" || strings.Contains(e.Title, v.Q) {
			v.Events = append(v.Events, e)
		}
	}
	p.Data["V"] = v
	return p.render("events")
}

// eventForm is the 发布活动 / 修改活动 form as typed, echoed back with the
// refusals beside their fields.
type eventForm struct {
	ID                                                                int64
	Title, Kind, Location, Description                                string
	StartsAt, EndsAt, SignupOpensAt, SignupClosesAt, CancelDeadline   string // datetime-local
	Capacity, MaxCompanions, TeamMin, TeamMax, EligibleTags, FieldsIn string
	ConfirmWithin, Allocation, LookbackYears                          string
	Waitlist, RemindUnanswered                                        bool
	Kinds                                                             []string
	Errs                                                              map[string]string
}

const datetimeLocal = "2006-01-02T15:04"

// GET /admin/events/new
func (s *Server) eventNewPage(p *page) error {
	p.Title = "发布活动"
	p.Data["V"] = eventForm{Kind: signup.Kinds[0], Capacity: "0", MaxCompanions: "0", Waitlist: true, Kinds: signup.Kinds,
		Allocation: signup.AllocFIFO, LookbackYears: strconv.Itoa(signup.DefaultLookbackYears), Errs: map[string]string{}}
	return p.render("event_new")
}

// GET /admin/events/{id}/edit: the form filled from the event.
func (s *Server) eventEditPage(p *page) error {
	id, err := s.pathEventID(p)
	if err != nil {
		return err
	}
	e, err := s.Signups.Event(p.r.Context(), id)
	if err != nil {
		return err
	}
	local := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(s.location()).Format(datetimeLocal)
	}
	lines := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		lines[i] = f.Name
		if len(f.Options) > 0 {
			lines[i] += "：" + strings.Join(f.Options, "/")
		}
	}
	p.Title = "修改活动"
	p.Data["V"] = eventForm{ID: e.ID, Title: e.Title, Kind: e.Kind, Location: e.Location, Description: e.Description,
		StartsAt: local(e.StartsAt), EndsAt: local(e.EndsAt), SignupOpensAt: local(e.SignupOpensAt),
		SignupClosesAt: local(e.SignupClosesAt), CancelDeadline: local(e.CancelDeadline),
		Capacity: strconv.Itoa(e.Capacity), MaxCompanions: strconv.Itoa(e.MaxCompanions), TeamMin: strconv.Itoa(e.TeamMin),
		TeamMax: strconv.Itoa(e.TeamMax), EligibleTags: strings.Join(e.EligibleTags, ", "), FieldsIn: strings.Join(lines, "\n"),
		Waitlist: e.Waitlist, RemindUnanswered: e.RemindUnanswered, Kinds: signup.Kinds, Errs: map[string]string{},
		ConfirmWithin: signup.FormatWindow(e.ConfirmWithin), Allocation: e.Allocation, LookbackYears: strconv.Itoa(e.LookbackYears)}
	return p.render("event_new")
}

// POST /admin/events/new
func (s *Server) eventCreate(p *page) error { return s.eventSave(p, 0) }

// POST /admin/events/{id}/edit
func (s *Server) eventUpdate(p *page) error {
	id, err := s.pathEventID(p)
	if err != nil {
		return err
	}
	return s.eventSave(p, id)
}

// eventSave reads the form, names each wrong field in Chinese, and
// publishes or updates the event through the service.
func (s *Server) eventSave(p *page, id int64) error {
	p.Title = "发布活动"
	if id != 0 {
		p.Title = "修改活动"
	}
	in := func(k string) string { return strings.TrimSpace(p.r.PostFormValue(k)) }
	f := eventForm{ID: id, Title: in("title"), Kind: in("kind"), Location: in("location"), Description: in("description"),
		StartsAt: in("starts_at"), EndsAt: in("ends_at"), SignupOpensAt: in("signup_opens_at"), SignupClosesAt: in("signup_closes_at"),
		CancelDeadline: in("cancel_deadline"), Capacity: in("capacity"), MaxCompanions: in("max_companions"), TeamMin: in("team_min"),
		TeamMax: in("team_max"), EligibleTags: in("eligible_tags"), FieldsIn: in("fields"),
		Waitlist: in("waitlist") != "", RemindUnanswered: in("remind_unanswered") != "", Kinds: signup.Kinds, Errs: map[string]string{},
		ConfirmWithin: in("confirm_within"), Allocation: in("allocation"), LookbackYears: in("lookback_years")}
	e := &signup.Event{ID: id, Title: f.Title, Kind: f.Kind, Location: f.Location, Description: f.Description,
		Waitlist: f.Waitlist, RemindUnanswered: f.RemindUnanswered, Allocation: f.Allocation}
	if d, err := signup.ParseWindow(f.ConfirmWithin); err != nil {
		f.Errs["confirm_within"] = unionbot.ErrorMessage(err)
	} else {
		e.ConfirmWithin = d
	}
	if f.Title == "" {
		f.Errs["title"] = "请填写活动名称。"
	} else if len([]rune(f.Title)) > 100 {
		f.Errs["title"] = "活动名称不超过 100 个字。"
	}
	for _, t := range []struct {
		key, name, val string
		to             *time.Time
	}{{"starts_at", "开始时间", f.StartsAt, &e.StartsAt}, {"ends_at", "结束时间", f.EndsAt, &e.EndsAt},
		{"signup_opens_at", "报名开始", f.SignupOpensAt, &e.SignupOpensAt}, {"signup_closes_at", "报名截止", f.SignupClosesAt, &e.SignupClosesAt},
		{"cancel_deadline", "取消截止", f.CancelDeadline, &e.CancelDeadline}} {
		if t.val == "" {
			if t.key == "starts_at" {
				f.Errs[t.key] = "请填写开始时间。"
			}
			continue
		}
		at, err := time.ParseInLocation(datetimeLocal, t.val, s.location())
		if err != nil {
			f.Errs[t.key] = t.name + "格式应为 2026-12-01T14:00。"
			continue
		}
		*t.to = at.UTC()
	}
	for _, n := range []struct {
		key, name, val string
		to             *int
	}{{"capacity", "名额", f.Capacity, &e.Capacity}, {"max_companions", "可带家属人数", f.MaxCompanions, &e.MaxCompanions},
		{"team_min", "每队最少人数", f.TeamMin, &e.TeamMin}, {"team_max", "每队最多人数", f.TeamMax, &e.TeamMax},
		{"lookback_years", "回看年数", f.LookbackYears, &e.LookbackYears}} {
		if n.val == "" {
			continue
		}
		v, err := strconv.Atoi(n.val)
		if err != nil || v < 0 {
			f.Errs[n.key] = n.name + "应为不小于 0 的整数。"
		}
		*n.to = v
	}
	fields, err := parseFields(f.FieldsIn)
	if err != nil {
		f.Errs["fields"] = err.Error()
	}
	e.Fields = fields
	e.EligibleTags = strings.FieldsFunc(f.EligibleTags, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' })
	p.Data["V"] = f
	if len(f.Errs) > 0 {
		p.Error = "请按提示修改标红的字段。"
		return p.renderStatus(http.StatusBadRequest, "event_new")
	}
	done := "活动已发布。"
	if id == 0 {
		err = s.Signups.Publish(p.r.Context(), e)
	} else {
		old, ferr := s.Signups.Event(p.r.Context(), id)
		if ferr != nil {
			return ferr
		}
		e.Status, done = old.Status, "活动已修改。"
		e, _, err = s.Signups.Update(p.r.Context(), e)
	}
	if err != nil {
		p.Error = unionbot.ErrorMessage(err)
		return p.renderStatus(statusOf(unionbot.ErrorCode(err)), "event_new")
	}
	return p.back(fmt.Sprintf("/admin/events/%d", e.ID), done)
}

// eventView is one event's roster page.
type eventView struct {
	Event               *signup.Event
	Q                   string
	Registered          []*signup.Entry   // a rotation event's sign-ups before its draw
	Draw                *signup.Published // the published draw, once drawn
	Confirmed, Waitlist []*signup.Entry
	CPager, WPager      pager
	NConfirmed, NWait   int
	Depts               map[string]int // confirmed by department, for the chart
}

// GET /admin/events/{id}?q=: the roster with search, export and the chart
// of participation by department.
func (s *Server) eventPage(p *page) error {
	id, err := s.pathEventID(p)
	if err != nil {
		return err
	}
	ro, err := s.Signups.Roster(p.r.Context(), id)
	if err != nil {
		return err
	}
	v := eventView{Event: ro.Event, Q: strings.TrimSpace(p.r.URL.Query().Get("q")), NConfirmed: len(ro.Confirmed),
		NWait: len(ro.Waitlist), Depts: map[string]int{}}
	match := func(e *signup.Entry) bool {
		return v.Q == "" || strings.Contains(e.Name, v.Q) || strings.Contains(e.Department, v.Q) || strings.Contains(e.UserID, v.Q)
	}
	for _, e := range ro.Confirmed {
		if match(e) {
			v.Confirmed = append(v.Confirmed, e)
		}
	}
	for _, e := range ro.Waitlist {
		if match(e) {
			v.Waitlist = append(v.Waitlist, e)
		}
	}
	q := p.r.URL.Query()
	v.Confirmed, v.CPager = paginate(v.Confirmed, q, "page", PageSize)
	v.Waitlist, v.WPager = paginate(v.Waitlist, q, "wpage", PageSize)
	_, by := ro.Stats()
	for d, c := range by {
		if c.Confirmed > 0 {
			v.Depts[d] = c.Confirmed
		}
	}
	v.Registered = ro.Registered
	if ro.Event.Rotation() && !ro.Event.DrawnAt.IsZero() {
		if v.Draw, err = s.Signups.Draw(p.r.Context(), id); err != nil {
			return err
		}
	}
	p.Title = ro.Event.Title
	p.Data["V"] = v
	return p.render("event")
}

// POST /admin/events/{id}/cancel
func (s *Server) eventCancel(p *page) error {
	id, err := s.pathEventID(p)
	if err != nil {
		return err
	}
	if _, err := s.Signups.CancelEvent(p.r.Context(), id); err != nil {
		return err
	}
	return p.back(fmt.Sprintf("/admin/events/%d", id), "活动已取消，已通知报名的老师。")
}

// GET /admin/events/{id}/export?format=csv|xlsx
func (s *Server) eventExport(p *page) error {
	id, err := s.pathEventID(p)
	if err != nil {
		return err
	}
	ro, err := s.Signups.Roster(p.r.Context(), id)
	if err != nil {
		return err
	}
	format := p.r.URL.Query().Get("format")
	if format != "csv" {
		format = "xlsx"
	}
	p.w.Header().Set("X-Content-Type-Options", "nosniff")
	return s.writeRoster(p.w, ro, format)
}

// parseFields reads the console's 报名时填写 box: one question a line,
// "衣服尺码：S/M/L/XL" with options or "工作证号" without.
func parseFields(text string) ([]signup.Field, error) {
	out := []signup.Field{}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, opts, _ := strings.Cut(strings.Replace(line, ":", "：", 1), "：")
		name = strings.TrimSpace(name)
		if name == "" || len([]rune(name)) > 20 {
			return nil, fmt.Errorf("填写项“%s”的名称应为 1 到 20 个字。", line)
		}
		f := signup.Field{Name: name}
		for _, o := range strings.FieldsFunc(opts, func(r rune) bool { return r == '/' || r == '、' || r == '，' || r == ',' }) {
			if o = strings.TrimSpace(o); o != "" {
				f.Options = append(f.Options, o)
			}
		}
		out = append(out, f)
	}
	if len(out) > 10 {
		return nil, fmt.Errorf("填写项最多 10 个。")
	}
	return out, nil
}

// POST /admin/events/{id}/checkin {user, in}: the roster's check-in toggle.
func (s *Server) eventCheckIn(p *page) error {
	id, err := s.pathEventID(p)
	if err != nil {
		return err
	}
	in := p.r.PostFormValue("in") == "1"
	if err := s.Signups.SetCheckedIn(p.r.Context(), id, p.r.PostFormValue("user"), in); err != nil {
		return err
	}
	done := "已取消签到。"
	if in {
		done = "已签到。"
	}
	return p.back(fmt.Sprintf("/admin/events/%d", id), done)
}

// POST /admin/events/{id}/promote {user}: move one teacher off the waitlist.
func (s *Server) eventPromote(p *page) error {
	id, err := s.pathEventID(p)
	if err != nil {
		return err
	}
	if _, err := s.Signups.Promote(p.r.Context(), id, p.r.PostFormValue("user")); err != nil {
		return err
	}
	return p.back(fmt.Sprintf("/admin/events/%d", id), "已转为正式报名，并通知了本人。")
}

func (s *Server) pathEventID(p *page) (int64, error) { return s.eventID(p.r) }

// POST /admin/events/{id}/draw: 立即抽签 — a rotation event's draw now,
// instead of waiting for sign-up to close.
func (s *Server) eventDraw(p *page) error {
	id, err := s.pathEventID(p)
	if err != nil {
		return err
	}
	d, err := s.Signups.DrawNow(p.r.Context(), id)
	if err != nil {
		return err
	}
	return p.back(fmt.Sprintf("/admin/events/%d", id), fmt.Sprintf("已抽签（种子 %s），%d 位老师已收到结果。", d.Seed, len(d.Order)))
}

// GET /admin/events/{id}/draw.json: the published draw to download and
// re-run with `unionbot draw verify`.
func (s *Server) eventDrawJSON(p *page) error {
	id, err := s.pathEventID(p)
	if err != nil {
		return err
	}
	d, err := s.Signups.Draw(p.r.Context(), id)
	if err != nil {
		return err
	}
	p.w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"draw-%d.json\"", id))
	writeJSON(p.w, http.StatusOK, d)
	return nil
}
