package storagetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"unionbot/storage"
)

// redisServer is Debian's redis-server (scripts/services.sh installs it).
// A test that needs its own servers fails without it: it never skips.
func redisServer(tb testing.TB) string {
	tb.Helper()
	p, err := exec.LookPath("redis-server")
	if err != nil {
		tb.Fatalf("redis-server is not installed: run scripts/services.sh (apt-get install redis-server): %v", err)
	}
	return p
}

// freePort returns a loopback port nobody listens on now.
func freePort(tb testing.TB) int {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// freeClusterPort is a free port whose cluster bus port (port + 10000) is
// free too. Both lie below Linux's ephemeral range (32768 on), so that a
// client connection made meanwhile cannot take the bus port: a port from
// freePort could be 43105, its bus port 53105 any connection's.
func freeClusterPort(tb testing.TB) int {
	tb.Helper()
	for range 200 {
		port := 20000 + rand.IntN(2700)
		a, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		b, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+10000))
		a.Close()
		if err != nil {
			continue
		}
		b.Close()
		return port
	}
	tb.Fatal("no free port pair for a cluster node")
	return 0
}

// RedisNode is one redis-server process of a test's own.
type RedisNode struct {
	Port int
	cmd  *exec.Cmd
}

// Addr is host:port.
func (n *RedisNode) Addr() string { return "127.0.0.1:" + strconv.Itoa(n.Port) }

// Kill stops the server at once (SIGKILL), as a crash would.
func (n *RedisNode) Kill() {
	if n.cmd.ProcessState == nil {
		n.cmd.Process.Kill()
		n.cmd.Wait()
	}
}

// startRedis runs redis-server with args (a conf file first, if any) in
// a directory of its own under dir (replicas write the primary's snapshot
// there) and waits until it answers PING.
func startRedis(tb testing.TB, dir string, port int, args ...string) *RedisNode {
	tb.Helper()
	dir = filepath.Join(dir, strconv.Itoa(port))
	if err := os.MkdirAll(dir, 0o700); err != nil {
		tb.Fatal(err)
	}
	args = append(args, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
		"--save", "", "--appendonly", "no", "--logfile", filepath.Join(dir, fmt.Sprintf("redis-%d.log", port)))
	cmd := exec.Command(redisServer(tb), args...)
	if err := cmd.Start(); err != nil {
		tb.Fatalf("start redis-server: %v", err)
	}
	n := &RedisNode{Port: port, cmd: cmd}
	tb.Cleanup(n.Kill)
	c := redis.NewClient(&redis.Options{Addr: n.Addr(), MaxRetries: -1})
	defer c.Close()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if c.Ping(context.Background()).Err() == nil {
			return n
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, fmt.Sprintf("redis-%d.log", port)))
			tb.Fatalf("redis-server on %d did not start:\n%s", port, log)
		}
	}
}

// Sentinel is a primary, one replica and three sentinels monitoring them
// as "mymaster", all on loopback.
type Sentinel struct {
	Primary, Replica *RedisNode
	Sentinels        []*RedisNode
	// URL is the UNIONBOT_REDIS value that reaches the primary through
	// the sentinels.
	URL string
}

// StartSentinel starts the servers and waits until every sentinel knows
// the replica and the two other sentinels.
func StartSentinel(tb testing.TB) *Sentinel {
	tb.Helper()
	dir := tb.TempDir()
	s := &Sentinel{}
	s.Primary = startRedis(tb, dir, freePort(tb))
	s.Replica = startRedis(tb, dir, freePort(tb), "--replicaof", "127.0.0.1", strconv.Itoa(s.Primary.Port))
	ctx := context.Background()
	rc := redis.NewClient(&redis.Options{Addr: s.Replica.Addr()})
	defer rc.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		info, _ := rc.Info(ctx, "replication").Result()
		if strings.Contains(info, "master_link_status:up") {
			break
		}
		if time.Now().After(deadline) {
			tb.Fatalf("the replica is not in sync after 10 s:\n%s", info)
		}
	}
	var addrs []string
	for i := 0; i < 3; i++ {
		port := freeClusterPort(tb)
		conf := filepath.Join(dir, fmt.Sprintf("sentinel-%d.conf", port))
		text := fmt.Sprintf("sentinel monitor mymaster 127.0.0.1 %d 2\n"+
			"sentinel down-after-milliseconds mymaster 1000\n"+
			"sentinel failover-timeout mymaster 5000\n"+
			"sentinel parallel-syncs mymaster 1\n", s.Primary.Port)
		if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
			tb.Fatal(err)
		}
		s.Sentinels = append(s.Sentinels, startRedis(tb, dir, port, conf, "--sentinel"))
		addrs = append(addrs, s.Sentinels[i].Addr())
	}
	s.URL = "redis+sentinel://mymaster@" + strings.Join(addrs, ",") + "/0"
	for _, n := range s.Sentinels {
		sc := redis.NewSentinelClient(&redis.Options{Addr: n.Addr()})
		defer sc.Close()
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			reps, _ := sc.Replicas(ctx, "mymaster").Result()
			sens, _ := sc.Sentinels(ctx, "mymaster").Result()
			if len(reps) == 1 && len(sens) == 2 && !strings.Contains(reps[0]["flags"], "down") {
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("sentinel %s: replicas %v, other sentinels %d after 15 s", n.Addr(), reps, len(sens))
			}
		}
	}
	return s
}

