package storage_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"unionbot"
	"unionbot/handlers/audit"
	"unionbot/handlers/signup"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

var auditNow = time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)

// TestAuditLog: entries go in and come back newest first, filtered by
// actor, action (exact or a prefix), target and time, page by page with a
// cursor; a long snapshot is bounded.
func TestAuditLog(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		now := auditNow
		svc := &audit.Service{Store: db, Now: func() time.Time { return now }}
		as := func(id, ch string) context.Context {
			return unionbot.WithActor(t.Context(), unionbot.Actor{ID: id, Channel: ch, Addr: "10.0.0.7"})
		}
		svc.Record(as("admin1", unionbot.FromConsole), "console.signin", "", "企业微信")
		now = now.Add(time.Hour)
		svc.Refuse(as("t9", unionbot.FromChatWeCom), "chat.refused", "", "发布活动")
		now = now.Add(time.Hour)
		for i := 0; i < 5; i++ {
			ctx, rec := svc.Begin(as("admin1", unionbot.FromAPI), "event.update", "event:3")
			rec.Before(map[string]int{"capacity": i})
			rec.After(map[string]string{"long": strings.Repeat("长", audit.MaxSnapshot)})
			svc.Finish(ctx, rec, nil)
			now = now.Add(time.Minute)
		}
		ctx, rec := svc.Begin(as("admin2", unionbot.FromAPI), "ballot.open", "ballot:1")
		rec.After(map[string]string{"status": "open"})
		svc.Finish(ctx, rec, unionbot.Errorf(unionbot.ECONFLICT, "no")) // failed: not recorded

		all, next, err := svc.List(t.Context(), audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != 7 || next != 0 {
			t.Fatalf("entries = %d (next %d), want 7 and no next page", len(all), next)
		}
		if got := all[len(all)-1]; got.Action != "console.signin" || got.Actor != "admin1" || got.Channel != "console" ||
			got.Addr != "10.0.0.7" || got.Outcome != audit.OK || got.Note != "企业微信" || !got.At.Equal(auditNow) {
			t.Fatalf("oldest = %+v", got)
		}
		if got := all[0]; got.Before != `{"capacity":4}` || len(got.After) > audit.MaxSnapshot || !strings.Contains(got.After, `"truncated":true`) {
			t.Fatalf("newest before=%q after (%d bytes) %.80q…", got.Before, len(got.After), got.After)
		}
		for _, tc := range []struct {
			name string
			f    audit.Filter
			want int
		}{
			{"actor", audit.Filter{Actor: "t9"}, 1},
			{"action", audit.Filter{Action: "chat.refused"}, 1},
			{"action prefix", audit.Filter{Action: "event."}, 5},
			{"prefix is not a wildcard", audit.Filter{Action: "event_"}, 0},
			{"target", audit.Filter{Target: "event:3"}, 5},
			{"from", audit.Filter{From: auditNow.Add(time.Hour)}, 6},
			{"to", audit.Filter{To: auditNow.Add(2 * time.Hour)}, 2},
			{"from and to", audit.Filter{From: auditNow.Add(time.Hour), To: auditNow.Add(2*time.Hour + 2*time.Minute)}, 3},
		} {
			got, _, err := svc.List(t.Context(), tc.f)
			if err != nil || len(got) != tc.want {
				t.Errorf("%s: %d entries (%v), want %d", tc.name, len(got), err, tc.want)
			}
		}
		// Paging: 3 a page, each page continuing where the last ended.
		var ids []int64
		f := audit.Filter{Limit: 3}
		for page := 0; ; page++ {
			list, next, err := svc.List(t.Context(), f)
			if err != nil || page > 3 {
				t.Fatalf("page %d: %v", page, err)
			}
			for _, e := range list {
				ids = append(ids, e.ID)
			}
			if next == 0 {
				break
			}
			f.Cursor = next
		}
		if len(ids) != 7 {
			t.Fatalf("paged through %d entries, want 7", len(ids))
		}
		for i := 1; i < len(ids); i++ {
			if ids[i] >= ids[i-1] {
				t.Fatalf("ids not newest first without repeats: %v", ids)
			}
		}
		if _, _, err := svc.List(t.Context(), audit.Filter{From: auditNow, To: auditNow}); unionbot.ErrorCode(err) != unionbot.EINVALID {
			t.Fatalf("from == to: %v, want EINVALID", err)
		}
	})
}

// TestAuditInTransaction: an admin change and its entry commit together:
// a change the store refuses inside its transaction leaves no entry, and
// one that commits leaves exactly one, with the new event's id as target.
func TestAuditInTransaction(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		db.Now = func() time.Time { return auditNow }
		aud := &audit.Service{Store: db, Now: db.Now}
		svc := signup.NewService(db, db, db.Now, time.UTC)
		svc.Audit = aud
		ctx := unionbot.WithActor(t.Context(), unionbot.Actor{ID: "boss", Channel: unionbot.FromAPI})
		ev := &signup.Event{Title: "羽毛球赛", Kind: "比赛", StartsAt: auditNow.Add(72 * time.Hour), SignupClosesAt: auditNow.Add(48 * time.Hour), Capacity: 10}
		if err := svc.Publish(ctx, ev); err != nil {
			t.Fatal(err)
		}
		// Cancelled twice: the second is refused under the row lock.
		if _, err := svc.CancelEvent(ctx, ev.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CancelEvent(ctx, ev.ID); err == nil {
			t.Fatal("second cancel succeeded")
		}
		list, _, err := aud.List(t.Context(), audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range list {
			got = append(got, e.Action+" "+e.Target+" "+e.Actor)
		}
		want := []string{"event.cancel event:1 boss", "event.create event:1 boss"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Fatalf("entries = %q, want %q", got, want)
		}
		if !strings.Contains(list[0].Before, `"Status":"`+signup.StatusOpen+`"`) || !strings.Contains(list[0].After, `"Status":"`+signup.StatusCancelled+`"`) {
			t.Fatalf("cancel before %s after %s", list[0].Before, list[0].After)
		}
		if !strings.Contains(list[1].After, `"ID":1`) || list[1].Before != "" {
			t.Fatalf("create before %q after %s", list[1].Before, list[1].After)
		}
	})
}

// TestAuditInsertOnly: the store can add and list entries and nothing
// more — neither the audit.Store interface nor storage.DB has a method
// that changes or removes one.
func TestAuditInsertOnly(t *testing.T) {
	iface := reflect.TypeOf((*audit.Store)(nil)).Elem()
	var names []string
	for i := 0; i < iface.NumMethod(); i++ {
		names = append(names, iface.Method(i).Name)
	}
	if strings.Join(names, ",") != "AddAudit,ListAudit" {
		t.Fatalf("audit.Store methods = %v, want only AddAudit and ListAudit", names)
	}
	db := reflect.TypeOf(&storage.DB{})
	for i := 0; i < db.NumMethod(); i++ {
		if n := db.Method(i).Name; strings.Contains(n, "Audit") && n != "AddAudit" && n != "ListAudit" {
			t.Errorf("storage.DB has %s: the audit log is insert-only", n)
		}
	}
}
