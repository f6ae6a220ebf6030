// Package config reads the bot's settings from environment variables and an
// optional YAML file (environment wins), fills defaults, and checks them so
// that a bad value stops start-up with one line naming the variable.
package config

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"
)

// Defaults.
const (
	DefaultAddr        = ":8080"
	DefaultDB          = "sqlite://unionbot.db"
	DefaultTZ          = "Asia/Shanghai"
	DefaultWeComAPI    = "https://qyapi.weixin.qq.com"
	DefaultReplyBudget = 3 * time.Second
	DefaultSessionTTL  = 24 * time.Hour
	// DefaultRemindBefore is how long before an event its confirmed
	// teachers are reminded.
	DefaultRemindBefore = 24 * time.Hour
	DefaultRateLimit    = 20 // messages per teacher per minute
	// DefaultDedupCap is how many messages' dedup marks and replies the
	// bot keeps in memory when it runs without Redis: far more than a
	// school's union sees in half an hour, about 40 MB at the longest
	// replies.
	DefaultDedupCap = 20000
	// DefaultMotionSeconders is how many colleagues must second a staff
	// congress motion (附议人) before it counts as submitted.
	DefaultMotionSeconders = 2
	// DefaultProposalDailyLimit caps a teacher's suggestions and motions a day.
	DefaultProposalDailyLimit = 10
	// DefaultAnnounceCron is 08:00 on the 1st of each month, in TZ.
	DefaultAnnounceCron = "0 8 1 * *"
)

