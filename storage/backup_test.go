package storage_test

import (
	"bytes"
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"unionbot"
	"unionbot/bot"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// TestBackupRoundTrip backs up a database with rows of every kind of
// value (times, NULLs, booleans, text with line breaks and emoji), restores
// it into a fresh database of each driver, and backs that up again: the
// rows are the same.
func TestBackupRoundTrip(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, src *storage.DB) {
		ctx := context.Background()
		if n, err := src.CountRows(ctx); err != nil || n != 0 {
			t.Fatalf("a migrated database holds %d rows (%v), want 0: restore would refuse it", n, err)
		}
		src.Now = func() time.Time { return time.Date(2026, 3, 2, 9, 30, 15, 123_000_000, time.UTC) }
		if _, _, err := src.EnsureMember(ctx, "t001", bot.ChannelWeCom); err != nil {
			t.Fatal(err)
		}
		if err := src.SetProfile(ctx, "t001", "张老师", "语文组"); err != nil {
			t.Fatal(err)
		}
		if err := src.Enqueue(ctx, &unionbot.Notice{ToUsers: []string{"t001", "t002"}, Text: "第一行\n第二行 🎉", Kind: "test"}); err != nil {
			t.Fatal(err)
		}
		if err := src.SaveSession(ctx, &bot.Session{UserID: "t001", Flow: "提建议", State: []byte(`{"step":2}`),
			ExpiresAt: time.Now().Add(time.Hour), StartedAt: src.Now()}); err != nil {
			t.Fatal(err)
		}
		var first bytes.Buffer
		info, err := src.Backup(ctx, &first)
		if err != nil {
			t.Fatal(err)
		}
		if info.Rows["members"] != 1 || info.Rows["notices"] != 1 || info.Rows["sessions"] != 1 {
			t.Fatalf("backup rows = %v", info.Rows)
		}
		for _, driver := range storagetest.Drivers() {
			t.Run("into "+driver, func(t *testing.T) {
				dst := storagetest.MustOpenDB(t, driver)
				dst.Now = src.Now
				if _, err := dst.Restore(ctx, bytes.NewReader(first.Bytes()), storage.RestoreOptions{}); err != nil {
					t.Fatal(err)
				}
				m, err := dst.FindMember(ctx, "t001")
				if err != nil || m.Name != "张老师" || m.Department != "语文组" {
					t.Fatalf("member after restore = %+v, %v", m, err)
				}
				ns, err := dst.ListNotices(ctx, "test", 10)
				if err != nil || len(ns) != 1 || ns[0].Text != "第一行\n第二行 🎉" || strings.Join(ns[0].ToUsers, ",") != "t001,t002" ||
					!ns[0].CreatedAt.Equal(src.Now()) || ns[0].Status != unionbot.NoticePending {
					t.Fatalf("notice after restore = %+v, %v", ns, err)
				}
				s, err := dst.LoadSession(ctx, "t001")
				if err != nil || s.Flow != "提建议" || string(s.State) != `{"step":2}` {
					t.Fatalf("session after restore = %+v, %v", s, err)
				}
				// The notice is still to be sent.
				if got, err := dst.PendingNotices(ctx, 10); err != nil || len(got) != 1 {
					t.Fatalf("pending notices after restore = %d, %v", len(got), err)
				}
				if _, err := dst.Restore(ctx, bytes.NewReader(first.Bytes()), storage.RestoreOptions{}); err == nil {
					t.Fatal("a second restore into a database with data was not refused")
				}
			})
		}
	})
}

// TestBackupLeavesOtherTables: a school may give the bot a database that
// another program also uses. Its tables are not the bot's: they are not in
// a backup, do not make the database count as holding data, and survive a
// forced restore with their rows. Every table the bot's own migrations
// make is the bot's (on MariaDB too, where the set is not where it was
// computed).
func TestBackupLeavesOtherTables(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		raw := db.SQLDB()
		if _, err := raw.ExecContext(ctx, "CREATE TABLE library_loans (id INTEGER PRIMARY KEY, book VARCHAR(100))"); err != nil {
			t.Fatal(err)
		}
		if _, err := raw.ExecContext(ctx, "INSERT INTO library_loans (id, book) VALUES (1, '红楼梦')"); err != nil {
			t.Fatal(err)
		}
		if n, err := db.CountRows(ctx); err != nil || n != 0 {
			t.Fatalf("with only another program's row the bot's tables hold %d rows (%v), want 0", n, err)
		}
		if _, _, err := db.EnsureMember(ctx, "t001", bot.ChannelWeCom); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		info, err := db.Backup(ctx, &buf)
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := info.Rows["library_loans"]; ok || strings.Contains(buf.String(), "红楼梦") {
			t.Fatalf("the backup holds another program's table: %v", info.Rows)
		}
		for _, table := range listTables(t, raw) {
			if _, ok := info.Rows[table]; !ok && table != "library_loans" && table != "schema_migrations" && table != "outbox_leases" {
				t.Errorf("the migrated database's table %s is not in the backup: %v", table, info.Rows)
			}
		}
		for _, want := range []string{"members", "sessions", "notices", "signup_events", "proposals", "ballots", "care_cases", "audit_log", "callback_sighting_batches"} {
			if _, ok := info.Rows[want]; !ok {
				t.Errorf("the backup lacks the bot's table %s: %v", want, info.Rows)
			}
		}
		if _, err := db.Restore(ctx, bytes.NewReader(buf.Bytes()), storage.RestoreOptions{Force: true}); err != nil {
			t.Fatal(err)
		}
		var book string
		if err := raw.QueryRowContext(ctx, "SELECT book FROM library_loans WHERE id = 1").Scan(&book); err != nil || book != "红楼梦" {
			t.Fatalf("another program's row after a forced restore: %q, %v", book, err)
		}
		if m, err := db.FindMember(ctx, "t001"); err != nil || m.UserID != "t001" {
			t.Fatalf("member after restore = %+v, %v", m, err)
		}
	})
}

// listTables names the database's tables, on either driver.
func listTables(t *testing.T, raw *sql.DB) []string {
	rows, err := raw.Query("SHOW TABLES")
	if err != nil {
		rows, err = raw.Query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
	}
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	if err := rows.Err(); err != nil || len(out) < 20 {
		t.Fatalf("listed %d tables: %v", len(out), err)
	}
	return out
}
