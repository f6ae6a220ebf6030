package storage_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"unionbot"
	"unionbot/handlers/signup"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// clock is the harness's clock: it stands still until a test moves it.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// allocStart is the harness's "now": a Monday morning in Beijing.
var allocStart = time.Date(2026, 6, 1, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))

func mustService(t *testing.T, db *storage.DB) (*signup.Service, *clock) {
	t.Helper()
	c := &clock{now: allocStart}
	db.Now = c.Now
	return signup.NewService(db, db, c.Now, allocStart.Location()), c
}

// noticesTo lists the texts of the sign-up notices queued for user, oldest first.
func noticesTo(t *testing.T, db *storage.DB, user string) []string {
	t.Helper()
	ns, err := db.ListNotices(context.Background(), "signup", 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(ns) - 1; i >= 0; i-- {
		for _, u := range ns[i].ToUsers {
			if u == user {
				out = append(out, ns[i].Text)
			}
		}
	}
	return out
}

// mustWindowEvent publishes a one-place trip whose promoted teachers have
// 24 hours to confirm, with a signed up, then b and c waiting.
func mustWindowEvent(t *testing.T, svc *signup.Service) *signup.Event {
	t.Helper()
	ctx := t.Context()
	ev := &signup.Event{Title: "周末登山", Kind: "出行", StartsAt: allocStart.Add(20 * 24 * time.Hour),
		SignupClosesAt: allocStart.Add(10 * 24 * time.Hour), Capacity: 1, Waitlist: true, ConfirmWithin: 24 * time.Hour}
	if err := svc.Publish(ctx, ev); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"a", "b", "c"} {
		if err := svc.Store.SignUp(ctx, &signup.Entry{EventID: ev.ID, UserID: u, Name: u}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.Cancel(ctx, ev, "a"); err != nil {
		t.Fatal(err)
	}
	return ev
}

// statuses maps each live entry's user to its status.
func statuses(t *testing.T, db *storage.DB, eventID int64) map[string]string {
	t.Helper()
	es, err := db.ListEntries(context.Background(), eventID, "")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, e := range es {
		out[e.UserID] = e.Status
	}
	return out
}

func pendingID(t *testing.T, db *storage.DB, eventID int64, user string) int64 {
	t.Helper()
	es, _ := db.ListEntries(context.Background(), eventID, user)
	for _, e := range es {
		if e.EventID == eventID && e.Status == signup.EntryPending {
			return e.ID
		}
	}
	t.Fatalf("%s has no pending entry on event %d", user, eventID)
	return 0
}

// TestPromotionLapses: a promoted teacher who does not confirm within the
// window loses the place to the next in line; both are told, once, even
// when the sweep runs twice at the same time and again afterwards.
func TestPromotionLapses(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		svc, clk := mustService(t, db)
		ev := mustWindowEvent(t, svc)
		if got := statuses(t, db, ev.ID); got["b"] != signup.EntryPending || got["c"] != signup.EntryWaiting {
			t.Fatalf("after a cancelled: %v, want b 待确认 and c 候补", got)
		}
		es, _ := db.ListEntries(t.Context(), ev.ID, "b")
		if want := allocStart.Add(24 * time.Hour); !es[0].ConfirmBy.Equal(want) {
			t.Fatalf("b confirm by %v, want %v", es[0].ConfirmBy, want)
		}
		if got := noticesTo(t, db, "b"); len(got) != 1 || !strings.Contains(got[0], "确认参加 周末登山") || !strings.Contains(got[0], "6月2日 09:00") {
			t.Fatalf("b told %q, want one notice asking 确认参加 by 6月2日 09:00", got)
		}
		if got, _ := db.FindEvent(t.Context(), ev.ID); got.Taken != 1 {
			t.Fatalf("taken=%d while b is pending, want 1 (the place is held)", got.Taken)
		}

		// Within the window the sweep leaves b alone.
		clk.Add(23 * time.Hour)
		if n, err := db.ExpirePromotions(t.Context(), svc.LapsedNotice, svc.PromotedNotice); err != nil || n != 0 {
			t.Fatalf("sweep within the window: %d lapsed, %v", n, err)
		}

		clk.Add(2 * time.Hour)
		var wg sync.WaitGroup
		counts := make([]int, 2)
		for i := range counts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n, err := db.ExpirePromotions(t.Context(), svc.LapsedNotice, svc.PromotedNotice)
				if err != nil {
					t.Errorf("sweep: %v", err)
				}
				counts[i] = n
			}()
		}
		wg.Wait()
		if n, err := db.ExpirePromotions(t.Context(), svc.LapsedNotice, svc.PromotedNotice); err != nil || n != 0 {
			t.Fatalf("third sweep: %d lapsed, %v", n, err)
		}
		if counts[0]+counts[1] != 1 {
			t.Fatalf("sweeps lapsed %v, want 1 in all", counts)
		}
		if got := statuses(t, db, ev.ID); got["b"] != "" || got["c"] != signup.EntryPending {
			t.Fatalf("after the window: %v, want b gone and c 待确认", got)
		}
		if got := noticesTo(t, db, "b"); len(got) != 2 || !strings.Contains(got[1], "名额已让给下一位") {
			t.Fatalf("b told %q, want the promotion then one lapse", got)
		}
		if got := noticesTo(t, db, "c"); len(got) != 1 || !strings.Contains(got[0], "确认参加 周末登山") {
			t.Fatalf("c told %q, want one promotion asking to confirm", got)
		}
		if got, _ := db.FindEvent(t.Context(), ev.ID); got.Taken != 1 || got.Waiting != 0 {
			t.Fatalf("taken=%d waiting=%d, want 1 and 0", got.Taken, got.Waiting)
		}

		// b answering now is too late: the place is c's.
		if _, err := svc.ConfirmPromotion(t.Context(), "b", es[0].ID); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			t.Fatalf("b confirms after lapsing: %v, want ENOTFOUND", err)
		}
	})
}

