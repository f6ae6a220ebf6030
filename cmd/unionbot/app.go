package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"unionbot"
	"unionbot/bot"
	"unionbot/bot/wechat"
	"unionbot/bot/wecom"
	"unionbot/config"
	"unionbot/handlers/announce"
	"unionbot/handlers/audit"
	"unionbot/metrics"
	"unionbot/storage"
	"unionbot/web"
)

// Main is the whole program, wired. Tests start it on a temporary database
// and port 0 and talk to it as WeCom would.
type Main struct {
	env    *env
	Config *config.Config
	Logger *slog.Logger
	// Now is the clock of the bot, the stores and the scheduler.
	Now func() time.Time
	// Quiet skips the start-up banner (chat, plan, faq, migrate).
	Quiet bool
	// Listening, when set, runs once the address is known and before the
	// first request (tests point UNIONBOT_PUBLIC_URL's stand-in at it).
	Listening func(*Main)

	DB        *storage.DB
	Redis     *storage.Redis
	Memory    *storage.Memory
	Bot       *bot.Bot
	Router    *bot.Router
	Outbox    *bot.OutboxWorker
	Scheduler *bot.Scheduler
	WeCom     *wecom.Client
	Web       *web.Server
	Announce  *announce.Service
	Audit     *audit.Service
	// Metrics is the Prometheus registry and the bot's series.
	Metrics *metrics.Metrics

	ln     net.Listener
	server *http.Server
	// metricsLn and metricsServer serve UNIONBOT_METRICS_ADDR, when set.
	metricsLn     net.Listener
	metricsServer *http.Server
	pprof         *http.Server // UNIONBOT_PPROF_ADDR
	cancel        context.CancelFunc
	wg            sync.WaitGroup
}

// NewMain returns an unopened program.
func NewMain(e *env) *Main { return &Main{env: e, Now: time.Now} }

