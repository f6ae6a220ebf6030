package config

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// readQuotaEnv reads WeCom's quotas the outbox paces to (WECOM_ACCOUNT_CAP,
// WECOM_DAILY_QUOTA, WECOM_MEMBER_PER_MINUTE, WECOM_MEMBER_PER_HOUR,
// WECOM_API_PER_MINUTE, WECOM_BULK_QUIET).
func (c *Config) readQuotaEnv(getenv func(string) string) error {
	for name, dst := range map[string]*int{
		"WECOM_ACCOUNT_CAP":       &c.WeComAccountCap,
		"WECOM_DAILY_QUOTA":       &c.WeComDailyQuota,
		"WECOM_MEMBER_PER_MINUTE": &c.WeComMemberPerMinute,
		"WECOM_MEMBER_PER_HOUR":   &c.WeComMemberPerHour,
		"WECOM_API_PER_MINUTE":    &c.WeComAPIPerMinute,
	} {
		if v := getenv(name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("%s: %q is not a whole number of 1 or more", name, v)
			}
			*dst = n
		}
	}
	if v := strings.TrimSpace(getenv("WECOM_BULK_QUIET")); v != "" {
		d, err := time.ParseDuration(v)
		switch {
		case v == "off" || (err == nil && d <= 0):
			c.WeComBulkQuiet = -1
		case err != nil || d >= 15*time.Minute:
			return fmt.Errorf("WECOM_BULK_QUIET: %q is not a duration under 15m such as 30s (or off)", v)
		default:
			c.WeComBulkQuiet = d
		}
	}
	return nil
}

func (c *Config) validateQuotas() error {
	for name, n := range map[string]int{"WECOM_ACCOUNT_CAP": c.WeComAccountCap, "WECOM_DAILY_QUOTA": c.WeComDailyQuota,
		"WECOM_MEMBER_PER_MINUTE": c.WeComMemberPerMinute, "WECOM_MEMBER_PER_HOUR": c.WeComMemberPerHour, "WECOM_API_PER_MINUTE": c.WeComAPIPerMinute} {
		if n < 0 {
			return fmt.Errorf("%s: must not be negative", name)
		}
	}
	if c.WeComBulkQuiet >= 15*time.Minute {
		return fmt.Errorf("WECOM_BULK_QUIET: must be under 15m")
	}
	return nil
}
