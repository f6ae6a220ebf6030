package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaults(t *testing.T) {
	c, err := Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":8080" || c.DB != "sqlite://unionbot.db" || c.TZ != "Asia/Shanghai" || c.WeComAPIBase != DefaultWeComAPI {
		t.Fatalf("defaults = %+v", c)
	}
	if c.ReplyBudget != 3*time.Second {
		t.Fatalf("ReplyBudget = %v, want 3s", c.ReplyBudget)
	}
	if c.RemindBefore != 24*time.Hour {
		t.Fatalf("RemindBefore = %v, want 24h", c.RemindBefore)
	}
	if c.WeComEnabled() {
		t.Fatal("WeComEnabled with no settings")
	}
	if c.RateLimit != 20 || c.MotionSeconders != 2 || c.ProposalDailyLimit != 10 {
		t.Fatalf("RateLimit, MotionSeconders, ProposalDailyLimit = %d, %d, %d; want 20, 2, 10", c.RateLimit, c.MotionSeconders, c.ProposalDailyLimit)
	}
}

// TestRateLimitOff: UNIONBOT_RATE_LIMIT=0 turns the limit off, as its
// error message promises, rather than falling back to the default.
func TestRateLimitOff(t *testing.T) {
	c, err := Load("", env(map[string]string{"UNIONBOT_RATE_LIMIT": "0", "UNIONBOT_MOTION_SECONDERS": "3", "UNIONBOT_DEDUP_CAP": "0"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.RateLimit != 0 || c.MotionSeconders != 3 || c.DedupCap != 0 {
		t.Fatalf("RateLimit = %d, MotionSeconders = %d, DedupCap = %d; want 0, 3, 0", c.RateLimit, c.MotionSeconders, c.DedupCap)
	}
	if c, err := Load("", env(nil)); err != nil || c.DedupCap != DefaultDedupCap {
		t.Fatalf("DedupCap by default = %v, %v; want %d", c, err, DefaultDedupCap)
	}
	if _, err := Load("", env(map[string]string{"UNIONBOT_DEDUP_CAP": "-1"})); err == nil || !strings.Contains(err.Error(), "UNIONBOT_DEDUP_CAP") {
		t.Fatalf("UNIONBOT_DEDUP_CAP=-1: %v", err)
	}
	if _, err := Load("", env(map[string]string{"UNIONBOT_MOTION_SECONDERS": "0"})); err == nil || !strings.Contains(err.Error(), "UNIONBOT_MOTION_SECONDERS") {
		t.Fatalf("UNIONBOT_MOTION_SECONDERS=0: %v", err)
	}
}

func TestLoadBadValues(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"UNIONBOT_DB": "postgres://x"}, "UNIONBOT_DB"},
		{map[string]string{"UNIONBOT_DB": "mysql://root@localhost"}, "UNIONBOT_DB"},
		{map[string]string{"UNIONBOT_TZ": "Mars/Olympus"}, "UNIONBOT_TZ"},
		{map[string]string{"WECOM_ENCODING_AES_KEY": "short"}, "WECOM_ENCODING_AES_KEY: must be 43 characters"},
		{map[string]string{"WECHAT_ENCODING_AES_KEY": strings.Repeat("!", 43)}, "WECHAT_ENCODING_AES_KEY"},
		{map[string]string{"UNIONBOT_REDIS": "localhost:6379"}, "UNIONBOT_REDIS"},
		{map[string]string{"UNIONBOT_REPLY_BUDGET": "soon"}, "UNIONBOT_REPLY_BUDGET"},
		{map[string]string{"UNIONBOT_REMIND_BEFORE": "-2h"}, "UNIONBOT_REMIND_BEFORE"},
		{map[string]string{"WECOM_AGENT_ID": "abc"}, "WECOM_AGENT_ID"},
		{map[string]string{"WECOM_DAILY_QUOTA": "lots"}, "WECOM_DAILY_QUOTA"},
		{map[string]string{"WECOM_MEMBER_PER_MINUTE": "0"}, "WECOM_MEMBER_PER_MINUTE"},
		{map[string]string{"WECOM_BULK_QUIET": "soon"}, "WECOM_BULK_QUIET"},
		{map[string]string{"UNIONBOT_LOG_FORMAT": "xml"}, "UNIONBOT_LOG_FORMAT"},
		{map[string]string{"UNIONBOT_METRICS_ADDR": "9090"}, "UNIONBOT_METRICS_ADDR"},
	} {
		_, err := Load("", env(tc.env))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("Load(%v) error = %v, want prefix %q", tc.env, err, tc.want)
		}
	}
}