// Open loads the configuration, connects and migrates the stores and wires
// the bot. It does not listen; Start does.
func (m *Main) Open(ctx context.Context, cfgPath string) error {
	cfg, err := config.Load(cfgPath, m.env.getenv)
	if err != nil {
		return err
	}
	m.Config = cfg
	m.Logger = newLogger(m.env.stderr, cfg.LogLevel, cfg.LogFormat)
	if !m.Quiet {
		m.Logger.Info("starting", cfg.Summary(m.env.getenv)...)
	}

	if m.DB, err = storage.Open(ctx, cfg.DB); err != nil {
		return fmt.Errorf("UNIONBOT_DB: %w", err)
	}
	m.DB.Now = m.Now
	if err := m.DB.Migrate(ctx); err != nil {
		return err
	}

	var (
		sessions bot.SessionStore = m.DB
		dedup    bot.Deduper
		locker   bot.Locker
		limiter  bot.RateLimiter
		tokens   tokenCache
		guard    bot.ReplayGuard = m.DB
		// userLocks orders a teacher's messages across replicas; without
		// Redis the bot runs as one process, whose own queue orders them.
		userLocks bot.Locker
	)
	if cfg.Redis != "" {
		if m.Redis, err = storage.OpenRedis(ctx, cfg.Redis, "unionbot:"); err != nil {
			return err
		}
		sessions, dedup, locker, limiter, tokens, guard = m.Redis, m.Redis, m.Redis, m.Redis, m.Redis, m.Redis
		userLocks = m.Redis
	} else {
		m.Memory = storage.NewMemory()
		m.Memory.DedupCap = cfg.DedupCap
		m.DB.CacheSessions()           // one process: sessions read from memory, written through
		if m.DB.Driver() == "sqlite" { // SQLite is one process's: replay sightings in memory, written in batches
			if err := m.DB.CacheReplays(ctx, 0, m.Logger); err != nil {
				return err
			}
		}
		dedup, locker, limiter, tokens = m.Memory, m.Memory, m.Memory, m.Memory
	}

	if err := wecom.InstallHTTPClient(cfg.WeComAPIBase, 10*time.Second); err != nil {
		return err
	}
	sender := &wecom.Sender{CLI: cliSender{e: m.env}}
	var directory unionbot.MemberDirectory
	if cfg.WeComAPIEnabled() {
		agent, _ := strconv.Atoi(cfg.WeComAgentID)
		m.WeCom = wecom.NewClient(cfg.WeComCorpID, cfg.WeComSecret, agent, cfg.WeComRobotKey, tokens)
		m.WeCom.Logger, m.WeCom.Now, m.WeCom.Cards = m.Logger, m.Now, cfg.CardsOn()
		sender.WeCom, directory = m.WeCom, m.WeCom
		if cfg.WeComAPIBase != config.DefaultWeComAPI { // a fake WeCom also plays the OAuth page
			m.WeCom.AuthorizeBase = cfg.WeComAPIBase
		}
	}

	m.Router = bot.NewRouter()
	m.Bot = &bot.Bot{
		Router: m.Router, Sessions: sessions, Dedup: dedup, Members: m.DB, Directory: directory,
		Outbox: m.DB, Limiter: limiter, RateLimit: cfg.RateLimit, IsAdmin: cfg.IsAdmin, Logger: m.Logger, UserLocks: userLocks,
		Now: m.Now, Location: cfg.Location, SessionTTL: cfg.SessionTTL, ReplyBudget: cfg.ReplyBudget,
		Cards: cfg.CardsOn() && cfg.WeComAPIEnabled(), // cards go out through the WeCom API
	}
	m.Scheduler = &bot.Scheduler{Locker: locker, Logger: m.Logger, Location: cfg.Location, Now: m.Now}
	hostname, _ := os.Hostname()
	m.Outbox = &bot.OutboxWorker{Outbox: m.DB, Sender: sender, Worker: workerName(hostname),
		Logger: m.Logger, Now: m.Now, Admins: cfg.Admins, Pace: m.DB, Limits: paceLimits(cfg)}

	m.Web = &web.Server{AdminToken: cfg.AdminToken, Logger: m.Logger, Now: m.Now, Location: cfg.Location, Members: m.DB, Outbox: m.DB,
		Callbacks: map[string]http.Handler{}, AdminUser: cfg.IsAdmin, PublicURL: cfg.PublicURL, Sessions: m.DB}
	if m.WeCom != nil {
		m.Web.WeComAuth, m.Web.Directory = m.WeCom, m.WeCom
	}
	if !cfg.WeComAPIEnabled() {
		m.Web.Warnings = append(m.Web.Warnings, "企业微信未配置（WECOM_CORP_ID、WECOM_AGENT_ID、WECOM_SECRET）：月度公告、候补转正和建议进度等通知都发不出去，“发送本月公告”会被拒绝。")
	}
	if len(cfg.Admins) == 0 {
		m.Web.Warnings = append(m.Web.Warnings, "没有设置工会管理员（UNIONBOT_ADMINS，填管理员的企业微信账号，用逗号分隔）：老师不能“转人工”，也没有人能在聊天里使用管理命令。")
	}
	m.wireOps()
	if cfg.WeComEnabled() {
		cb, err := wecom.NewCallback(cfg.WeComToken, cfg.WeComAESKey, cfg.WeComCorpID, m.Bot)
		if err != nil {
			return err
		}
		cb.Logger, cb.Now, cb.Guard = m.Logger, m.Now, guard
		m.Web.Callbacks["/wecom/callback"] = cb
	} else {
		m.Logger.Info("WeCom channel is off: set WECOM_CORP_ID, WECOM_TOKEN and WECOM_ENCODING_AES_KEY to turn it on; `unionbot chat` works without it")
	}
	if cfg.WeChatEnabled() {
		oa, err := wechat.NewCallback(cfg.WeChatToken, cfg.WeChatAppID, cfg.WeChatAESKey, m.Bot)
		if err != nil {
			return err
		}
		oa.Logger, oa.Now, oa.Guard = m.Logger, m.Now, guard
		if !oa.Encrypted() {
			m.Logger.Warn("Official Account callback in PLAIN mode: WECHAT_ENCODING_AES_KEY is not set, so messages are not encrypted " +
				"and their signature does not cover the body; choose 安全模式 in the account's 服务器配置 and set the key")
		}
		m.Web.Callbacks["/wechat/callback"] = oa
		if cfg.WeChatAppSecret != "" {
			sender.WeChat = &wechat.Client{AppID: cfg.WeChatAppID, Secret: cfg.WeChatAppSecret, Cache: tokens, Logger: m.Logger}
		} else {
			m.Logger.Warn("WECHAT_APP_SECRET is not set: notices to Official Account followers cannot be sent")
		}
	}
	return m.wire(ctx)
}