// Failover asks a sentinel to promote the replica (SENTINEL FAILOVER) and
// returns once every sentinel names it the primary. Primary and Replica
// swap.
func (s *Sentinel) Failover(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	sc := redis.NewSentinelClient(&redis.Options{Addr: s.Sentinels[0].Addr()})
	defer sc.Close()
	if err := sc.Failover(ctx, "mymaster").Err(); err != nil {
		tb.Fatalf("SENTINEL FAILOVER: %v", err)
	}
	s.awaitPromotion(tb)
}

// KillPrimary kills the primary (SIGKILL) and returns once every sentinel
// has noticed and names the replica the primary. Primary and Replica
// swap; the killed one stays down.
func (s *Sentinel) KillPrimary(tb testing.TB) {
	tb.Helper()
	s.Primary.Kill()
	s.awaitPromotion(tb)
}

func (s *Sentinel) awaitPromotion(tb testing.TB) {
	tb.Helper()
	ctx := context.Background()
	want := s.Replica.Addr()
	for _, n := range s.Sentinels {
		c := redis.NewSentinelClient(&redis.Options{Addr: n.Addr()})
		defer c.Close()
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			got, _ := c.GetMasterAddrByName(ctx, "mymaster").Result()
			if strings.Join(got, ":") == want {
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("sentinel %s names %v the primary 15 s after the failover, want %s", n.Addr(), got, want)
			}
		}
	}
	s.Primary, s.Replica = s.Replica, s.Primary
}

// StartCluster starts a Redis Cluster of three primaries on loopback and
// returns its UNIONBOT_REDIS value (redis+cluster://…).
func StartCluster(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	var nodes []*RedisNode
	var addrs []string
	for i := 0; i < 3; i++ {
		port := freeClusterPort(tb)
		nodes = append(nodes, startRedis(tb, dir, port, "--cluster-enabled", "yes",
			"--cluster-config-file", filepath.Join(dir, fmt.Sprintf("nodes-%d.conf", port))))
		addrs = append(addrs, nodes[i].Addr())
	}
	// Assign the 16384 slots in thirds and introduce the nodes, as
	// redis-cli --cluster create does.
	ctx := context.Background()
	for i, n := range nodes {
		c := redis.NewClient(&redis.Options{Addr: n.Addr()})
		defer c.Close()
		from, to := i*16384/3, (i+1)*16384/3-1
		if err := c.ClusterAddSlotsRange(ctx, from, to).Err(); err != nil {
			tb.Fatalf("CLUSTER ADDSLOTSRANGE on %s: %v", n.Addr(), err)
		}
		if i > 0 {
			if err := c.ClusterMeet(ctx, "127.0.0.1", strconv.Itoa(nodes[0].Port)).Err(); err != nil {
				tb.Fatalf("CLUSTER MEET: %v", err)
			}
		}
	}
	for _, n := range nodes {
		c := redis.NewClient(&redis.Options{Addr: n.Addr()})
		defer c.Close()
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			info, _ := c.ClusterInfo(ctx).Result()
			if strings.Contains(info, "cluster_state:ok") && strings.Contains(info, "cluster_known_nodes:3") {
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("cluster node %s not ready after 15 s:\n%s", n.Addr(), info)
			}
		}
	}
	return "redis+cluster://" + strings.Join(addrs, ",")
}

// MustOpenRedisAt connects to url (any UNIONBOT_REDIS form) with a fresh
// key prefix.
func MustOpenRedisAt(tb testing.TB, url string) *storage.Redis {
	tb.Helper()
	r, err := storage.OpenRedis(context.Background(), url, Prefix())
	if err != nil {
		tb.Fatalf("open redis %s: %v", url, err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}
