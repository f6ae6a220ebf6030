package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// Redis modes of a UNIONBOT_REDIS value.
const (
	RedisSingle   = "single"   // redis://host:6379/0
	RedisSentinel = "sentinel" // redis+sentinel://MASTER@host1:26379,host2:26379/0
	RedisCluster  = "cluster"  // redis+cluster://host1:7000,host2:7001
)

// RedisTarget is a UNIONBOT_REDIS value taken apart: which kind of
// deployment, where, and with which credentials. storage turns it into
// go-redis options.
type RedisTarget struct {
	Mode string
	// URL is the value itself; for RedisSingle, go-redis parses it (so its
	// query options such as dial_timeout keep working).
	URL string
	// Addrs are the sentinels (RedisSentinel) or the cluster's seed nodes.
	Addrs []string
	// Master is the name Sentinel monitors the primary under.
	Master   string
	DB       int
	Username string
	Password string
	// SentinelPassword authenticates to the sentinels themselves
	// (?sentinel_password=...); empty: they need none.
	SentinelPassword string
	TLS              bool
}

// redisForms is the sentence a refused UNIONBOT_REDIS ends with.
const redisForms = "use redis://[:PASSWORD@]HOST:6379/0, " +
	"redis+sentinel://[:PASSWORD@]MASTER@HOST1:26379,HOST2:26379/0 (Sentinel) or " +
	"redis+cluster://[:PASSWORD@]HOST1:7000,HOST2:7001 (Cluster); rediss… for TLS"

// ParseRedis reads a UNIONBOT_REDIS value. The error names the variable
// and says, in Chinese and English, which forms are accepted.
func ParseRedis(s string) (*RedisTarget, error) {
	t, err := parseRedis(s)
	if err != nil {
		return nil, fmt.Errorf("UNIONBOT_REDIS: %q 无法识别（%s）: %s", redactRedis(s), err, redisForms)
	}
	return t, nil
}

func parseRedis(s string) (*RedisTarget, error) {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return nil, fmt.Errorf("缺少 scheme，如 redis://")
	}
	t := &RedisTarget{URL: s}
	switch scheme {
	case "redis", "rediss":
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return nil, fmt.Errorf("不是有效的地址")
		}
		t.Mode, t.TLS = RedisSingle, scheme == "rediss"
		return t, nil
	case "redis+sentinel", "rediss+sentinel":
		t.Mode, t.TLS = RedisSentinel, scheme == "rediss+sentinel"
	case "redis+cluster", "rediss+cluster":
		t.Mode, t.TLS = RedisCluster, scheme == "rediss+cluster"
	default:
		return nil, fmt.Errorf("未知的 scheme %q", scheme)
	}

	// The authority holds several hosts, which net/url does not take:
	// split it by hand. [cred@][MASTER@]host:port,host:port[/db][?query]
	rest, query, _ := strings.Cut(rest, "?")
	auth, path, _ := strings.Cut(rest, "/")
	hosts := auth
	if at := strings.LastIndex(auth, "@"); at >= 0 {
		hosts = auth[at+1:]
		pre := auth[:at]
		if t.Mode == RedisSentinel {
			cred, master, hasCred := strings.Cut(pre, "@")
			if !hasCred {
				cred, master = "", pre
			}
			t.Master = master
			pre = cred
		}
		if pre != "" {
			user, pass, _ := strings.Cut(pre, ":")
			var err error
			if t.Username, err = url.PathUnescape(user); err != nil {
				return nil, fmt.Errorf("用户名编码有误")
			}
			if t.Password, err = url.PathUnescape(pass); err != nil {
				return nil, fmt.Errorf("密码编码有误")
			}
		}
	}
	if t.Mode == RedisSentinel && t.Master == "" {
		return nil, fmt.Errorf("没有写 Sentinel 监控的主节点名（MASTER@…，如 mymaster@）")
	}
	for _, h := range strings.Split(hosts, ",") {
		h = strings.TrimSpace(h)
		host, port, err := net.SplitHostPort(h)
		if err != nil || host == "" {
			return nil, fmt.Errorf("地址 %q 应写成 主机:端口", h)
		}
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
			return nil, fmt.Errorf("地址 %q 的端口不对", h)
		}
		t.Addrs = append(t.Addrs, h)
	}
	if path = strings.Trim(path, "/"); path != "" {
		n, err := strconv.Atoi(path)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("数据库编号 %q 不是数字", path)
		}
		if t.Mode == RedisCluster && n != 0 {
			return nil, fmt.Errorf("Cluster 只有 0 号数据库")
		}
		t.DB = n
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		return nil, fmt.Errorf("参数有误")
	}
	for k, v := range q {
		switch k {
		case "sentinel_password":
			if t.Mode != RedisSentinel {
				return nil, fmt.Errorf("sentinel_password 只用于 redis+sentinel://")
			}
			t.SentinelPassword = v[len(v)-1]
		default:
			return nil, fmt.Errorf("不认识的参数 %q", k)
		}
	}
	return t, nil
}

// redactRedis hides the passwords in a UNIONBOT_REDIS value.
func redactRedis(s string) string {
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		return s
	}
	rest, query, hasQuery := strings.Cut(rest, "?")
	auth, path, hasPath := strings.Cut(rest, "/")
	if at := strings.Index(auth, "@"); at >= 0 && strings.Contains(auth[:at], ":") {
		user, _, _ := strings.Cut(auth[:at], ":")
		auth = user + ":***" + auth[at:]
	}
	out := scheme + "://" + auth
	if hasPath {
		out += "/" + path
	}
	if hasQuery {
		q, err := url.ParseQuery(query)
		if err != nil {
			return out + "?***"
		}
		for k := range q {
			if strings.Contains(k, "password") {
				q.Set(k, "***")
			}
		}
		out += "?" + q.Encode()
	}
	return out
}