// TestPromotionConfirmed: confirming within the window keeps the place,
// and a later sweep does not touch it; 放弃 passes it on at once.
func TestPromotionConfirmed(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		svc, clk := mustService(t, db)
		ev := mustWindowEvent(t, svc)
		clk.Add(23 * time.Hour)
		id := pendingID(t, db, ev.ID, "b")
		if _, err := svc.ConfirmPromotion(t.Context(), "c", id); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			t.Fatalf("c confirms b's place: %v, want ENOTFOUND", err)
		}
		e, err := svc.ConfirmPromotion(t.Context(), "b", id)
		if err != nil || e.Status != signup.EntryConfirmed {
			t.Fatalf("b confirms: %+v, %v", e, err)
		}
		if _, err := svc.ConfirmPromotion(t.Context(), "b", id); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			t.Fatalf("second 确认参加: %v, want ENOTFOUND", err)
		}
		clk.Add(48 * time.Hour)
		if err := svc.ConfirmJob()(t.Context(), clk.Now()); err != nil {
			t.Fatal(err)
		}
		if got := statuses(t, db, ev.ID); got["b"] != signup.EntryConfirmed || got["c"] != signup.EntryWaiting {
			t.Fatalf("after confirming and a sweep: %v", got)
		}
		if got := noticesTo(t, db, "c"); len(got) != 0 {
			t.Fatalf("c told %q, want nothing", got)
		}

		// b cancels; c is promoted, and gives the place up: nobody waits.
		if _, err := svc.Cancel(t.Context(), ev, "b"); err != nil {
			t.Fatal(err)
		}
		_, passed, err := svc.DeclinePromotion(t.Context(), "c", pendingID(t, db, ev.ID, "c"))
		if err != nil || passed {
			t.Fatalf("c declines: passed=%v, %v; want nobody left to take it", passed, err)
		}
		if got, _ := db.FindEvent(t.Context(), ev.ID); got.Taken != 0 {
			t.Fatalf("taken=%d after the decline, want 0", got.Taken)
		}
	})
}

// TestPromotionAnsweredLate: 确认参加 after the window but before the
// sweep loses the place there and then, to the next in line, who is told.
func TestPromotionAnsweredLate(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		svc, clk := mustService(t, db)
		ev := mustWindowEvent(t, svc)
		clk.Add(25 * time.Hour)
		_, err := svc.ConfirmPromotion(t.Context(), "b", pendingID(t, db, ev.ID, "b"))
		if unionbot.ErrorCode(err) != unionbot.EFORBIDDEN || !strings.Contains(unionbot.ErrorMessage(err), "已让给下一位") {
			t.Fatalf("late 确认参加: %v, want EFORBIDDEN saying the place passed on", err)
		}
		if got := statuses(t, db, ev.ID); got["b"] != "" || got["c"] != signup.EntryPending {
			t.Fatalf("after the late answer: %v", got)
		}
		if n, _ := db.ExpirePromotions(t.Context(), svc.LapsedNotice, svc.PromotedNotice); n != 0 {
			t.Fatalf("sweep after the late answer lapsed %d, want 0", n)
		}
		if got := noticesTo(t, db, "c"); len(got) != 1 {
			t.Fatalf("c told %q, want one promotion", got)
		}
	})
}

