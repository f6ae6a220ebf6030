package storage_test

import (
	"bytes"
	"context"
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
