package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// eventKinds are the kinds issue 3 names.
var eventKinds = []string{"比赛", "出行", "讲座", "体检", "联谊", "其他"}

// GET /admin/events?status=&q=
func (s *Server) eventsPage(p *page) error {
	p.Title = "活动"
	res := s.apiDo(p.r.Context(), "GET", "/api/events?"+p.r.URL.RawQuery, nil)
	if res.Off() {
		p.Data["Off"] = true
		return p.render("events")
	}
	if !res.OK() {
		return apiErr(res)
	}
	all := items(res.Value(), "events")
	q := strings.TrimSpace(p.r.URL.Query().Get("q"))
	var list []any
	for _, e := range all {
		if q == "" || strings.Contains(str(get(e, "title")), q) {
			list = append(list, e)
		}
	}
	p.Data["Events"], p.Data["Q"] = list, q
	return p.render("events")
}

// GET /admin/events/new
func (s *Server) eventNewPage(p *page) error {
	p.Title = "发布活动"
	p.Data["Kinds"] = eventKinds
	p.Data["Form"] = map[string]string{"kind": "比赛", "capacity": "0", "max_companions": "0", "waitlist": "on"}
	p.Data["Errs"] = map[string]string{}
	return p.render("event_new")
}

// POST /admin/events/new: checks each field with a Chinese message, then
// POST /api/events.
func (s *Server) eventCreate(p *page) error { return s.eventSave(p, "") }

// POST /admin/events/{id}/edit → PATCH /api/events/{id}.
func (s *Server) eventUpdate(p *page) error { return s.eventSave(p, p.r.PathValue("id")) }

// GET /admin/events/{id}/edit: the form filled from GET /api/events/{id}.
func (s *Server) eventEditPage(p *page) error {
	id := p.r.PathValue("id")
	res := s.apiDo(p.r.Context(), "GET", "/api/events/"+url.PathEscape(id), nil)
	if !res.OK() {
		return apiErr(res)
	}
	v := res.Value()
	if e, ok := get(v, "event").(map[string]any); ok {
		v = e
	}
	form := map[string]string{}
	for _, k := range []string{"title", "kind", "description", "location", "capacity", "max_companions", "team_min", "team_max"} {
		form[k] = str(get(v, k))
	}
	if str(get(v, "remind_unanswered")) == "是" {
		form["remind_unanswered"] = "on"
	}
	var lines []string
	for _, f := range items(get(v, "fields")) {
		line := str(get(f, "name"))
		if opts := items(get(f, "options")); len(opts) > 0 {
			parts := make([]string, len(opts))
			for i, o := range opts {
				parts[i] = str(o)
			}
			line += "：" + strings.Join(parts, "/")
		}
		lines = append(lines, line)
	}
	form["fields"] = strings.Join(lines, "\n")
	for _, k := range []string{"starts_at", "ends_at", "signup_opens_at", "signup_closes_at", "cancel_deadline"} {
		raw, _ := get(v, k).(string)
		if t, err := time.Parse(time.RFC3339Nano, raw); err == nil && t.Year() > 1970 {
			form[k] = t.In(consoleTZ).Format("2006-01-02T15:04")
		}
	}
	if str(get(v, "waitlist")) == "是" {
		form["waitlist"] = "on"
	}
	form["eligible_tags"] = strings.ReplaceAll(str(get(v, "eligible_tags")), "、", ", ")
	p.Title, p.Data["ID"], p.Data["Kinds"], p.Data["Form"], p.Data["Errs"] = "修改活动", id, eventKinds, form, map[string]string{}
	return p.render("event_new")
}

