// Package storagetest gives tests real databases: a fresh SQLite file
// always, and a fresh MariaDB database and Redis key prefix when
// UNIONBOT_TEST_MYSQL / UNIONBOT_TEST_REDIS are set (scripts/test.sh sets
// them). Never a mock.
package storagetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"unionbot/storage"
)

// Drivers lists the databases to run a storage suite on.
func Drivers() []string {
	if os.Getenv("UNIONBOT_TEST_MYSQL") != "" {
		return []string{"sqlite", "mysql"}
	}
	return []string{"sqlite"}
}

// URL returns a UNIONBOT_DB value for a new empty database of driver,
// dropped when the test ends. A mysql test is skipped when
// UNIONBOT_TEST_MYSQL is not set.
func URL(tb testing.TB, driver string) string {
	tb.Helper()
	switch driver {
	case "sqlite":
		return "sqlite://" + filepath.Join(tb.TempDir(), "unionbot.db")
	case "mysql":
		base := os.Getenv("UNIONBOT_TEST_MYSQL")
		if base == "" {
			tb.Skip("UNIONBOT_TEST_MYSQL not set; run scripts/test.sh for the MariaDB tests")
		}
		name := "unionbot_t" + randomHex(6)
		ctx := context.Background()
		url, err := storage.CreateDatabase(ctx, base, name)
		if err != nil {
			tb.Fatalf("create test database: %v", err)
		}
		tb.Cleanup(func() { storage.DropDatabase(context.Background(), base, name) })
		return url
	}
	tb.Fatalf("unknown driver %q", driver)
	return ""
}

// MustOpenDB opens and migrates a new empty database of driver.
func MustOpenDB(tb testing.TB, driver string) *storage.DB {
	tb.Helper()
	ctx := context.Background()
	db, err := storage.Open(ctx, URL(tb, driver))
	if err != nil {
		tb.Fatalf("open %s: %v", driver, err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		tb.Fatalf("migrate %s: %v", driver, err)
	}
	return db
}

// ForEachDB runs fn as a subtest on every driver in Drivers.
func ForEachDB(t *testing.T, fn func(t *testing.T, db *storage.DB)) {
	for _, d := range Drivers() {
		t.Run(d, func(t *testing.T) { fn(t, MustOpenDB(t, d)) })
	}
}

// RedisURL returns UNIONBOT_TEST_REDIS, skipping the test when it is unset.
func RedisURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("UNIONBOT_TEST_REDIS")
	if u == "" {
		tb.Skip("UNIONBOT_TEST_REDIS not set; run scripts/test.sh for the Redis tests")
	}
	return u
}

// MustOpenRedis connects to the test Redis with a key prefix of the test's
// own, so tests running at once do not see each other's keys.
func MustOpenRedis(tb testing.TB) *storage.Redis {
	tb.Helper()
	r, err := storage.OpenRedis(context.Background(), RedisURL(tb), Prefix())
	if err != nil {
		tb.Fatalf("open redis: %v", err)
	}
	tb.Cleanup(func() { r.Close() })
	return r
}

// Prefix returns a fresh Redis key prefix.
func Prefix() string { return "unionbot-test-" + randomHex(6) + ":" }

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
