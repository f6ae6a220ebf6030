package config

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseRedis(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want RedisTarget
	}{
		{"redis://127.0.0.1:6379/0", RedisTarget{Mode: RedisSingle}},
		{"rediss://:pw@redis.example:6380/2", RedisTarget{Mode: RedisSingle, TLS: true}},
		{"redis+sentinel://mymaster@10.0.0.1:26379,10.0.0.2:26379/0",
			RedisTarget{Mode: RedisSentinel, Master: "mymaster", Addrs: []string{"10.0.0.1:26379", "10.0.0.2:26379"}}},
		{"redis+sentinel://:s%40cret@mymaster@h1:26379,h2:26379,h3:26379/3?sentinel_password=sp",
			RedisTarget{Mode: RedisSentinel, Master: "mymaster", Addrs: []string{"h1:26379", "h2:26379", "h3:26379"},
				DB: 3, Password: "s@cret", SentinelPassword: "sp"}},
		{"redis+sentinel://bot:pw@mymaster@h1:26379",
			RedisTarget{Mode: RedisSentinel, Master: "mymaster", Addrs: []string{"h1:26379"}, Username: "bot", Password: "pw"}},
		{"redis+cluster://h1:7000,h2:7001,[::1]:7002",
			RedisTarget{Mode: RedisCluster, Addrs: []string{"h1:7000", "h2:7001", "[::1]:7002"}}},
		{"rediss+cluster://:pw@h1:7000",
			RedisTarget{Mode: RedisCluster, Addrs: []string{"h1:7000"}, Password: "pw", TLS: true}},
	} {
		got, err := ParseRedis(tc.in)
		if err != nil {
			t.Errorf("ParseRedis(%q): %v", tc.in, err)
			continue
		}
		tc.want.URL = tc.in
		if d := cmp.Diff(&tc.want, got); d != "" {
			t.Errorf("ParseRedis(%q) (-want +got):\n%s", tc.in, d)
		}
	}
}

func TestParseRedisRefusals(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"localhost:6379", "缺少 scheme"},
		{"memcache://h:1", "未知的 scheme"},
		{"redis+sentinel://h1:26379,h2:26379/0", "主节点名"},
		{"redis+sentinel://mymaster@h1/0", "主机:端口"},
		{"redis+sentinel://mymaster@h1:99999", "端口不对"},
		{"redis+sentinel://mymaster@h1:26379/x", "不是数字"},
		{"redis+cluster://h1:7000/2", "只有 0 号"},
		{"redis+cluster://h1:7000?sentinel_password=x", "只用于"},
		{"redis+sentinel://:topsecret@m@h1:26379?colour=red", "不认识的参数"},
	} {
		_, err := ParseRedis(tc.in)
		if err == nil || !strings.HasPrefix(err.Error(), "UNIONBOT_REDIS") || !strings.Contains(err.Error(), tc.want) ||
			!strings.Contains(err.Error(), "redis+sentinel://") {
			t.Errorf("ParseRedis(%q) = %v, want UNIONBOT_REDIS … %q … and the accepted forms", tc.in, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "topsecret") {
			t.Errorf("ParseRedis(%q) shows the password: %v", tc.in, err)
		}
	}
}

func TestRedisPasswordHidden(t *testing.T) {
	c, err := Load("", env(map[string]string{"UNIONBOT_REDIS": "redis+sentinel://:topsecret@mymaster@h1:26379/0?sentinel_password=alsosecret"}))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range c.Summary(env(nil)) {
		if s, ok := v.(string); ok && (strings.Contains(s, "topsecret") || strings.Contains(s, "alsosecret")) {
			t.Fatalf("summary shows a password: %q", s)
		}
	}
}