func (s *Server) eventSave(p *page, id string) error {
	p.Title = "发布活动"
	if id != "" {
		p.Title, p.Data["ID"] = "修改活动", id
	}
	p.Data["Kinds"] = eventKinds
	form := map[string]string{}
	for _, k := range []string{"title", "kind", "description", "location", "starts_at", "ends_at", "signup_opens_at", "signup_closes_at", "cancel_deadline", "capacity", "max_companions", "waitlist", "eligible_tags", "team_min", "team_max", "remind_unanswered", "fields"} {
		form[k] = strings.TrimSpace(p.r.PostFormValue(k))
	}
	errs := map[string]string{}
	body := map[string]any{"title": form["title"], "kind": form["kind"], "description": form["description"],
		"location": form["location"], "waitlist": form["waitlist"] != "", "remind_unanswered": form["remind_unanswered"] != ""}
	if form["title"] == "" {
		errs["title"] = "请填写活动名称。"
	} else if len([]rune(form["title"])) > 100 {
		errs["title"] = "活动名称不超过 100 个字。"
	}
	times := map[string]string{"starts_at": "开始时间", "ends_at": "结束时间", "signup_opens_at": "报名开始", "signup_closes_at": "报名截止", "cancel_deadline": "取消截止"}
	for k, name := range times {
		if form[k] == "" {
			if k == "starts_at" {
				errs[k] = "请填写开始时间。"
			}
			continue
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", form[k], consoleTZ)
		if err != nil {
			errs[k] = name + "格式应为 2026-12-01T14:00。"
			continue
		}
		body[k] = t.Format(time.RFC3339)
	}
	for k, name := range map[string]string{"capacity": "名额", "max_companions": "可带家属人数", "team_min": "每队最少人数", "team_max": "每队最多人数"} {
		n, err := strconv.Atoi(form[k])
		if form[k] == "" {
			n, err = 0, nil
		}
		if err != nil || n < 0 {
			errs[k] = name + "应为不小于 0 的整数。"
		}
		body[k] = n
	}
	if f, err := parseFields(form["fields"]); err != nil {
		errs["fields"] = err.Error()
	} else {
		body["fields"] = f
	}
	if form["eligible_tags"] != "" {
		body["eligible_tags"] = strings.FieldsFunc(form["eligible_tags"], func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' })
	}
	p.Data["Form"], p.Data["Errs"] = form, errs
	if len(errs) > 0 {
		p.Error = "请按提示修改标红的字段。"
		return p.renderStatus(http.StatusBadRequest, "event_new")
	}
	method, path, done := "POST", "/api/events", "活动已发布。"
	if id != "" {
		method, path, done = "PATCH", "/api/events/"+url.PathEscape(id), "活动已修改。"
	}
	res := s.apiDo(p.r.Context(), method, path, body)
	if res.Off() {
		return apiErr(res)
	}
	if !res.OK() {
		p.Error = res.Err
		return p.renderStatus(res.Status, "event_new")
	}
	if id == "" {
		id = str(get(res.Value(), "id"))
	}
	return p.back("/admin/events/"+url.PathEscape(id), done)
}

// GET /admin/events/{id}?q=: the roster with search, export and the chart of
// participation by department.
func (s *Server) eventPage(p *page) error {
	id := url.PathEscape(p.r.PathValue("id"))
	res := s.apiDo(p.r.Context(), "GET", "/api/events/"+id+"/roster", nil)
	if !res.OK() {
		return apiErr(res)
	}
	v := res.Value()
	q := strings.TrimSpace(p.r.URL.Query().Get("q"))
	filter := func(l []any) []any {
		var out []any
		for _, e := range l {
			if q == "" || strings.Contains(str(get(e, "name")), q) || strings.Contains(str(get(e, "department")), q) || strings.Contains(str(get(e, "user_id")), q) {
				out = append(out, e)
			}
		}
		return out
	}
	confirmed, waitlist := items(get(v, "confirmed")), items(get(v, "waitlist"))
	depts := map[string]int{}
	for _, e := range confirmed {
		d := str(get(e, "department"))
		if d == "" {
			d = "未登记"
		}
		depts[d]++
	}
	p.Title = str(get(v, "event.title"))
	p.Data["ID"], p.Data["Event"], p.Data["Q"] = p.r.PathValue("id"), get(v, "event"), q
	p.Data["Confirmed"], p.Data["Waitlist"] = filter(confirmed), filter(waitlist)
	p.Data["NConfirmed"], p.Data["NWaitlist"] = len(confirmed), len(waitlist)
	p.Data["Depts"] = depts
	return p.render("event")
}

// POST /admin/events/{id}/cancel
func (s *Server) eventCancel(p *page) error {
	id := url.PathEscape(p.r.PathValue("id"))
	res := s.apiDo(p.r.Context(), "POST", "/api/events/"+id+"/cancel", map[string]any{})
	if res.Status == http.StatusBadRequest { // an API that takes no body
		res = s.apiDo(p.r.Context(), "POST", "/api/events/"+id+"/cancel", nil)
	}
	if !res.OK() {
		return apiErr(res)
	}
	return p.back("/admin/events/"+id, "活动已取消，已通知报名的老师。")
}

// GET /admin/events/{id}/export?format=csv|xlsx passes the API's file on.
func (s *Server) eventExport(p *page) error {
	format := p.r.URL.Query().Get("format")
	if format != "csv" && format != "xlsx" {
		format = "xlsx"
	}
	return s.passFile(p, "/api/events/"+url.PathEscape(p.r.PathValue("id"))+"/roster?format="+format, "roster."+format)
}

// passFile streams an API download to the browser.
func (s *Server) passFile(p *page, path, name string) error {
	rec := s.call(p.r.Context(), "GET", path, nil, "")
	if rec.Code != http.StatusOK {
		a := &apiResult{Status: rec.Code, Body: rec.Body.Bytes()}
		a.Err = str(get((&apiResult{Body: rec.Body.Bytes()}).Value(), "error"))
		return apiErr(a)
	}
	h := p.w.Header()
	for _, k := range []string{"Content-Type", "Content-Disposition"} {
		if v := rec.Header().Get(k); v != "" {
			h.Set(k, v)
		}
	}
	if h.Get("Content-Disposition") == "" {
		h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}
	h.Set("X-Content-Type-Options", "nosniff")
	_, err := p.w.Write(rec.Body.Bytes())
	return err
}

// fieldSpec is an extra question of the sign-up form, as the API takes it.
type fieldSpec struct {
	Name    string   `json:"name"`
	Options []string `json:"options,omitempty"`
}

// parseFields reads the console's 报名时填写 box: one question a line,
// "衣服尺码：S/M/L/XL" with options or "工作证号" without.
func parseFields(text string) ([]fieldSpec, error) {
	out := []fieldSpec{}
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
		f := fieldSpec{Name: name}
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
	id := url.PathEscape(p.r.PathValue("id"))
	user := p.r.PostFormValue("user")
	in := p.r.PostFormValue("in") == "1"
	res := s.apiDo(p.r.Context(), "POST", "/api/events/"+id+"/entries/"+url.PathEscape(user)+"/checkin", map[string]any{"checked_in": in})
	if !res.OK() {
		return apiErr(res)
	}
	done := "已取消签到。"
	if in {
		done = "已签到。"
	}
	return p.back("/admin/events/"+id, done)
}

// POST /admin/events/{id}/promote {user}: move one teacher off the waitlist.
func (s *Server) eventPromote(p *page) error {
	id := url.PathEscape(p.r.PathValue("id"))
	res := s.apiDo(p.r.Context(), "POST", "/api/events/"+id+"/entries/"+url.PathEscape(p.r.PostFormValue("user"))+"/promote", map[string]any{})
	if !res.OK() {
		return apiErr(res)
	}
	return p.back("/admin/events/"+id, "已转为正式报名，并通知了本人。")
}
