package storage_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"unionbot"
	"unionbot/handlers/signup"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

func MustCreateEvent(tb testing.TB, db *storage.DB, capacity int, waitlist bool) *signup.Event {
	tb.Helper()
	now := time.Now().UTC()
	e := &signup.Event{Title: "羽毛球比赛", Kind: "比赛", StartsAt: now.Add(48 * time.Hour), EndsAt: now.Add(50 * time.Hour),
		SignupClosesAt: now.Add(24 * time.Hour), Capacity: capacity, Waitlist: waitlist, MaxCompanions: 2}
	if err := e.Validate(); err != nil {
		tb.Fatal(err)
	}
	if err := db.CreateEvent(tb.Context(), e); err != nil {
		tb.Fatalf("create event: %v", err)
	}
	return e
}

// TestSignUpConcurrent: many teachers at once never overbook, nobody is
// entered twice, and the waitlist is in arrival (seq) order.
func TestSignUpConcurrent(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := t.Context()
		ev := MustCreateEvent(t, db, 16, true)
		const n = 120
		var wg sync.WaitGroup
		errs := make(chan error, 2*n)
		for i := 0; i < n; i++ {
			for rep := 0; rep < 2; rep++ { // a duplicate delivery each
				wg.Add(1)
				go func() {
					defer wg.Done()
					err := db.SignUp(ctx, &signup.Entry{EventID: ev.ID, UserID: fmt.Sprintf("t%03d", i)})
					if err != nil && unionbot.ErrorCode(err) != unionbot.ECONFLICT {
						errs <- err
					}
				}()
			}
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatalf("sign up: %v", err)
		}
		entries, err := db.ListEntries(ctx, ev.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		var confirmed, waiting int
		var lastSeq int64
		for _, e := range entries {
			switch e.Status {
			case signup.EntryConfirmed:
				confirmed++
			case signup.EntryWaiting:
				waiting++
				if e.Seq <= lastSeq || e.Position != waiting {
					t.Fatalf("waitlist out of order at %d: seq %d after %d, position %d", waiting, e.Seq, lastSeq, e.Position)
				}
				lastSeq = e.Seq
			}
		}
		if confirmed != 16 || waiting != n-16 {
			t.Fatalf("confirmed=%d waiting=%d, want 16 and %d", confirmed, waiting, n-16)
		}
		got, _ := db.FindEvent(ctx, ev.ID)
		if got.Taken != 16 || got.Waiting != n-16 {
			t.Fatalf("event taken=%d waiting=%d", got.Taken, got.Waiting)
		}

		// One cancellation promotes the first waiting teacher, with a notice.
		var first *signup.Entry
		for _, e := range entries {
			if e.Status == signup.EntryWaiting {
				first = e
				break
			}
		}
		_, promoted, err := db.CancelEntry(ctx, ev.ID, entries[0].UserID, func(ev *signup.Event, p *signup.Entry) *unionbot.Notice {
			return &unionbot.Notice{ToUsers: []string{p.UserID}, Text: "候补转正", Kind: "signup"}
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(promoted) != 1 || promoted[0].UserID != first.UserID {
			t.Fatalf("promoted %+v, want %s", promoted, first.UserID)
		}
		mine, _ := db.ListEntries(ctx, 0, first.UserID)
		if len(mine) != 1 || mine[0].Status != signup.EntryConfirmed || mine[0].Event.Title != "羽毛球比赛" {
			t.Fatalf("promoted teacher's list = %+v", mine)
		}
		if _, _, err := db.CancelEntry(ctx, ev.ID, entries[0].UserID, nil); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			t.Fatalf("second cancel err = %v, want ENOTFOUND", err)
		}
		if got, _ := db.FindEvent(ctx, ev.ID); got.Taken != 16 {
			t.Fatalf("taken after promotion = %d, want 16", got.Taken)
		}
	})
}

func TestSignUpRules(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := t.Context()
		ev := MustCreateEvent(t, db, 3, false)
		if err := db.SignUp(ctx, &signup.Entry{EventID: ev.ID, UserID: "a", Companions: 2}); err != nil {
			t.Fatal(err)
		}
		err := db.SignUp(ctx, &signup.Entry{EventID: ev.ID, UserID: "b"})
		if unionbot.ErrorCode(err) != unionbot.EFORBIDDEN {
			t.Fatalf("full without waitlist: err = %v, want EFORBIDDEN", err)
		}
		if err := db.CheckIn(ctx, ev.ID, "a"); err != nil {
			t.Fatal(err)
		}
		if err := db.CheckIn(ctx, ev.ID, "b"); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			t.Fatalf("check in without entry: %v", err)
		}
		// Cancelling and signing up again works (the unique key is reused).
		if _, _, err := db.CancelEntry(ctx, ev.ID, "a", nil); err != nil {
			t.Fatal(err)
		}
		if err := db.SignUp(ctx, &signup.Entry{EventID: ev.ID, UserID: "a"}); err != nil {
			t.Fatalf("sign up again: %v", err)
		}
		got, err := db.CancelEvent(ctx, ev.ID, func(*signup.Event) *unionbot.Notice { return &unionbot.Notice{Text: "活动取消"} })
		if err != nil || got.Status != signup.StatusCancelled {
			t.Fatalf("cancel event = %+v, %v", got, err)
		}
		if err := db.SignUp(ctx, &signup.Entry{EventID: ev.ID, UserID: "c"}); unionbot.ErrorCode(err) != unionbot.EFORBIDDEN {
			t.Fatalf("sign up to cancelled event: %v", err)
		}
	})
}

