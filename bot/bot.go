package bot

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"unionbot"
)

// MaxMessageRunes is the longest message the bot reads; each feature has
// tighter bounds of its own (a question, a title, an answer).
const MaxMessageRunes = 4000

// Bot runs messages through the router with sessions, dedup and paging.
// Set the fields, then call Serve from channel adapters.
type Bot struct {
	Router    *Router
	Sessions  SessionStore
	Dedup     Deduper
	Members   unionbot.MemberStore
	Directory unionbot.MemberDirectory // optional: fills names on first contact
	Outbox    unionbot.Outbox          // active replies and notices
	Limiter   RateLimiter              // optional per-teacher limit
	RateLimit int                      // messages per teacher per minute; 0 is no limit
	IsAdmin   func(userID string) bool // UNIONBOT_ADMINS
	// Refused, when set, is told of a teacher refused an admin command
	// (the audit log records it).
	Refused func(ctx context.Context, userID, command string)
	// Cards lets features answer WeCom members with template cards
	// (UNIONBOT_CARDS); the typed commands work either way.
	Cards bool
	// UserLocks orders one teacher's messages across replicas (Redis);
	// nil orders them within this process only.
	UserLocks Locker
	// Links finds the WeCom member an Official Account follower is linked
	// to (ENOTFOUND for none); nil when the 公众号 is not used.
	Links interface {
		LinkedUser(ctx context.Context, followerID string) (string, error)
	}
	Logger *slog.Logger
	// Observer counts messages, replies and dedup hits (metrics); nil
	// counts nothing.
	Observer Observer

	Now         func() time.Time
	Location    *time.Location
	SessionTTL  time.Duration // how long a form may stay half-filled
	ReplyBudget time.Duration // how long Serve waits before going active
	DedupTTL    time.Duration

	mu       sync.Mutex
	inflight map[string]*flight
	queues   map[string]*userQueue // per-user FIFO, see order.go
	known    sync.Map              // user ids whose member record exists
	roles    sync.Map              // user id → roleSeen, for IsAdmin
	wg       sync.WaitGroup
	idle     chan func() // workers waiting for a message to run (see spawn)
	idleOnce sync.Once
}

func (b *Bot) now() time.Time {
	if b.Now != nil {
		return b.Now()
	}
	return time.Now()
}

func (b *Bot) location() *time.Location {
	if b.Location != nil {
		return b.Location
	}
	return time.Local
}

func (b *Bot) sessionTTL() time.Duration {
	if b.SessionTTL > 0 {
		return b.SessionTTL
	}
	return 24 * time.Hour
}

func (b *Bot) logger() *slog.Logger {
	if b.Logger != nil {
		return b.Logger
	}
	return slog.Default()
}

// RateWindow is the window of the per-teacher rate limit (RateLimit
// messages in it).
const RateWindow = time.Minute

// rateKey is the limiter's key for a teacher.
func rateKey(userID string) string { return "rate:" + userID }

// Handle runs one message to completion and returns the reply ("" for none).
// It never fails: errors become a Chinese reply and a log line.
func (b *Bot) Handle(ctx context.Context, msg *Message) string {
	start := b.now()
	obs := observer(b.Observer)
	msg.Text = cleanText(msg.Text)
	if utf8.RuneCountInString(msg.Text) > MaxMessageRunes {
		obs.MessageHandled(msg.Channel, "none", OutcomeTooLong)
		return "消息太长了（超过 " + itoa(MaxMessageRunes) + " 字），请精简一下或分几条发送。"
	}
	b.resolveLink(ctx, msg)
	if b.Limiter != nil && b.RateLimit > 0 { // messages and events alike
		ok, err := msg.rate == rateWithin, error(nil)
		if msg.rate == rateUnchecked { // not counted with the dedup claim (Admit)
			ok, err = b.Limiter.Allow(ctx, rateKey(msg.UserID), b.RateLimit, RateWindow)
		}
		if err != nil {
			b.logger().WarnContext(ctx, "rate limiter unavailable", "err", err)
		} else if !ok {
			obs.MessageHandled(msg.Channel, "none", OutcomeRateLimited)
			return b.slowDown(ctx, msg.UserID)
		}
	}
	ctx = unionbot.WithActor(ctx, actor(msg))
	c := &Context{ctx: ctx, bot: b, Msg: msg}
	if _, ok := b.known.Load(msg.UserID); !ok && msg.UserID != "" {
		if m, err := c.Member(); err != nil { // first contact creates the record
			b.logger().WarnContext(ctx, "ensure member", "user", msg.UserID, "err", err)
		} else {
			c.member = m
			b.known.Store(msg.UserID, true)
		}
	}
	c.session = b.loadSession(ctx, msg.UserID)
	now := b.now()
	if c.session.Flow != "" && !c.session.ExpiresAt.IsZero() && now.After(c.session.ExpiresAt) {
		title := c.session.Flow
		if f, ok := b.Router.flows[title]; ok {
			title = f.title
		}
		c.notices = append(c.notices, "您"+c.session.StartedAt.In(b.location()).Format("1月2日15:04")+
			"开始填写的「"+title+"」超过"+formatTTL(b.sessionTTL())+"未完成，已自动作废。")
		c.EndFlow()
	}

	outcome := OutcomeOK
	err := b.dispatch(c)
	if err != nil {
		b.renderError(c, err)
		outcome = OutcomeRefused
		if unionbot.ErrorCode(err) == unionbot.EINTERNAL {
			outcome = OutcomeError
		}
	}
	if c.dirty {
		c.session.UpdatedAt = now
		if err := b.saveSession(ctx, c.session); err != nil {
			b.logger().ErrorContext(ctx, "save session", "user", msg.UserID, "err", err)
			c.replies = []string{"系统繁忙，刚才的内容没有保存，请稍后再发一次。"}
			outcome = OutcomeError
		}
	}
	reply := b.page(c)
	obs.MessageHandled(msg.Channel, c.Route(), outcome)
	if l := b.logger(); l.Enabled(ctx, slog.LevelDebug) { // the arguments cost allocations on the hot path
		l.DebugContext(ctx, "message handled", "channel", msg.Channel, "msgid", msg.MsgID, "route", c.Route(),
			"outcome", outcome, "took", b.now().Sub(start))
	}
	return reply
}