// mustPastTrip records that users held confirmed places on a 疗养 trip
// that started at start.
func mustPastTrip(t *testing.T, db *storage.DB, start time.Time, users ...string) {
	t.Helper()
	ev := &signup.Event{Title: fmt.Sprintf("%d 暑期疗养", start.Year()), Kind: "疗养", StartsAt: start, Capacity: 0, Status: signup.StatusOpen}
	if err := db.CreateEvent(t.Context(), ev); err != nil {
		t.Fatal(err)
	}
	for _, u := range users {
		if err := db.SignUp(t.Context(), &signup.Entry{EventID: ev.ID, UserID: u, Name: u}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRotationDraw: on a rotation event everyone who signs up before the
// deadline is registered; the draw gives the places first to those with
// no 疗养 in the last 3 years, then to whoever went longest ago; each
// teacher is told once, a second or concurrent draw changes nothing, and
// re-running the published draw gives the same list.
func TestRotationDraw(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		svc, clk := mustService(t, db)
		ctx := t.Context()
		mustPastTrip(t, db, time.Date(2025, 7, 10, 8, 0, 0, 0, time.UTC), "u1")       // last year
		mustPastTrip(t, db, time.Date(2024, 7, 10, 8, 0, 0, 0, time.UTC), "u2", "u1") // two years ago
		mustPastTrip(t, db, time.Date(2022, 7, 10, 8, 0, 0, 0, time.UTC), "u5")       // before the 3 years
		ev := &signup.Event{Title: "2026 暑期疗养", Kind: "疗养", StartsAt: allocStart.Add(40 * 24 * time.Hour),
			SignupClosesAt: allocStart.Add(7 * 24 * time.Hour), Capacity: 2, Waitlist: true, Allocation: signup.AllocRotation}
		if err := svc.Publish(ctx, ev); err != nil {
			t.Fatal(err)
		}
		if ev.LookbackYears != 3 {
			t.Fatalf("look-back %d, want the default 3", ev.LookbackYears)
		}
		users := []string{"u1", "u2", "u3", "u4", "u5"}
		for _, u := range users {
			e := &signup.Entry{EventID: ev.ID, UserID: u, Name: u}
			if err := db.SignUp(ctx, e); err != nil || e.Status != signup.EntryRegistered {
				t.Fatalf("sign up %s: %s, %v; want 已登记", u, e.Status, err)
			}
		}
		if got, _ := db.FindEvent(ctx, ev.ID); got.Taken != 0 || got.Registered != 5 {
			t.Fatalf("before the draw taken=%d registered=%d, want 0 and 5", got.Taken, got.Registered)
		}

		// The job does nothing before the deadline, then draws once
		// however many replicas run it.
		if err := svc.DrawJob()(ctx, clk.Now()); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Draw(ctx, ev.ID); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			t.Fatalf("draw before the deadline: %v, want ENOTFOUND", err)
		}
		clk.Add(7*24*time.Hour + time.Minute)
		var wg sync.WaitGroup
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := svc.DrawJob()(ctx, clk.Now()); err != nil {
					t.Errorf("draw job: %v", err)
				}
			}()
		}
		wg.Wait()
		pub, err := svc.Draw(ctx, ev.ID)
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, o := range pub.Order {
			order = append(order, o.UserID)
		}
		never := append([]string(nil), order[:3]...)
		sort.Strings(never)
		if fmt.Sprint(never) != "[u3 u4 u5]" || order[3] != "u2" || order[4] != "u1" {
			t.Fatalf("order %v, want u3 u4 u5 (no 疗养 in 3 years) by lottery, then u2 (2024), then u1 (2025)", order)
		}
		got := statuses(t, db, ev.ID)
		for i, u := range order {
			want := signup.EntryConfirmed
			if i >= 2 {
				want = signup.EntryWaiting
			}
			if got[u] != want || pub.Order[i].Outcome != want {
				t.Fatalf("%s (drawn %d) is %s, published %s; want %s", u, i+1, got[u], pub.Order[i].Outcome, want)
			}
		}
		// The waitlist is in drawn order, and moves up in it.
		if _, err := svc.Cancel(ctx, ev, order[0]); err != nil {
			t.Fatal(err)
		}
		if got := statuses(t, db, ev.ID); got[order[2]] != signup.EntryConfirmed || got[order[3]] != signup.EntryWaiting {
			t.Fatalf("after %s cancelled: %v, want %s promoted", order[0], got, order[2])
		}

		// Re-running the published draw gives the same list.
		if err := signup.Verify(pub); err != nil {
			t.Fatalf("verify published draw: %v", err)
		}
		for i, c := range signup.Draw(pub.Seed, pub.Candidates) {
			if c.UserID != order[i] {
				t.Fatalf("re-run %d = %s, want %s", i+1, c.UserID, order[i])
			}
		}
		if _, err := svc.DrawNow(ctx, ev.ID); unionbot.ErrorCode(err) != unionbot.ECONFLICT {
			t.Fatalf("second draw: %v, want ECONFLICT", err)
		}
		for i, u := range order {
			msgs := noticesTo(t, db, u)
			var outcomes int
			for _, m := range msgs {
				if strings.Contains(m, "名额分配结果") {
					outcomes++
				}
			}
			if outcomes != 1 || !strings.Contains(msgs[0], pub.Seed) {
				t.Fatalf("%s (drawn %d) told %q, want one outcome with the seed", u, i+1, msgs)
			}
		}
		if e, _ := db.FindEvent(ctx, ev.ID); e.Status != signup.StatusClosed || e.DrawnAt.IsZero() {
			t.Fatalf("after the draw: status %s drawn %v, want closed and drawn", e.Status, e.DrawnAt)
		}
	})
}