// TestSignUpGroups: sign-ups arriving together are entered in groups, and
// each teacher hears what a sign-up alone would have told them: the status
// and waitlist position the table holds, a second sign-up refused, a
// teacher invited to a team refused, a teacher who cancelled entered again
// at the back; the places taken are exactly the capacity.
func TestSignUpGroups(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := t.Context()
		ev := MustCreateEvent(t, db, 6, true)
		if err := db.SignUp(ctx, &signup.Entry{EventID: ev.ID, UserID: "back"}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.CancelEntry(ctx, ev.ID, "back", nil); err != nil {
			t.Fatal(err)
		}
		captain := &signup.Entry{EventID: ev.ID, UserID: "cap", Team: "飞鹰队", Members: []signup.TeamMember{{UserID: "inv", Name: "李老师"}}}
		if err := db.SignUpTeam(ctx, captain, nil); err != nil {
			t.Fatal(err)
		}
		users := []string{"back", "inv", "t00"} // t00 twice
		for i := 0; i < 40; i++ {
			users = append(users, fmt.Sprintf("t%02d", i))
		}
		entries := make([]*signup.Entry, len(users))
		errs := make([]error, len(users))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, u := range users {
			entries[i] = &signup.Entry{EventID: ev.ID, UserID: u}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = db.SignUp(ctx, entries[i])
			}()
		}
		close(start)
		wg.Wait()

		list, err := db.ListEntries(ctx, ev.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		held := map[string]*signup.Entry{}
		places := 0
		for _, e := range list {
			held[e.UserID] = e
			if e.Status == signup.EntryConfirmed {
				places += e.Places()
			}
		}
		if got, _ := db.FindEvent(ctx, ev.ID); got.Taken != 6 || places != 6 {
			t.Fatalf("taken %d, confirmed places %d; want the capacity, 6", got.Taken, places)
		}
		t00 := 0
		for i, u := range users {
			switch {
			case u == "inv":
				if unionbot.ErrorCode(errs[i]) != unionbot.ECONFLICT || held["inv"] != nil {
					t.Errorf("a teacher invited to a team: %v, entry %+v; want refused", errs[i], held["inv"])
				}
				continue
			case u == "t00" && errs[i] != nil:
				if unionbot.ErrorCode(errs[i]) != unionbot.ECONFLICT {
					t.Errorf("t00's second sign-up: %v, want a conflict", errs[i])
				}
				continue
			case errs[i] != nil:
				t.Errorf("%s: %v", u, errs[i])
				continue
			}
			if u == "t00" {
				t00++
			}
			h, e := held[u], entries[i]
			if h == nil || h.Status != e.Status || h.Seq != e.Seq || h.ID != e.ID {
				t.Errorf("%s was told %s (seq %d, id %d); the table holds %+v", u, e.Status, e.Seq, e.ID, h)
				continue
			}
			if e.Status == signup.EntryWaiting && e.Position != h.Position {
				t.Errorf("%s was told position %d; the waitlist has it at %d", u, e.Position, h.Position)
			}
		}
		if t00 != 1 {
			t.Errorf("t00 entered %d times, want once", t00)
		}
		if h := held["back"]; h == nil || h.Seq <= captain.Seq {
			t.Errorf("the teacher who cancelled: %+v; want entered again, after the captain", h)
		}
	})
}

// TestSignUpGroupOneRefused: when the database refuses one entry of a
// group (on MariaDB a name too long for its column; SQLite takes it), the
// others are still entered, each alone, and only that teacher hears an
// error.
func TestSignUpGroupOneRefused(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := t.Context()
		ev := MustCreateEvent(t, db, 10, true)
		long := strings.Repeat("很长的名字", 20) // 100 characters; the column holds 64
		users := []string{"a1", "a2", "long", "a3", "a4", "a5", "a6", "a7"}
		errs := make([]error, len(users))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, u := range users {
			e := &signup.Entry{EventID: ev.ID, UserID: u}
			if u == "long" {
				e.Name = long
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = db.SignUp(ctx, e)
			}()
		}
		close(start)
		wg.Wait()
		list, err := db.ListEntries(ctx, ev.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		entered := map[string]bool{}
		for _, e := range list {
			entered[e.UserID] = true
		}
		for i, u := range users {
			if u == "long" {
				if (errs[i] == nil) != entered[u] {
					t.Errorf("the long name: err %v, entered %v", errs[i], entered[u])
				}
				continue
			}
			if errs[i] != nil || !entered[u] {
				t.Errorf("%s: err %v, entered %v; want entered", u, errs[i], entered[u])
			}
		}
		if got, _ := db.FindEvent(ctx, ev.ID); got.Taken != len(list) {
			t.Errorf("taken %d, entries %d", got.Taken, len(list))
		}
	})
}
