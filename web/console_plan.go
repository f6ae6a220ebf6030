package web

import (
	"net/url"
	"strconv"
	"strings"
)

// GET /admin/plan: paste the plan text.
func (s *Server) planPage(p *page) error {
	p.Title = "年度计划"
	p.Data["Year"] = strconv.Itoa(s.now().In(consoleTZ).Year())
	s.calendar(p)
	return p.render("plan")
}

type calendarMonth struct {
	Month int
	Items []any
}

// calendar puts the year's activities by month (GET /api/plans) in Data.
func (s *Server) calendar(p *page) {
	res := s.apiDo(p.r.Context(), "GET", "/api/plans?year="+url.QueryEscape(p.Data["Year"].(string)), nil)
	if !res.OK() {
		return
	}
	var months []calendarMonth
	for _, it := range items(res.Value(), "items") {
		m := int(num(get(it, "month")))
		if len(months) == 0 || months[len(months)-1].Month != m {
			months = append(months, calendarMonth{Month: m})
		}
		months[len(months)-1].Items = append(months[len(months)-1].Items, it)
	}
	p.Data["Calendar"] = months
}

// POST /admin/plan: preview (dry run) the parsed months beside the text, or
// save with save=1.
func (s *Server) planImport(p *page) error {
	p.Title = "年度计划"
	text := p.r.PostFormValue("text")
	year := strings.TrimSpace(p.r.PostFormValue("year"))
	if _, err := strconv.Atoi(year); err != nil || len(year) != 4 {
		p.Error = "年份应为四位数字，如 2026。"
		p.Data["Year"], p.Data["Text"] = year, text
		return p.renderStatus(400, "plan")
	}
	save := p.r.PostFormValue("save") != ""
	path := "/api/plans/import?year=" + url.QueryEscape(year)
	if !save {
		path += "&dry_run=1"
	}
	res := s.apiDo(p.r.Context(), "POST", path, text)
	if res.Off() {
		return apiErr(res)
	}
	p.Data["Year"], p.Data["Text"] = year, text
	if !res.OK() {
		p.Error = res.Err
		return p.renderStatus(res.Status, "plan")
	}
	if save {
		return p.back("/admin/announce", year+" 年工作计划已保存。")
	}
	v := res.Value()
	p.Data["Months"], p.Data["Warnings"], p.Data["Preview"] = items(get(v, "months")), items(get(v, "warnings")), true
	return p.render("plan")
}

// GET /admin/announce?month=2026-12: preview this month's announcement,
// send with confirmation, and the delivery log.
func (s *Server) announcePage(p *page) error {
	p.Title = "公告"
	month := p.r.URL.Query().Get("month")
	if month == "" {
		month = s.now().In(consoleTZ).Format("2006-01")
	}
	p.Data["Month"] = month
	pre := s.apiDo(p.r.Context(), "POST", "/api/announcements/preview?month="+url.QueryEscape(month), nil)
	if pre.Off() {
		p.Data["Off"] = true
		return p.render("announce")
	}
	if pre.OK() {
		v := pre.Value()
		if t := str(get(v, "text")); t != "" {
			p.Data["Preview"] = t
		} else if t := str(get(v, "markdown")); t != "" {
			p.Data["Preview"] = t
		} else if t, ok := v.(string); ok {
			p.Data["Preview"] = t
		} else {
			p.Data["Preview"] = toJSON(v)
		}
	} else {
		p.Data["PreviewErr"] = pre.Err
	}
	if log := s.apiDo(p.r.Context(), "GET", "/api/announcements", nil); log.OK() {
		p.Data["Log"] = items(log.Value(), "announcements", "deliveries")
	}
	return p.render("announce")
}

// POST /admin/announce/send: only with the confirmation box ticked.
func (s *Server) announceSend(p *page) error {
	month := p.r.PostFormValue("month")
	if p.r.PostFormValue("confirm") == "" {
		return p.back("/admin/announce?month="+url.QueryEscape(month), "未发送：请勾选“确认发送给全体会员”。")
	}
	res := s.apiDo(p.r.Context(), "POST", "/api/announcements/send?month="+url.QueryEscape(month), nil)
	if !res.OK() {
		return apiErr(res)
	}
	return p.back("/admin/announce?month="+url.QueryEscape(month), month+" 公告已发送。")
}

func toJSON(v any) string { return consoleFuncs["json"].(func(any) string)(v) }