// workerName names this replica's outbox worker for the sender lease:
// host, process and a random part, so two programs in one process (tests)
// are two holders too.
func workerName(hostname string) string {
	var b [4]byte
	rand.Read(b[:])
	return hostname + "-" + strconv.Itoa(os.Getpid()) + "-" + hex.EncodeToString(b[:])
}

// paceLimits are WeCom's quotas as configured; the daily quota defaults
// to the account cap × 200 person-times.
func paceLimits(cfg *config.Config) bot.PaceLimits {
	l := bot.PaceLimits{MemberPerMinute: cfg.WeComMemberPerMinute, MemberPerHour: cfg.WeComMemberPerHour,
		DailyQuota: cfg.WeComDailyQuota, APIPerMinute: cfg.WeComAPIPerMinute, QuietWindow: cfg.WeComBulkQuiet,
		Location: cfg.Location}
	if l.DailyQuota == 0 && cfg.WeComAccountCap > 0 {
		l.DailyQuota = cfg.WeComAccountCap * bot.QuotaPerAccount
	}
	return l
}

// tokenCache is the silenceper/wechat cache.Cache the stores provide.
type tokenCache interface {
	Get(key string) any
	Set(key string, val any, timeout time.Duration) error
	IsExist(key string) bool
	Delete(key string) error
}

// Start listens on UNIONBOT_ADDR and starts the outbox worker and the
// scheduler.
func (m *Main) Start(ctx context.Context) error {
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		return fmt.Errorf("UNIONBOT_ADDR: %w", err)
	}
	m.ln = ln
	if err := m.startMetrics(); err != nil {
		ln.Close()
		return err
	}
	if m.Listening != nil {
		m.Listening(m)
	}
	m.server = &http.Server{Handler: m.Web.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
	if err := m.servePprof(); err != nil {
		return err
	}
	bg, cancel := context.WithCancel(context.WithoutCancel(ctx))
	m.cancel = cancel
	m.wg.Add(2)
	go func() {
		defer m.wg.Done()
		if err := m.server.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("http server", "err", err)
		}
	}()
	go func() {
		defer m.wg.Done()
		m.Outbox.Run(bg)
	}()
	return m.Scheduler.Start(bg)
}

// Addr is the listening address, once started.
func (m *Main) Addr() string {
	if m.ln == nil {
		return ""
	}
	return m.ln.Addr().String()
}

// URL is the base URL of the started server.
func (m *Main) URL() string { return "http://" + m.Addr() }

// Close shuts down gracefully: no new requests, in-flight messages finish
// (late replies are queued), then the worker and the stores close.
func (m *Main) Close() error {
	if m.server != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		m.server.Shutdown(ctx)
		if m.pprof != nil {
			m.pprof.Shutdown(ctx)
		}
		cancel()
	}
	if m.metricsServer != nil {
		m.metricsServer.Close()
	}
	if m.Bot != nil {
		m.Bot.Wait()
	}
	if m.Scheduler != nil {
		m.Scheduler.Stop()
	}
	if m.cancel != nil {
		m.cancel()
	}
	m.wg.Wait()
	if m.Redis != nil {
		m.Redis.Close()
	}
	if m.DB != nil {
		return m.DB.Close()
	}
	return nil
}

// cliSender prints notices for the terminal chat: the chat user's own as
// 【通知】, anyone else's with the recipients named.
type cliSender struct {
	e    *env
	self string
}

func (s cliSender) Send(_ context.Context, n *unionbot.Notice) error {
	if strings.TrimSpace(n.Text) == "" {
		return nil // a card with no words of its own (the satisfaction vote): the terminal shows no cards
	}
	to := strings.Join(n.ToUsers, "、")
	if to == "" || to == s.self || s.self == "" {
		fmt.Fprintf(s.e.stdout, "\n【通知】%s\n", n.Text)
		return nil
	}
	fmt.Fprintf(s.e.stdout, "\n【发给 %s 的通知】%s\n", to, n.Text)
	return nil
}

// cliActor is who runs a subcommand, for the audit log: by when given,
// else the login name ($USER), else "cli".
func cliActor(ctx context.Context, e *env, by string) context.Context {
	if by == "" {
		by = e.getenv("USER")
	}
	if by == "" {
		by = "cli"
	}
	return unionbot.WithActor(ctx, unionbot.Actor{ID: by, Channel: unionbot.FromCLI})
}
