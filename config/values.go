package config

import (
	"fmt"
	"sort"
	"strings"
)

// ParseDB splits a UNIONBOT_DB value into a driver ("sqlite" or "mysql") and
// the DSN that driver takes.
func ParseDB(s string) (driver, dsn string, err error) {
	switch {
	case strings.HasPrefix(s, "sqlite://"):
		dsn = strings.TrimPrefix(s, "sqlite://")
		if dsn == "" {
			return "", "", fmt.Errorf("%q names no file (use sqlite://unionbot.db)", s)
		}
		return "sqlite", dsn, nil
	case strings.HasPrefix(s, "mysql://"):
		dsn = strings.TrimPrefix(s, "mysql://")
		// user:pass@tcp(host:port)/db?params
		at := strings.LastIndex(dsn, "@")
		slash := strings.Index(dsn[at+1:], "/")
		if at < 0 || slash < 0 || !strings.Contains(dsn[at+1:at+1+slash], "(") {
			return "", "", fmt.Errorf("%q is not of the form mysql://user:pass@tcp(host:3306)/db?charset=utf8mb4&parseTime=true&loc=Local", redactDSN(s))
		}
		return "mysql", dsn, nil
	default:
		return "", "", fmt.Errorf("%q: unknown scheme (use sqlite://FILE or mysql://user:pass@tcp(host:3306)/db?...)", redactDSN(s))
	}
}

// redactDSN hides the password in a DSN.
func redactDSN(s string) string {
	at := strings.LastIndex(s, "@")
	scheme := strings.Index(s, "://")
	if at < 0 || scheme < 0 || scheme+3 > at {
		return s
	}
	cred := s[scheme+3 : at]
	if i := strings.Index(cred, ":"); i >= 0 {
		cred = cred[:i] + ":***"
	}
	return s[:scheme+3] + cred + s[at:]
}

// Summary lists the settings for the start-up log with secrets masked, and
// which values are defaults.
func (c *Config) Summary(getenv func(string) string) []any {
	out := []any{
		"addr", c.Addr, "db", redactDSN(c.DB), "redis", redactRedis(orNone(c.Redis)), "tz", c.TZ,
		"admins", strings.Join(c.Admins, ","), "admin_api", onOff(c.AdminToken != ""),
		"wecom_callback", onOff(c.WeComEnabled()), "wecom_api", onOff(c.WeComAPIEnabled()),
		"wecom_api_base", c.WeComAPIBase, "wechat", onOff(c.WeChatEnabled()),
		"reply_budget", c.ReplyBudget.String(), "rate_limit", c.RateLimit,
		"metrics", metricsWhere(c.MetricsAddr), "log_format", c.LogFormat,
		"announce_cron", c.AnnounceCron, "announce_to", orAll(c.AnnounceParties),
		"announce_format", c.AnnounceFormat, "cards", c.Cards,
		"wecom_daily_quota", orDefault(c.WeComDailyQuota), "wecom_account_cap", orDefault(c.WeComAccountCap),
	}
	var defaults []string
	for name, def := range map[string]bool{
		"UNIONBOT_ADDR": true, "UNIONBOT_DB": true, "UNIONBOT_TZ": true, "WECOM_API_BASE": true,
		"UNIONBOT_REPLY_BUDGET": true, "UNIONBOT_RATE_LIMIT": true, "UNIONBOT_ANNOUNCE_CRON": true,
		"UNIONBOT_CARDS": true, "UNIONBOT_ANNOUNCE_FORMAT": true,
	} {
		if def && getenv(name) == "" {
			defaults = append(defaults, name)
		}
	}
	sort.Strings(defaults)
	return append(out, "defaults", strings.Join(defaults, ","))
}

func orDefault(n int) any {
	if n == 0 {
		return "default"
	}
	return n
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func orAll(parties string) string {
	if parties == "" {
		return "@all"
	}
	return "departments " + parties
}

func orNone(s string) string {
	if s == "" {
		return "(in-process)"
	}
	return s
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == ' ' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// metricsWhere says where /metrics is served, for the start-up log.
func metricsWhere(addr string) string {
	if addr == "" {
		return "/metrics on addr, admin token"
	}
	return "/metrics on " + addr
}
