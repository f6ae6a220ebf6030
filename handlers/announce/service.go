package announce

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/robfig/cron/v3"

	"unionbot"
	"unionbot/handlers/audit"
)

// DefaultCron is when the month's announcement goes out: 08:00 on the 1st.
const DefaultCron = "0 8 1 * *"

// LateAfter is how long after its time a push counts as late (补发).
const LateAfter = 30 * time.Minute

// Triggers of a delivery.
const (
	TriggerSchedule = "schedule"
	TriggerChat     = "chat"
	TriggerConsole  = "console"
	TriggerAPI      = "api"
)

// Service imports plans, answers calendar questions and sends the monthly
// announcement.
type Service struct {
	Store    Store
	Members  unionbot.MemberStore // for Official Account followers; may be nil
	Events   EventLister          // open sign-up events; nil until sign-ups are wired
	Outbox   unionbot.Outbox      // for ad-hoc broadcasts
	Logger   *slog.Logger
	Now      func() time.Time
	Location *time.Location
	// Audit records staff changes (nil: none).
	Audit *audit.Service

	// Parties are the WeCom department ids the announcement goes to ("|"-
	// separated); empty means @all.
	Parties string
	// Robot also posts to the group robot (WECOM_ROBOT_KEY is set).
	Robot bool
	// WeChat also sends to members who wrote from the Official Account.
	WeChat bool
	// Format is how the WeCom app gets the announcement and broadcasts:
	// FormatText (the default) or FormatCard; CardURL is the page a
	// text_notice card opens.
	Format  string
	CardURL string
	// CanSend, when set, says why the announcement cannot go out now (WeCom
	// not configured); Push refuses with it before writing anything.
	CanSend func() error

	schedule cron.Schedule
	// planVersion counts this process's changes to the plan's items.
	planVersion atomic.Uint64
}

// PlanVersion changes whenever this process imports the plan or adds an
// item; another replica's changes do not show here, so a reader keeping
// items re-reads them now and then regardless.
func (s *Service) PlanVersion() uint64 { return s.planVersion.Load() }

// NewService returns a service whose push time is spec (DefaultCron when
// empty). It returns an error naming a bad spec.
func NewService(store Store, spec string) (*Service, error) {
	if spec == "" {
		spec = DefaultCron
	}
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return nil, fmt.Errorf("UNIONBOT_ANNOUNCE_CRON: %q: %w", spec, err)
	}
	return &Service{Store: store, schedule: sched}, nil
}

func (s *Service) now() time.Time {
	t := time.Now()
	if s.Now != nil {
		t = s.Now()
	}
	return t.In(s.loc())
}