func (b *Bot) dispatch(c *Context) error {
	msg := c.Msg
	if msg.Type == TypeEvent {
		switch msg.Event {
		case EventSubscribe, EventEnterAgent:
			c.route = "event:" + msg.Event
			if _, err := c.Member(); err != nil {
				return err
			}
			if b.Router.greeting != "" {
				c.Reply(b.Router.greeting)
			}
			return b.Router.Help(c)
		case EventClick:
			msg.Text = msg.EventKey
		case EventCard:
			return b.Router.card(c)
		default:
			c.route = "event"
			return nil // other events need no answer
		}
	}
	switch w := b.Router.fold(normalize(msg.Text)); {
	case w == "":
		c.route = "empty"
		return c.Reply("请发送文字消息，回复“帮助”查看我能做什么。")
	case helpWords[w]:
		if b.Router.inForm(c) {
			c.route = "帮助"
			c.Reply("您正在填写「" + b.Router.flows[c.session.Flow].title + "」，回复“取消”可退出，或直接继续填写。")
			return b.Router.Help(c)
		}
		if c.session.Flow != "" { // a question waiting for its answer: 帮助 leaves it
			c.EndFlow()
		}
	case moreWords[w]:
		c.route = "下一页"
		if len(c.session.More) > 0 {
			return nil // page() shows the next page
		}
		if c.session.Flow == "" {
			return c.Reply("没有更多内容了。")
		}
	}
	if len(c.session.More) > 0 {
		c.session.More = nil // a new question: forget the old pages
		c.dirty = true
	}
	return b.Router.dispatch(c)
}

// renderError turns a handler's error into the reply: the Chinese message of
// a *unionbot.Error, or the busy sentence for anything else (logged in full).
func (b *Bot) renderError(c *Context, err error) {
	if unionbot.ErrorCode(err) == unionbot.EINTERNAL {
		b.logger().ErrorContext(c.ctx, "handler failed", "command", c.Command, "flow", c.session.Flow, "user", c.Msg.UserID, "err", err)
	}
	c.replies = append(c.replies, unionbot.ErrorMessage(err))
}

func (b *Bot) loadSession(ctx context.Context, userID string) *Session {
	if p, ok := ctx.Value(preloadedKey{}).(*preloaded); ok && p.userID == userID && !p.used {
		p.used = true // read with the lock, for this first load only
		s := p.s
		if s == nil {
			s = &Session{UserID: userID}
		}
		p.wasLight = b.isLight(s)
		return s
	}
	if b.Sessions != nil {
		s, err := b.Sessions.LoadSession(ctx, userID)
		if err == nil {
			return s
		}
		if unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			b.logger().WarnContext(ctx, "load session; going on without it", "user", userID, "err", err)
		}
	}
	return &Session{UserID: userID}
}

// saveSession stores the teacher's session before the reply goes. A light
// one, when the teacher had no form before this message either, goes
// instead with the outcome, in the round trip that gives the lock back,
// where the store can do that (preloaded.carry).
func (b *Bot) saveSession(ctx context.Context, s *Session) error {
	if b.Sessions == nil {
		return nil
	}
	none := s.Flow == "" && len(s.More) == 0
	if p, ok := ctx.Value(preloadedKey{}).(*preloaded); ok && p.carry && p.userID == s.UserID {
		if p.wasLight && b.isLight(s) {
			p.light = &LightSession{UserID: s.UserID}
			if !none {
				kept := *s
				kept.Light = true
				p.light.Save = &kept
			}
			return nil
		}
		p.light = nil // stored now, below: nothing older may follow it
	}
	if none {
		err := b.Sessions.DeleteSession(ctx, s.UserID)
		if unionbot.ErrorCode(err) == unionbot.ENOTFOUND {
			return nil
		}
		return err
	}
	s.Light = b.isLight(s)
	return b.Sessions.SaveSession(ctx, s)
}

