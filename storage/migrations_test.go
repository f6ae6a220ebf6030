package storage

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// schema describes db's tables, columns and indexes, one line each, sorted.
func schema(t *testing.T, db *DB) string {
	t.Helper()
	ctx := context.Background()
	var lines []string
	add := func(q string, args ...any) {
		rows, err := db.sql.QueryContext(ctx, q, args...)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			parts := make([]string, len(vals))
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				parts[i] = fmt.Sprint(v)
			}
			lines = append(lines, strings.Join(parts, " | "))
		}
	}
	if db.driver == "mysql" {
		add("SELECT table_name, column_name, column_type, is_nullable, COALESCE(column_default, '') FROM information_schema.columns WHERE table_schema = DATABASE()")
		add("SELECT table_name, index_name, non_unique, column_name, seq_in_index FROM information_schema.statistics WHERE table_schema = DATABASE()")
	} else {
		var tables []string
		if err := db.conn(ctx).Raw("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").Scan(&tables).Error; err != nil {
			t.Fatal(err)
		}
		for _, tb := range tables {
			add("SELECT '"+tb+"', name, type, \"notnull\", COALESCE(dflt_value, ''), pk FROM pragma_table_info(?)", tb)
			add("SELECT '"+tb+"', name, \"unique\" FROM pragma_index_list(?)", tb)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func testURLs(t *testing.T) map[string]func() string {
	urls := map[string]func() string{"sqlite": func() string { return "sqlite://" + filepath.Join(t.TempDir(), "u.db") }}
	if base := os.Getenv("UNIONBOT_TEST_MYSQL"); base != "" {
		urls["mysql"] = func() string {
			var b [6]byte
			rand.Read(b[:])
			name := "unionbot_m" + hex.EncodeToString(b[:])
			url, err := CreateDatabase(context.Background(), base, name)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { DropDatabase(context.Background(), base, name) })
			return url
		}
	}
	return urls
}

// TestMigrationsStepByStep: a database brought up one step at a time (as a
// union upgrading through every release would) has the schema of one
// migrated in a single run, and today's row types need nothing more of
// it: gorm's AutoMigrate of every row type changes nothing.
func TestMigrationsStepByStep(t *testing.T) {
	for driver, newURL := range testURLs(t) {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			open := func() *DB {
				db, err := Open(ctx, newURL())
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				return db
			}
			stepwise, fresh := open(), open()
			for _, m := range migrations {
				if err := stepwise.MigrateTo(ctx, m.version); err != nil {
					t.Fatalf("step %d: %v", m.version, err)
				}
			}
			if v, _ := stepwise.SchemaVersion(ctx); v != latestVersion() {
				t.Fatalf("schema version %d after every step", v)
			}
			if err := fresh.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			want := schema(t, fresh)
			if diff := cmp.Diff(want, schema(t, stepwise)); diff != "" {
				t.Fatalf("step by step differs from one run (-fresh +stepwise):\n%s", diff)
			}
			rows := []any{&memberRow{}, &sessionRow{}, &noticeRow{}, &eventRow{}, &entryRow{}, &reminderRow{}, &teamMemberRow{},
				&counterRow{}, &proposalRow{}, &seconderRow{}, &proposalLogRow{}, &congressSessionRow{}, &faqRow{}, &faqQuestionRow{},
				&planItemRow{}, &announceDeliveryRow{}, &replayRow{}, &linkRow{}, &linkCodeRow{}, &consoleSessionRow{},
				&careCaseRow{}, &careLogRow{}, &carePaymentRow{}, &careMemberYearRow{}, &careSettingsRow{}, &careStaffRow{}, &careAccessRow{},
				&careHardshipRow{}, &careHardshipLogRow{}, &careReminderRow{}, &careProfileRow{}, &auditRow{}, &drawRow{}}
			if err := fresh.conn(ctx).AutoMigrate(rows...); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, schema(t, fresh)); diff != "" {
				t.Fatalf("today's row types need a schema change no migration makes (-migrated +rows):\n%s", diff)
			}
		})
	}
}

// TestMigrationsInOrder: the list is in increasing version order (gaps
// allowed, while parallel branches hold the numbers between), since
// Migrate targets the last entry and MigrateTo walks the list in order: a
// merge that appended a lower number after a higher one would skip it.
func TestMigrationsInOrder(t *testing.T) {
	for i := 1; i < len(migrations); i++ {
		if migrations[i].version <= migrations[i-1].version {
			t.Fatalf("migration %d (%s) comes after %d: keep the list in version order",
				migrations[i].version, migrations[i].name, migrations[i-1].version)
		}
	}
}
