package web

import (
	"context"
	"fmt"
	"strings"
	"time"

	"unionbot"
	"unionbot/handlers/announce"
	"unionbot/handlers/faq"
	"unionbot/handlers/proposal"
	"unionbot/handlers/signup"
)

// overviewView is 概览: one screen of what needs attention.
type overviewView struct {
	Month       string // this month's announcement as teachers will read it
	Events      []*signup.Event
	Proposals   map[string]int // open proposals by status
	Unanswered  []*faq.Question
	LastPush    *announce.Delivery
	Undelivered []undeliveredNotice
	Queued      []queuedNotice // waiting to go out, with why and when
	QueuedTotal int
	Lockouts    []Lockout // addresses locked out of signing in
	Warnings    []string  // parts not configured
}

// GET /admin: each section from its feature's service.
func (s *Server) overviewPage(p *page) error {
	p.Title = "概览"
	ctx := p.r.Context()
	now := s.now().In(s.location())
	v := overviewView{Proposals: map[string]int{}, Warnings: s.Warnings}
	if s.Announce != nil {
		if a, err := s.Announce.Compose(ctx, announce.MonthOf(now), false); err == nil {
			v.Month = a.Text
		}
		if ds, err := s.Announce.Deliveries(ctx, 1); err == nil && len(ds) > 0 {
			v.LastPush = ds[0]
		}
	}
	evs, err := s.Signups.OpenEvents(ctx)
	if err != nil {
		return err
	}
	v.Events = evs[:min(len(evs), 10)]
	list, err := s.Proposals.List(ctx, proposal.Filter{Open: true})
	if err != nil {
		return err
	}
	for _, x := range list {
		v.Proposals[x.Status]++
	}
	if s.FAQ != nil {
		qs, err := s.FAQ.Feedback(ctx, 200)
		if err != nil {
			return err
		}
		for _, q := range qs {
			if q.Status == faq.StatusUnanswered && now.Sub(q.CreatedAt) <= 7*24*time.Hour {
				v.Unanswered = append(v.Unanswered, q)
			}
		}
	}
	if v.Undelivered, err = s.undelivered(ctx, now.Location()); err != nil {
		return err
	}
	if v.Queued, v.QueuedTotal, err = s.queued(ctx, now); err != nil {
		return err
	}
	v.Lockouts = s.throttle.lockouts(s.now())
	p.Data["V"] = v
	return p.render("overview")
}

// Channel names a notice's channel on the console.
func (p *page) Channel(ch string) string { return channelName(ch) }

func channelName(ch string) string {
	switch ch {
	case unionbot.ChannelWeChat:
		return "公众号"
	case unionbot.ChannelRobot:
		return "群机器人"
	case unionbot.ChannelCLI:
		return "终端"
	}
	return "企业微信"
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
	var out []undeliveredNotice
	for _, n := range ns {
		if n.Status != unionbot.NoticeFailed {
			continue
		}
		out = append(out, undeliveredNotice{At: n.CreatedAt.In(loc).Format("1月2日 15:04"), Channel: channelName(n.Channel), Kind: noticeKind(n.Kind), Ref: n.Ref,
			To: strings.Join(n.ToUsers, "、"), Reason: strings.TrimPrefix(n.LastErr, "send failed: ")})
		if len(out) == 10 {
			break
		}
	}
	return out, nil
}

// NoticeStatus names a notice's delivery state in Chinese.
func (p *page) NoticeStatus(st string) string {
	switch st {
	case unionbot.NoticeSent:
		return "已发送"
	case unionbot.NoticeFailed:
		return "发送失败"
	}
	return "待发送"
}

// queuedNotice is a notice still in the outbox, for the overview: what it
// is, who it goes to, why it waits and when it is expected to go.
type queuedNotice struct {
	At, Channel, Kind, Ref, To, Reason, Expected string
}

// pendingLister is the outbox's list of undelivered notices, oldest first.
type pendingLister interface {
	PendingNotices(ctx context.Context, limit int) ([]*unionbot.Notice, error)
}

// queued lists the oldest notices still waiting (20 at most) and how many
// wait in all (up to 500 counted).
func (s *Server) queued(ctx context.Context, now time.Time) ([]queuedNotice, int, error) {
	var ns []*unionbot.Notice
	if pl, ok := s.Outbox.(pendingLister); ok {
		var err error
		if ns, err = pl.PendingNotices(ctx, 500); err != nil {
			return nil, 0, err
		}
	} else {
		all, err := s.Outbox.ListNotices(ctx, "", 300)
		if err != nil {
			return nil, 0, err
		}
		for i := len(all) - 1; i >= 0; i-- {
			if all[i].Status == unionbot.NoticePending {
				ns = append(ns, all[i])
			}
		}
	}
	var out []queuedNotice
	for _, n := range ns[:min(len(ns), 20)] {
		q := queuedNotice{At: n.CreatedAt.In(now.Location()).Format("1月2日 15:04:05"), Channel: channelName(n.Channel),
			Kind: noticeKind(n.Kind), Ref: n.Ref, To: audience(n), Reason: n.WaitReason, Expected: expected(n.NextAt, now)}
		if q.Reason == "" {
			q.Reason = txtQueuedDue
		}
		out = append(out, q)
	}
	return out, len(ns), nil
}

// audience says how many a notice goes to.
func audience(n *unionbot.Notice) string {
	if n.ToParty != "" || n.ToTag != "" || (len(n.ToUsers) == 1 && n.ToUsers[0] == "@all") {
		return txtQueuedEveryone
	}
	// Counts, never ids: a notice may go to the anonymous author of a
	// suggestion, and the console must not name them.
	if n.Progress > 0 {
		return fmt.Sprintf(txtQueuedBatches, len(n.ToUsers), n.Progress)
	}
	return fmt.Sprintf(txtQueuedMembers, len(n.ToUsers))
}

// expected is when a waiting notice should go: now when it is due.
func expected(at, now time.Time) string {
	if !at.After(now) {
		return txtQueuedNow
	}
	at = at.In(now.Location())
	if y, m, d := at.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
		return at.Format("15:04:05")
	}
	return at.Format("1月2日 15:04:05")
}