// Config is every setting of the bot. The yaml tag is the key in the
// --config file; the comment names the environment variable (Load reads
// each by name), and whether Summary masks it.
type Config struct {
	Addr        string        `yaml:"addr"`         // UNIONBOT_ADDR
	DB          string        `yaml:"db"`           // UNIONBOT_DB
	Redis       string        `yaml:"redis"`        // UNIONBOT_REDIS
	AdminToken  string        `yaml:"admin_token"`  // UNIONBOT_ADMIN_TOKEN, secret
	Admins      []string      `yaml:"admins"`       // UNIONBOT_ADMINS
	TZ          string        `yaml:"tz"`           // UNIONBOT_TZ
	ReplyBudget time.Duration `yaml:"reply_budget"` // UNIONBOT_REPLY_BUDGET
	SessionTTL  time.Duration `yaml:"session_ttl"`  // UNIONBOT_SESSION_TTL
	// RemindBefore is the lead of the reminder sent to confirmed teachers.
	RemindBefore time.Duration `yaml:"remind_before"` // UNIONBOT_REMIND_BEFORE
	RateLimit    int           `yaml:"rate_limit"`    // UNIONBOT_RATE_LIMIT
	// DedupCap caps the in-process dedup store (without Redis); 0: no cap.
	DedupCap int `yaml:"dedup_cap"` // UNIONBOT_DEDUP_CAP
	// PprofAddr, when set, serves Go's profiles (net/http/pprof) on this
	// address, apart from the bot's own: keep it on loopback.
	PprofAddr string `yaml:"pprof_addr"` // UNIONBOT_PPROF_ADDR
	// MotionSeconders is the number of 附议人 a motion needs.
	MotionSeconders int `yaml:"motion_seconders"` // UNIONBOT_MOTION_SECONDERS
	// ProposalDailyLimit caps each teacher's submissions a day.
	ProposalDailyLimit int    `yaml:"proposal_daily_limit"` // UNIONBOT_PROPOSAL_DAILY_LIMIT
	LogLevel           string `yaml:"log_level"`            // UNIONBOT_LOG_LEVEL
	// LogFormat is text (the default, for people) or json (one object a
	// line, for a log collector).
	LogFormat string `yaml:"log_format"` // UNIONBOT_LOG_FORMAT
	// MetricsAddr, when set, serves /metrics on a listener of its own
	// without the admin token (e.g. 127.0.0.1:9090, reachable by
	// Prometheus only); empty: /metrics is on Addr behind the token.
	MetricsAddr string `yaml:"metrics_addr"` // UNIONBOT_METRICS_ADDR
	// PublicURL is the bot's address as teachers' browsers reach it (e.g.
	// https://union.example.edu.cn); the ballot result notice links the
	// published list under it. Empty: the notice names no link.
	PublicURL string `yaml:"public_url"` // UNIONBOT_PUBLIC_URL

	WeComCorpID   string `yaml:"wecom_corp_id"`          // WECOM_CORP_ID
	WeComAgentID  string `yaml:"wecom_agent_id"`         // WECOM_AGENT_ID
	WeComSecret   string `yaml:"wecom_secret"`           // WECOM_SECRET, secret
	WeComToken    string `yaml:"wecom_token"`            // WECOM_TOKEN, secret
	WeComAESKey   string `yaml:"wecom_encoding_aes_key"` // WECOM_ENCODING_AES_KEY, secret
	WeComAPIBase  string `yaml:"wecom_api_base"`         // WECOM_API_BASE
	WeComRobotKey string `yaml:"wecom_robot_key"`        // WECOM_ROBOT_KEY, secret

	WeChatAppID     string `yaml:"wechat_app_id"`           // WECHAT_APP_ID
	WeChatAppSecret string `yaml:"wechat_app_secret"`       // WECHAT_APP_SECRET, secret
	WeChatToken     string `yaml:"wechat_token"`            // WECHAT_TOKEN, secret
	WeChatAESKey    string `yaml:"wechat_encoding_aes_key"` // WECHAT_ENCODING_AES_KEY, secret

	// The monthly announcement: when (cron, in TZ), to which WeCom
	// departments ("|"-separated ids; empty = @all), and whether Official
	// Account followers get it too.
	AnnounceCron    string `yaml:"announce_cron"`    // UNIONBOT_ANNOUNCE_CRON
	AnnounceParties string `yaml:"announce_parties"` // UNIONBOT_ANNOUNCE_PARTIES
	AnnounceWeChat  bool   `yaml:"announce_wechat"`  // UNIONBOT_ANNOUNCE_WECHAT
	// AnnounceFormat is how the WeCom app sends the announcement and
	// broadcasts: text (the default, readable everywhere, 微工作台 too) or
	// card (text_notice cards, plus 报名 buttons for the open events).
	AnnounceFormat string `yaml:"announce_format"` // UNIONBOT_ANNOUNCE_FORMAT
	// AnnounceURL is the page a text_notice card opens when tapped (WeCom
	// requires one); UNIONBOT_PUBLIC_URL when empty.
	AnnounceURL string `yaml:"announce_url"` // UNIONBOT_ANNOUNCE_URL

	// Cards is on (the default) or off: whether WeCom members get template
	// cards (活动, team invitations, 附议, the satisfaction vote). The typed
	// commands work either way.
	Cards string `yaml:"cards"` // UNIONBOT_CARDS

	// WeCom's quotas the outbox paces to; 0 takes WeCom's documented
	// value (30 and 1,000 a member, 10,000 calls a minute). The daily
	// quota is the corp's account cap × 200 person-times unless set.
	WeComAccountCap      int `yaml:"wecom_account_cap"`       // WECOM_ACCOUNT_CAP (default 200)
	WeComDailyQuota      int `yaml:"wecom_daily_quota"`       // WECOM_DAILY_QUOTA
	WeComMemberPerMinute int `yaml:"wecom_member_per_minute"` // WECOM_MEMBER_PER_MINUTE
	WeComMemberPerHour   int `yaml:"wecom_member_per_hour"`   // WECOM_MEMBER_PER_HOUR
	WeComAPIPerMinute    int `yaml:"wecom_api_per_minute"`    // WECOM_API_PER_MINUTE
	// WeComBulkQuiet is how long before and after :00 and :30 a bulk send
	// waits (default 30s); "off" (env) or a negative duration turns it off.
	WeComBulkQuiet time.Duration `yaml:"wecom_bulk_quiet"` // WECOM_BULK_QUIET

	// Location is TZ loaded; set by Validate.
	Location *time.Location `yaml:"-"`
}

// yamlProblem words a YAML decoding error in Chinese, naming the line and
// the key: "line 3: field wecom_secrt not found" becomes 第 3 行：没有
// “wecom_secrt”这个设置项.
func yamlProblem(err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return "YAML 格式有误：" + err.Error()
	}
	var out []string
	for _, m := range te.Errors {
		line, rest, _ := strings.Cut(m, ": ")
		line = strings.TrimPrefix(line, "line ")
		switch {
		case strings.HasPrefix(rest, "field ") && strings.HasSuffix(rest, " not found in type config.Config"):
			key := strings.TrimSuffix(strings.TrimPrefix(rest, "field "), " not found in type config.Config")
			out = append(out, fmt.Sprintf("第 %s 行：没有“%s”这个设置项（拼写对吗？设置项见 README 的 Configuration）", line, key))
		case strings.HasPrefix(rest, "cannot unmarshal "):
			out = append(out, fmt.Sprintf("第 %s 行：值的类型不对（%s）", line, rest))
		default:
			out = append(out, m)
		}
	}
	return strings.Join(out, "；")
}