func TestLoadMySQLAndPasswordHidden(t *testing.T) {
	c, err := Load("", env(map[string]string{
		"UNIONBOT_DB": "mysql://bot:s3cret@tcp(127.0.0.1:3306)/unionbot?charset=utf8mb4&parseTime=true&loc=Local",
	}))
	if err != nil {
		t.Fatal(err)
	}
	driver, dsn, _ := ParseDB(c.DB)
	if driver != "mysql" || !strings.HasPrefix(dsn, "bot:s3cret@tcp(") {
		t.Fatalf("ParseDB = %q, %q", driver, dsn)
	}
	for _, v := range c.Summary(env(nil)) {
		if s, ok := v.(string); ok && strings.Contains(s, "s3cret") {
			t.Fatalf("summary shows the password: %q", s)
		}
	}
}

func TestFileAndEnvPrecedence(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("addr: \":9000\"\ntz: Asia/Tokyo\nadmins: [a1, a2]\n"), 0o600)
	c, err := Load(path, env(map[string]string{"UNIONBOT_TZ": "UTC", "UNIONBOT_ADMINS": "x, y"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9000" {
		t.Errorf("Addr = %q, want :9000 from the file", c.Addr)
	}
	if c.TZ != "UTC" {
		t.Errorf("TZ = %q, want UTC from the environment", c.TZ)
	}
	if !c.IsAdmin("y") || c.IsAdmin("a1") {
		t.Errorf("Admins = %v, want [x y]", c.Admins)
	}
}

// TestWeComQuotas: the quotas come from the file and the environment
// (which wins); WECOM_BULK_QUIET=off turns the quiet window off.
func TestWeComQuotas(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("wecom_account_cap: 500\nwecom_member_per_minute: 20\nwecom_bulk_quiet: 45s\n"), 0o600)
	c, err := Load(path, env(map[string]string{"WECOM_MEMBER_PER_MINUTE": "10", "WECOM_API_PER_MINUTE": "600"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.WeComAccountCap != 500 || c.WeComMemberPerMinute != 10 || c.WeComAPIPerMinute != 600 || c.WeComBulkQuiet != 45*time.Second || c.WeComDailyQuota != 0 {
		t.Fatalf("quotas = cap %d, per minute %d, api %d, quiet %v, daily %d; want 500, 10, 600, 45s, 0 (from the cap)",
			c.WeComAccountCap, c.WeComMemberPerMinute, c.WeComAPIPerMinute, c.WeComBulkQuiet, c.WeComDailyQuota)
	}
	if c, err := Load("", env(map[string]string{"WECOM_BULK_QUIET": "off"})); err != nil || c.WeComBulkQuiet >= 0 {
		t.Fatalf("WECOM_BULK_QUIET=off: %v, %v; want a negative window (off)", c.WeComBulkQuiet, err)
	}
}

// TestConfigFileUnknownKey: a misspelt key in --config is refused, in
// Chinese, naming the line and the key.
func TestConfigFileUnknownKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "unionbot.yaml")
	if err := os.WriteFile(path, []byte("addr: \":8080\"\nwecom_secrt: abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Load(path, func(string) string { return "" })
	if err == nil || !strings.Contains(err.Error(), "第 2 行") || !strings.Contains(err.Error(), "wecom_secrt") {
		t.Fatalf("Load = %v, want the line and the key named", err)
	}
}

// TestMetricsAndLogSettings: the metrics listener and the log format come
// from the file or the environment (which wins), with text logs and
// /metrics on the main listener by default.
func TestMetricsAndLogSettings(t *testing.T) {
	c, err := Load("", env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.LogFormat != "text" || c.MetricsAddr != "" {
		t.Fatalf("LogFormat, MetricsAddr = %q, %q; want text and none", c.LogFormat, c.MetricsAddr)
	}
	path := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(path, []byte("log_format: json\nmetrics_addr: \"127.0.0.1:9090\"\n"), 0o600)
	c, err = Load(path, env(map[string]string{"UNIONBOT_METRICS_ADDR": ":9100"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.LogFormat != "json" || c.MetricsAddr != ":9100" {
		t.Fatalf("LogFormat, MetricsAddr = %q, %q; want json from the file and :9100 from the environment", c.LogFormat, c.MetricsAddr)
	}
}
