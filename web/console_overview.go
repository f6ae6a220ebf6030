package web

import (
	"context"
	"net/url"
	"strings"
	"time"

	"unionbot"
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
	if list, err := s.undelivered(ctx, now.Location()); err == nil {
		p.Data["Undelivered"] = list
	} else {
		s.logger().Warn("console: undelivered notices", "err", err)
	}
	return p.render("overview")
}

// undeliveredNotice is a notice the outbox gave up on, for the overview.
type undeliveredNotice struct {
	At, Channel, Kind, Ref, To, Reason string
}

// noticeKind names the feature that sent a notice.
func noticeKind(kind string) string {
	switch kind {
	case "signup":
		return "报名"
	case "reply", "chat":
		return "聊天回复"
	case "proposal":
		return "建议与提案"
	case "announce":
		return "月度推送"
	case "alert":
		return "提醒"
	case "broadcast":
		return "通知"
	case "faq":
		return "问答答复"
	}
	return kind
}

// undelivered lists the newest notices that could not be delivered (a
// follower's closed 48-hour window, a WeCom error), so staff reach those
// teachers another way.
func (s *Server) undelivered(ctx context.Context, loc *time.Location) ([]undeliveredNotice, error) {
	ns, err := s.Outbox.ListNotices(ctx, "", 300)
	if err != nil {
		return nil, err
	}
	channels := map[string]string{unionbot.ChannelWeChat: "公众号", unionbot.ChannelRobot: "群机器人", unionbot.ChannelCLI: "终端"}
	var out []undeliveredNotice
	for _, n := range ns {
		if n.Status != unionbot.NoticeFailed {
			continue
		}
		ch := channels[n.Channel]
		if ch == "" {
			ch = "企业微信"
		}
		out = append(out, undeliveredNotice{At: n.CreatedAt.In(loc).Format("1月2日 15:04"), Channel: ch, Kind: noticeKind(n.Kind), Ref: n.Ref,
			To: strings.Join(n.ToUsers, "、"), Reason: strings.TrimPrefix(n.LastErr, "send failed: ")})
		if len(out) == 10 {
			break
		}
	}
	return out, nil
}