// Load reads the optional YAML file at path (none when empty), then the
// environment through getenv, fills defaults and validates the result.
func Load(path string, getenv func(string) string) (*Config, error) {
	// Set before the file and the environment, where 0 turns the limit off.
	c := &Config{RateLimit: DefaultRateLimit, DedupCap: DefaultDedupCap}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("--config: %w", err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true) // a misspelt key is an error, not silently ignored
		if err := dec.Decode(c); err != nil && !errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("--config %s: %s", path, yamlProblem(err))
		}
	}
	if err := c.readEnv(getenv); err != nil {
		return nil, err
	}
	c.fillDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Config) readEnv(getenv func(string) string) error {
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = strings.TrimSpace(v)
		}
	}
	str("UNIONBOT_ADDR", &c.Addr)
	str("UNIONBOT_DB", &c.DB)
	str("UNIONBOT_REDIS", &c.Redis)
	str("UNIONBOT_ADMIN_TOKEN", &c.AdminToken)
	str("UNIONBOT_TZ", &c.TZ)
	str("UNIONBOT_LOG_LEVEL", &c.LogLevel)
	str("UNIONBOT_LOG_FORMAT", &c.LogFormat)
	str("UNIONBOT_METRICS_ADDR", &c.MetricsAddr)
	str("UNIONBOT_PPROF_ADDR", &c.PprofAddr)
	if v := getenv("UNIONBOT_ADMINS"); v != "" {
		c.Admins = splitList(v)
	}
	for name, dst := range map[string]*time.Duration{
		"UNIONBOT_REPLY_BUDGET":  &c.ReplyBudget,
		"UNIONBOT_SESSION_TTL":   &c.SessionTTL,
		"UNIONBOT_REMIND_BEFORE": &c.RemindBefore,
	} {
		if v := getenv(name); v != "" {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return fmt.Errorf("%s: %q is not a positive duration such as 3s or 24h", name, v)
			}
			*dst = d
		}
	}
	if v := getenv("UNIONBOT_RATE_LIMIT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("UNIONBOT_RATE_LIMIT: %q is not a whole number of messages per minute (0 turns the limit off)", v)
		}
		c.RateLimit = n
	}
	if v := getenv("UNIONBOT_DEDUP_CAP"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("UNIONBOT_DEDUP_CAP: %q is not a whole number of messages (0 turns the cap off)", v)
		}
		c.DedupCap = n
	}
	for name, dst := range map[string]*int{
		"UNIONBOT_MOTION_SECONDERS":     &c.MotionSeconders,
		"UNIONBOT_PROPOSAL_DAILY_LIMIT": &c.ProposalDailyLimit,
	} {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 50 {
				return fmt.Errorf("%s: %q is not a whole number from 1 to 50", name, v)
			}
			*dst = n
		}
	}
	if err := c.readQuotaEnv(getenv); err != nil {
		return err
	}
	str("WECOM_CORP_ID", &c.WeComCorpID)
	str("WECOM_AGENT_ID", &c.WeComAgentID)
	str("WECOM_SECRET", &c.WeComSecret)
	str("WECOM_TOKEN", &c.WeComToken)
	str("WECOM_ENCODING_AES_KEY", &c.WeComAESKey)
	str("WECOM_API_BASE", &c.WeComAPIBase)
	str("WECOM_ROBOT_KEY", &c.WeComRobotKey)
	str("WECHAT_APP_ID", &c.WeChatAppID)
	str("WECHAT_APP_SECRET", &c.WeChatAppSecret)
	str("WECHAT_TOKEN", &c.WeChatToken)
	str("WECHAT_ENCODING_AES_KEY", &c.WeChatAESKey)
	str("UNIONBOT_ANNOUNCE_CRON", &c.AnnounceCron)
	str("UNIONBOT_ANNOUNCE_PARTIES", &c.AnnounceParties)
	str("UNIONBOT_PUBLIC_URL", &c.PublicURL)
	str("UNIONBOT_ANNOUNCE_FORMAT", &c.AnnounceFormat)
	str("UNIONBOT_ANNOUNCE_URL", &c.AnnounceURL)
	str("UNIONBOT_CARDS", &c.Cards)
	if v := getenv("UNIONBOT_ANNOUNCE_WECHAT"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("UNIONBOT_ANNOUNCE_WECHAT: %q is not true or false", v)
		}
		c.AnnounceWeChat = b
	}
	return nil
}