func (s *Service) loc() *time.Location {
	if s.Location != nil {
		return s.Location
	}
	return time.Local
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// DueAt is when the announcement of ym is due: the first time the push
// schedule fires in that month (zero when it never does).
func (s *Service) DueAt(ym YM) time.Time {
	start := ym.Start(s.loc())
	t := s.schedule.Next(start.Add(-time.Second))
	if MonthOf(t) != ym {
		return time.Time{}
	}
	return t
}

// Job is the scheduler's monthly job. It runs at the push time and when the
// bot starts: it sends the current month's announcement if it is due and
// was not sent yet, marked late when it is past its time. Replicas and
// restarts are safe: the delivery record decides.
func (s *Service) Job(ctx context.Context, now time.Time) error {
	now = now.In(s.loc())
	ym := MonthOf(now)
	due := s.DueAt(ym)
	if due.IsZero() || now.Before(due) {
		return nil
	}
	late := now.Sub(due) >= LateAfter
	d, err := s.Push(ctx, ym, TriggerSchedule, "", late)
	switch {
	case errors.Is(err, errNothingToSend):
		s.logger().Info("monthly announcement: nothing planned", "month", ym.String())
		return nil
	case unionbot.ErrorCode(err) == unionbot.ECONFLICT:
		return nil // sent already, by us or a replica
	case err != nil:
		return err
	}
	s.logger().Info("monthly announcement queued", "month", ym.String(), "late", d.Late, "items", d.Items)
	return nil
}

var errNothingToSend = unionbot.Errorf(unionbot.ENOTFOUND, msgNothingPlanned)

// Push composes ym's announcement, records its delivery and queues the
// notices in one transaction. It returns ECONFLICT when ym was sent
// already, ENOTFOUND when nothing is planned for ym.
func (s *Service) Push(ctx context.Context, ym YM, trigger, by string, late bool) (*Delivery, error) {
	if s.CanSend != nil {
		// Checked before anything is written: a send that cannot go out
		// must not use up the month.
		if err := s.CanSend(); err != nil {
			return nil, err
		}
	}
	a, err := s.Compose(ctx, ym, late)
	if err != nil {
		return nil, err
	}
	if a.Count == 0 {
		return nil, errNothingToSend
	}
	notices, err := s.notices(ctx, ym, a)
	if err != nil {
		return nil, err
	}
	d := &Delivery{Month: ym, Late: late, Trigger: trigger, By: by, Items: a.Count, Text: a.Markdown}
	ctx, rec := s.Audit.Begin(ctx, "announce.send", ym.Ref())
	rec.After(d)
	err = s.Store.CreateDelivery(ctx, d, notices)
	s.Audit.Finish(ctx, rec, err)
	if err != nil {
		if unionbot.ErrorCode(err) == unionbot.ECONFLICT {
			return nil, s.alreadySent(ctx, ym)
		}
		return nil, err
	}
	d.Notices = notices
	return d, nil
}

func (s *Service) alreadySent(ctx context.Context, ym YM) error {
	d, err := s.Store.FindDelivery(ctx, ym)
	if err != nil {
		return unionbot.Errorf(unionbot.ECONFLICT, msgSentAlready, ym.Year, ym.Month, "")
	}
	return unionbot.Errorf(unionbot.ECONFLICT, msgSentAlready, ym.Year, ym.Month,
		d.CreatedAt.In(s.loc()).Format("1月2日 15:04"))
}

// notices are the announcement's messages: the WeCom app (to @all or the
// configured departments), the group robot, Official Account followers.
func (s *Service) notices(ctx context.Context, ym YM, a *Announcement) ([]*unionbot.Notice, error) {
	app := &unionbot.Notice{Title: a.Title, Kind: "announce", Ref: ym.Ref()}
	if s.Parties != "" {
		app.ToParty = s.Parties
	} else {
		app.ToUsers = []string{"@all"}
	}
	out := s.appNotices(app, a.Title, a.Text, a.Open)
	if s.Robot {
		for _, page := range Pages(a.Markdown, MaxRobotPageBytes) {
			out = append(out, &unionbot.Notice{Channel: "robot", Format: unionbot.FormatMarkdown, Title: a.Title,
				Text: page, Kind: "announce", Ref: ym.Ref()})
		}
	}
	if s.WeChat && s.Members != nil {
		var followers []string
		for off := 0; ; off += 500 {
			ms, err := s.Members.ListMembers(ctx, unionbot.MemberFilter{Limit: 500, Offset: off})
			if err != nil {
				return nil, fmt.Errorf("list followers: %w", err)
			}
			for _, m := range ms {
				if unionbot.IsWeChatUser(m.UserID) {
					followers = append(followers, m.UserID)
				}
			}
			if len(ms) < 500 {
				break
			}
		}
		if len(followers) > 0 {
			out = append(out, &unionbot.Notice{Channel: unionbot.ChannelWeChat, ToUsers: followers, Title: a.Title, Text: a.Text,
				Kind: "announce", Ref: ym.Ref()})
		}
	}
	return out, nil
}

// Broadcast queues an ad-hoc message to an audience: "all" (or ""),
// "department:2|3", "tag:1" or "users:t001,t002", as text pages (or
// text_notice cards, see Format), and returns the first page's notice. It
// returns EINVALID for an empty text or an unknown audience.
func (s *Service) Broadcast(ctx context.Context, text, audience string) (*unionbot.Notice, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, unionbot.Errorf(unionbot.EINVALID, msgEmptyBroadcast)
	}
	n := &unionbot.Notice{Text: text, Kind: "broadcast", Ref: "broadcast:" + s.now().Format("20060102-150405")}
	kind, val, _ := strings.Cut(strings.TrimSpace(audience), ":")
	val = strings.TrimSpace(val)
	switch {
	case kind == "" || kind == "all":
		n.ToUsers = []string{"@all"}
	case kind == "department" && val != "":
		n.ToParty = val
	case kind == "tag" && val != "":
		n.ToTag = val
	case kind == "users" && val != "":
		n.ToUsers = strings.FieldsFunc(val, func(r rune) bool { return r == ',' || r == '|' || r == '，' || r == ' ' })
	default:
		return nil, unionbot.Errorf(unionbot.EINVALID, msgBadAudience, audience)
	}
	if s.Outbox == nil {
		return nil, fmt.Errorf("broadcast: no outbox")
	}
	pages := s.appNotices(n, titleBroadcast, text, nil)
	ctx, rec := s.Audit.Begin(ctx, "broadcast", n.Ref)
	rec.After(map[string]any{"audience": audience, "to_users": n.ToUsers, "to_party": n.ToParty, "to_tag": n.ToTag, "text": n.Text, "pages": len(pages)})
	var err error
	for _, p := range pages {
		if err = s.Outbox.Enqueue(ctx, p); err != nil {
			break
		}
	}
	s.Audit.Finish(ctx, rec, err)
	if err != nil {
		return nil, err
	}
	return pages[0], nil // the first page: a longer text follows as more
}

// Items lists the calendar of year (month 0 = all months).
func (s *Service) Items(ctx context.Context, year, month int) ([]*Item, error) {
	return s.Store.ListItems(ctx, year, month)
}

// AddItem adds an item by hand. It returns EINVALID for a missing title or
// a bad month or day.
func (s *Service) AddItem(ctx context.Context, it *Item) error {
	it.Title = strings.TrimSpace(it.Title)
	switch {
	case it.Title == "":
		return unionbot.Errorf(unionbot.EINVALID, msgNoTitle)
	case it.Year < 2000 || it.Year > 2999 || it.Month < 1 || it.Month > 12:
		return unionbot.Errorf(unionbot.EINVALID, msgBadMonth, fmt.Sprintf("%d-%d", it.Year, it.Month))
	case it.Day < 0 || it.Day > 31:
		return unionbot.Errorf(unionbot.EINVALID, msgBadDay, it.Day)
	}
	kind, val, _ := strings.Cut(it.Audience, ":")
	if it.Audience != "" && it.Audience != "all" && ((kind != "tag" && kind != "department") || val == "") {
		return unionbot.Errorf(unionbot.EINVALID, msgBadItemAudience, it.Audience)
	}
	ctx, rec := s.Audit.Begin(ctx, "plan.item", "")
	rec.TargetOf(func() string { return fmt.Sprintf("plan-item:%d", it.ID) })
	rec.After(it)
	err := s.Store.AddItem(ctx, it)
	s.planVersion.Add(1)
	s.Audit.Finish(ctx, rec, err)
	return err
}

// Deliveries is the announcement log, newest first.
func (s *Service) Deliveries(ctx context.Context, limit int) ([]*Delivery, error) {
	return s.Store.ListDeliveries(ctx, limit)
}
