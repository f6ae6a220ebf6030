package web

import (
	"net/url"
	"time"
)

// GET /admin: one screen of what needs attention. Each section comes from
// its feature's API route and says 暂无 when that feature is not enabled.
func (s *Server) overviewPage(p *page) error {
	p.Title = "概览"
	ctx := p.r.Context()
	now := s.now().In(consoleTZ)

	if r := s.apiDo(ctx, "POST", "/api/announcements/preview?month="+now.Format("2006-01"), nil); r.OK() {
		v := r.Value()
		t := str(get(v, "text"))
		if t == "" {
			t = str(get(v, "markdown"))
		}
		p.Data["Month"] = t
	}

	if r := s.apiDo(ctx, "GET", "/api/events", nil); r.OK() {
		type open struct {
			ID, Title           string
			Capacity            any
			Confirmed, Waitlist int
			StartsAt, ClosesAt  string
		}
		var list []open
		for _, e := range items(r.Value(), "events") {
			st := str(get(e, "status"))
			if st != "报名中" && st != "open" {
				continue
			}
			o := open{ID: str(get(e, "id")), Title: str(get(e, "title")), Capacity: get(e, "capacity"),
				StartsAt: str(get(e, "starts_at")), ClosesAt: str(get(e, "signup_closes_at"))}
			if ro := s.apiDo(ctx, "GET", "/api/events/"+url.PathEscape(o.ID)+"/roster", nil); ro.OK() {
				v := ro.Value()
				o.Confirmed, o.Waitlist = len(items(get(v, "confirmed"))), len(items(get(v, "waitlist")))
			}
			list = append(list, o)
			if len(list) == 10 {
				break
			}
		}
		p.Data["Events"], p.Data["EventsOn"] = list, true
	}

	if r := s.apiDo(ctx, "GET", "/api/proposals", nil); r.OK() {
		waiting := map[string]int{}
		for _, e := range items(r.Value(), "proposals") {
			switch st := str(get(e, "status")); st {
			case "已办结", "不予立案":
			default:
				waiting[st]++
			}
		}
		p.Data["Proposals"], p.Data["ProposalsOn"] = waiting, true
	}

	if r := s.apiDo(ctx, "GET", "/api/faq/unanswered", nil); r.OK() {
		var week []any
		for _, q := range items(r.Value(), "questions", "unanswered") {
			raw, _ := get(q, "created_at").(string)
			at, err := time.Parse(time.RFC3339Nano, raw)
			if err != nil || now.Sub(at) <= 7*24*time.Hour {
				week = append(week, q)
			}
		}
		p.Data["Unanswered"], p.Data["FAQOn"] = week, true
	}

	if r := s.apiDo(ctx, "GET", "/api/announcements", nil); r.OK() {
		if l := items(r.Value(), "announcements", "deliveries"); len(l) > 0 {
			p.Data["LastPush"] = l[0]
		}
		p.Data["PushOn"] = true
	}
	return p.render("overview")
}