func (c *Config) fillDefaults() {
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.DB == "" {
		c.DB = DefaultDB
	}
	if c.TZ == "" {
		c.TZ = DefaultTZ
	}
	if c.WeComAPIBase == "" {
		c.WeComAPIBase = DefaultWeComAPI
	}
	if c.ReplyBudget == 0 {
		c.ReplyBudget = DefaultReplyBudget
	}
	if c.SessionTTL == 0 {
		c.SessionTTL = DefaultSessionTTL
	}
	if c.RemindBefore == 0 {
		c.RemindBefore = DefaultRemindBefore
	}
	if c.MotionSeconders == 0 {
		c.MotionSeconders = DefaultMotionSeconders
	}
	if c.ProposalDailyLimit == 0 {
		c.ProposalDailyLimit = DefaultProposalDailyLimit
	}
	if c.LogLevel == "" {
		c.LogLevel = "info"
	}
	if c.LogFormat == "" {
		c.LogFormat = "text"
	}
	if c.AnnounceCron == "" {
		c.AnnounceCron = DefaultAnnounceCron
	}
}

// Validate checks every value; the error names the variable and what is wrong.
func (c *Config) Validate() error {
	loc, err := time.LoadLocation(c.TZ)
	if err != nil {
		return fmt.Errorf("UNIONBOT_TZ: unknown time zone %q (use a name such as Asia/Shanghai)", c.TZ)
	}
	c.Location = loc
	if err := c.validateCards(); err != nil {
		return err
	}
	if _, _, err := ParseDB(c.DB); err != nil {
		return fmt.Errorf("UNIONBOT_DB: %w", err)
	}
	if c.Redis != "" {
		if _, err := ParseRedis(c.Redis); err != nil {
			return err
		}
	}
	if c.PublicURL != "" {
		if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("UNIONBOT_PUBLIC_URL: %q is not an http(s) URL such as https://union.example.edu.cn", c.PublicURL)
		}
	}
	if u, err := url.Parse(c.WeComAPIBase); err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("WECOM_API_BASE: %q is not an http(s) URL", c.WeComAPIBase)
	}
	for name, key := range map[string]string{"WECOM_ENCODING_AES_KEY": c.WeComAESKey, "WECHAT_ENCODING_AES_KEY": c.WeChatAESKey} {
		if key == "" {
			continue
		}
		if len(key) != 43 {
			return fmt.Errorf("%s: must be 43 characters, got %d", name, len(key))
		}
		if b, err := base64.StdEncoding.DecodeString(key + "="); err != nil || len(b) != 32 {
			return fmt.Errorf("%s: is not the base64 of a 32-byte key", name)
		}
	}
	if c.WeComAgentID != "" {
		if _, err := strconv.Atoi(c.WeComAgentID); err != nil {
			return fmt.Errorf("WECOM_AGENT_ID: %q is not a number", c.WeComAgentID)
		}
	}
	if c.RateLimit < 0 {
		return fmt.Errorf("UNIONBOT_RATE_LIMIT: must not be negative")
	}
	if c.DedupCap < 0 {
		return fmt.Errorf("UNIONBOT_DEDUP_CAP: must not be negative")
	}
	if err := c.validateQuotas(); err != nil {
		return err
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("UNIONBOT_LOG_LEVEL: %q is not one of debug, info, warn, error", c.LogLevel)
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("UNIONBOT_LOG_FORMAT: %q is not text or json", c.LogFormat)
	}
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			return fmt.Errorf("UNIONBOT_METRICS_ADDR: %q is not host:port such as 127.0.0.1:9090", c.MetricsAddr)
		}
	}
	return nil
}

// WeComEnabled reports whether the WeCom callback can run: it needs the corp
// id, the callback token and the AES key.
func (c *Config) WeComEnabled() bool {
	return c.WeComCorpID != "" && c.WeComToken != "" && c.WeComAESKey != ""
}

// WeComAPIEnabled reports whether the bot can call the WeCom API (send
// messages, read the address book).
func (c *Config) WeComAPIEnabled() bool {
	return c.WeComCorpID != "" && c.WeComSecret != "" && c.WeComAgentID != ""
}

// WeChatEnabled reports whether the Official Account callback can run.
func (c *Config) WeChatEnabled() bool {
	return c.WeChatAppID != "" && c.WeChatToken != ""
}

// IsAdmin reports whether userID is listed in UNIONBOT_ADMINS.
func (c *Config) IsAdmin(userID string) bool {
	for _, a := range c.Admins {
		if a == userID {
			return true
		}
	}
	return false
}