// isLight reports whether s holds no form (Session.Light).
func (b *Bot) isLight(s *Session) bool {
	return s.Flow == "" || (b.Router != nil && b.Router.isChoice(s.Flow))
}

// member returns the sender's record, creating it on first contact and then
// filling name and department from the address book in the background.
func (b *Bot) member(ctx context.Context, msg *Message) (*unionbot.Member, error) {
	if b.Members == nil {
		return &unionbot.Member{UserID: msg.UserID, Role: unionbot.RoleMember, Channel: msg.Channel}, nil
	}
	if _, ok := b.known.Load(msg.UserID); ok {
		if m, err := b.Members.FindMember(ctx, msg.UserID); err == nil {
			b.roles.Store(msg.UserID, roleSeen{m.Role, b.now()})
			return m, nil
		}
	}
	m, created, err := b.Members.EnsureMember(ctx, msg.UserID, msg.Channel)
	if err != nil {
		return nil, err
	}
	b.roles.Store(msg.UserID, roleSeen{m.Role, b.now()})
	if created && b.Directory != nil && msg.Channel == ChannelWeCom {
		b.wg.Add(1)
		go func() {
			defer b.wg.Done()
			b.fillFromDirectory(unionbot.RequestID(ctx), msg.UserID)
		}()
	}
	return m, nil
}

// slowDown is the rate limit's sentence, said once a minute: a teacher
// (or a script) still sending gets no answer at all until it ends.
func (b *Bot) slowDown(ctx context.Context, userID string) string {
	if b.Dedup != nil {
		if first, err := b.Dedup.Claim(ctx, "rate-told:"+userID, time.Minute); err == nil && !first {
			return ""
		}
	}
	return "您发送得太快了，请稍等一分钟再试。"
}

// resolveLink makes a linked follower's message the WeCom member's, with
// the follower kept in Via (for late replies, and to withhold admin rights).
func (b *Bot) resolveLink(ctx context.Context, msg *Message) {
	if b.Links == nil || msg.Via != "" || msg.linkChecked || !unionbot.IsWeChatUser(msg.UserID) {
		return
	}
	msg.linkChecked = true // run and Handle both ask: look once
	uid, err := b.Links.LinkedUser(ctx, msg.UserID)
	switch {
	case err == nil && uid != "":
		msg.Via, msg.UserID = msg.UserID, uid
	case err != nil && unionbot.ErrorCode(err) != unionbot.ENOTFOUND:
		b.logger().WarnContext(ctx, "find linked member; answering as the follower", "user", msg.UserID, "err", err)
	}
}

// RoleCacheTTL is how long IsAdmin trusts a member's role it has read.
const RoleCacheTTL = 10 * time.Second

type roleSeen struct {
	role string
	at   time.Time
}

func (b *Bot) cachedRole(userID string) (string, bool) {
	v, ok := b.roles.Load(userID)
	if !ok {
		return "", false
	}
	r := v.(roleSeen)
	if b.now().Sub(r.at) > RoleCacheTTL || b.now().Before(r.at) {
		return "", false
	}
	return r.role, true
}

func (b *Bot) fillFromDirectory(requestID, userID string) {
	ctx, cancel := context.WithTimeout(unionbot.WithRequestID(context.Background(), requestID), 10*time.Second)
	defer cancel()
	d, err := b.Directory.LookupMember(ctx, userID)
	if err != nil {
		b.logger().WarnContext(ctx, "address book lookup", "user", userID, "err", err)
		return
	}
	// Only the name and department: tags or a role set meanwhile stay.
	if err := b.Members.SetProfile(ctx, userID, d.Name, d.Department); err != nil {
		b.logger().WarnContext(ctx, "address book lookup: save member", "user", userID, "err", err)
	}
}

// Wait blocks until background work (late replies, address-book lookups)
// has finished; graceful shutdown calls it.
func (b *Bot) Wait() { b.wg.Wait() }

func formatTTL(d time.Duration) string {
	if d >= time.Hour && d%time.Hour == 0 {
		return strconv.Itoa(int(d/time.Hour)) + "小时"
	}
	return d.String()
}

func itoa(n int) string { return strconv.Itoa(n) }

// cleanText drops what no teacher types and no reply may carry: bytes that
// are not UTF-8 and control characters other than line breaks and tabs.
// (Found by FuzzRouter: the bot echoed them back.)
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "")
	return strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return -1
		}
		return r
	}, s)
}
