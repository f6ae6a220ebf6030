package storage_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"unionbot"
	"unionbot/bot"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

func TestMembers(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		m, created, err := db.EnsureMember(ctx, "t001", "wecom")
		if err != nil || !created {
			t.Fatalf("EnsureMember = %v, %v, %v; want created", m, created, err)
		}
		if _, created, _ = db.EnsureMember(ctx, "t001", "wecom"); created {
			t.Fatal("EnsureMember created t001 twice")
		}
		m.Name, m.Department, m.Tags = "张老师", "语文组", []string{"女教职工", "班主任"}
		if err := db.SaveMember(ctx, m); err != nil {
			t.Fatal(err)
		}
		got, err := db.FindMember(ctx, "t001")
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff([]string{"女教职工", "班主任"}, got.Tags); diff != "" || got.Name != "张老师" {
			t.Fatalf("member = %+v (tags diff %s)", got, diff)
		}
		list, err := db.ListMembers(ctx, unionbot.MemberFilter{Tag: "女教职工"})
		if err != nil || len(list) != 1 {
			t.Fatalf("ListMembers(tag) = %d, %v; want 1", len(list), err)
		}
		// A late address-book lookup changes the name and department only.
		if err := db.SetProfile(ctx, "t001", "张三", "数学组"); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.FindMember(ctx, "t001"); got.Name != "张三" || got.Department != "数学组" || len(got.Tags) != 2 {
			t.Fatalf("after SetProfile = %+v; want the new name and department with the tags kept", got)
		}
		if err := db.SetProfile(ctx, "nobody", "x", "y"); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			t.Fatalf("SetProfile(nobody) = %v, want not_found", err)
		}
		if _, err := db.FindMember(ctx, "nobody"); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			t.Fatalf("FindMember(nobody) code = %q, want not_found", unionbot.ErrorCode(err))
		}
	})
}

func TestEnsureMemberConcurrent(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		var wg sync.WaitGroup
		created := make(chan bool, 20)
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, c, err := db.EnsureMember(context.Background(), "same", "wecom")
				if err != nil {
					t.Error(err)
				}
				created <- c
			}()
		}
		wg.Wait()
		close(created)
		n := 0
		for c := range created {
			if c {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("created %d times, want 1", n)
		}
	})
}

func TestSessionsDB(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		testSessions(t, db)
	})
}

// TestSessionsCached: with the cache on, sessions behave as the table's,
// every save reaches the table (a second handle, as after a restart, reads
// it), a loaded session is the caller's own copy, and expiry still holds.
func TestSessionsCached(t *testing.T) {
	for _, d := range storagetest.Drivers() {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			url := storagetest.URL(t, d)
			open := func() *storage.DB {
				db, err := storage.Open(ctx, url)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { db.Close() })
				if err := db.Migrate(ctx); err != nil {
					t.Fatal(err)
				}
				return db
			}
			db := open()
			db.CacheSessions()
			testSessions(t, db)

			now := time.Date(2026, 12, 31, 21, 30, 0, 0, time.UTC)
			db.Now = func() time.Time { return now }
			s := &bot.Session{UserID: "t2", Flow: "suggestion", State: json.RawMessage(`{"step":1}`), StartedAt: now, ExpiresAt: now.Add(time.Hour)}
			if err := db.SaveSession(ctx, s); err != nil {
				t.Fatal(err)
			}
			got, err := db.LoadSession(ctx, "t2")
			if err != nil {
				t.Fatal(err)
			}
			got.Flow, got.More = "changed but not saved", []string{"x"}
			if again, _ := db.LoadSession(ctx, "t2"); again == nil || again.Flow != "suggestion" || len(again.More) != 0 {
				t.Fatalf("a caller's unsaved change leaked into the cache: %+v", again)
			}
			restarted := open()
			restarted.Now = db.Now
			if got, err := restarted.LoadSession(ctx, "t2"); err != nil || string(got.State) != `{"step":1}` {
				t.Fatalf("after a restart = %+v, %v; want the saved session", got, err)
			}
			// Past the row's keep time the cache answers as the table does.
			now = now.Add(8 * 24 * time.Hour)
			if _, err := db.LoadSession(ctx, "t2"); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
				t.Fatalf("expired session: code %q, want not_found", unionbot.ErrorCode(err))
			}
			if err := db.PurgeSessions(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := restarted.LoadSession(ctx, "t2"); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
				t.Fatalf("purged session: code %q, want not_found", unionbot.ErrorCode(err))
			}
			testSessionGroups(t, db, open)
			testLightSessions(t, db, open)
		})
	}
}

func TestSessionsRedis(t *testing.T) {
	t.Run("single", func(t *testing.T) { testSessions(t, storagetest.MustOpenRedis(t)) })
	t.Run("sentinel", func(t *testing.T) {
		testSessions(t, storagetest.MustOpenRedisAt(t, storagetest.StartSentinel(t).URL))
	})
	t.Run("cluster", func(t *testing.T) { testSessions(t, storagetest.MustOpenRedisAt(t, storagetest.StartCluster(t))) })
}

func testSessions(t *testing.T, store bot.SessionStore) {
	ctx := context.Background()
	if _, err := store.LoadSession(ctx, "t1"); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
		t.Fatalf("LoadSession(empty) code = %q, want not_found", unionbot.ErrorCode(err))
	}
	now := time.Now().UTC().Truncate(time.Second)
	s := &bot.Session{UserID: "t1", Flow: "suggestion", State: json.RawMessage(`{"title":"食堂"}`), StartedAt: now, ExpiresAt: now.Add(24 * time.Hour)}
	if err := store.SaveSession(ctx, s); err != nil {
		t.Fatal(err)
	}
	got, err := store.LoadSession(ctx, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Flow != "suggestion" || string(got.State) != `{"title":"食堂"}` || !got.ExpiresAt.Equal(s.ExpiresAt) {
		t.Fatalf("session = %+v", got)
	}
	if err := store.DeleteSession(ctx, "t1"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.LoadSession(ctx, "t1"); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
		t.Fatalf("after delete code = %q, want not_found", unionbot.ErrorCode(err))
	}
}

func TestOutboxRetryAndList(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		now := time.Now()
		db.Now = func() time.Time { return now }
		n := &unionbot.Notice{ToUsers: []string{"a", "b"}, Text: "x", Kind: "k"}
		db.Enqueue(ctx, n)
		ns, _ := db.PendingNotices(ctx, 10)
		if len(ns) != 1 || len(ns[0].ToUsers) != 2 {
			t.Fatalf("pending %+v", ns)
		}
		ns[0].Attempts, ns[0].Status, ns[0].LastCode = 1, unionbot.NoticePending, 45009
		db.MarkNotice(ctx, ns[0], now.Add(time.Minute))
		again, _ := db.PendingNotices(ctx, 10)
		if len(again) != 1 || again[0].LastCode != 45009 || again[0].Attempts != 1 || again[0].NextAt.Sub(now.Add(time.Minute)).Abs() > time.Second {
			t.Fatalf("after a retryable failure: %+v; want it pending, due in a minute", again)
		}
		list, _ := db.ListNotices(ctx, "k", 10)
		if len(list) != 1 {
			t.Fatalf("ListNotices = %d, want 1", len(list))
		}
	})
}

func TestMigrateTwice(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		if err := db.Migrate(context.Background()); err != nil {
			t.Fatalf("second Migrate: %v", err)
		}
		v, err := db.SchemaVersion(context.Background())
		if err != nil || v < 1 {
			t.Fatalf("SchemaVersion = %d, %v", v, err)
		}
	})
}

func TestDedupAndLocks(t *testing.T) {
	type store interface {
		bot.Deduper
		bot.Locker
		bot.RateLimiter
	}
	stores := map[string]func(t *testing.T) store{
		"memory": func(t *testing.T) store { return storage.NewMemory() },
		"redis":  func(t *testing.T) store { return storagetest.MustOpenRedis(t) },
		// What a server before Redis 7.0 (no SET … NX GET) gets.
		"redis-script": func(t *testing.T) store {
			r := storagetest.MustOpenRedis(t)
			r.UseClaimScript()
			return r
		},
		// Every key of one operation in one hash slot, or the Cluster
		// refuses the rate limiter's MULTI.
		"cluster":  func(t *testing.T) store { return storagetest.MustOpenRedisAt(t, storagetest.StartCluster(t)) },
		"sentinel": func(t *testing.T) store { return storagetest.MustOpenRedisAt(t, storagetest.StartSentinel(t).URL) },
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			ctx := context.Background()
			first, _ := s.Claim(ctx, "m1", time.Minute)
			second, _ := s.Claim(ctx, "m1", time.Minute)
			if !first || second {
				t.Fatalf("Claim = %v, %v; want true, false", first, second)
			}
			s.SetOutcome(ctx, "m1", "P:hello", time.Minute)
			if out, _ := s.Outcome(ctx, "m1"); out != "P:hello" {
				t.Fatalf("Outcome = %q", out)
			}
			release, ok, err := s.TryLock(ctx, "job", time.Minute)
			if !ok || err != nil {
				t.Fatalf("TryLock = %v, %v", ok, err)
			}
			if _, ok2, _ := s.TryLock(ctx, "job", time.Minute); ok2 {
				t.Fatal("lock taken twice")
			}
			release()
			if _, ok3, _ := s.TryLock(ctx, "job", time.Minute); !ok3 {
				t.Fatal("lock not free after release")
			}
			allowed := 0
			for i := 0; i < 5; i++ {
				if ok, _ := s.Allow(ctx, "u", 3, time.Minute); ok {
					allowed++
				}
			}
			if allowed != 3 {
				t.Fatalf("allowed %d of 5, want 3", allowed)
			}
		})
	}
}

// TestSQLiteReadersBesideWriter: on SQLite a read outside a transaction
// does not wait for the writer: with a write transaction open, a member
// is still found (reads go to the read-only pool, which WAL lets run).
func TestSQLiteReadersBesideWriter(t *testing.T) {
	db := storagetest.MustOpenDB(t, "sqlite")
	ctx := context.Background()
	if err := db.SaveMember(ctx, &unionbot.Member{UserID: "t1", Name: "张老师"}); err != nil {
		t.Fatal(err)
	}
	release, err := db.HoldWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	m, err := db.FindMember(ctx, "t1")
	if err != nil || m.Name != "张老师" {
		t.Fatalf("FindMember while the writer is busy = %+v, %v", m, err)
	}
}

// TestSQLiteInMemory: sqlite://:memory: keeps working on its one
// connection (no read pool, whose connections would each see a database
// of their own).
func TestSQLiteInMemory(t *testing.T) {
	ctx := context.Background()
	db, err := storage.Open(ctx, "sqlite://:memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.SaveMember(ctx, &unionbot.Member{UserID: "t1", Name: "张老师"}); err != nil {
		t.Fatal(err)
	}
	if m, err := db.FindMember(ctx, "t1"); err != nil || m.Name != "张老师" {
		t.Fatalf("FindMember = %+v, %v", m, err)
	}
}

// testSessionGroups saves, changes and deletes the sessions of 200 teachers
// at once, each teacher's steps in order as the bot makes them: whatever
// group each change was committed in, the table holds every teacher's last
// step after a restart.
func testSessionGroups(t *testing.T, db *storage.DB, open func() *storage.DB) {
	ctx := context.Background()
	now := db.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 200)
	for i := range 200 {
		wg.Add(1)
		go func(u string, i int) {
			defer wg.Done()
			for step := 1; step <= 3; step++ {
				s := &bot.Session{UserID: u, Flow: "suggestion", State: json.RawMessage(fmt.Sprintf(`{"step":%d}`, step)), ExpiresAt: now.Add(time.Hour)}
				if err := db.SaveSession(ctx, s); err != nil {
					errs <- err
					return
				}
			}
			if i%4 == 0 { // a quarter finish their form
				if err := db.DeleteSession(ctx, u); err != nil {
					errs <- err
				}
			}
		}(fmt.Sprintf("g%03d", i), i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	restarted := open()
	restarted.Now = db.Now
	for i := range 200 {
		u := fmt.Sprintf("g%03d", i)
		for _, d := range []*storage.DB{db, restarted} {
			got, err := d.LoadSession(ctx, u)
			if i%4 == 0 {
				if unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
					t.Fatalf("%s deleted its session, got %+v, %v", u, got, err)
				}
				continue
			}
			if err != nil || string(got.State) != `{"step":3}` {
				t.Fatalf("%s = %+v, %v; want its last step", u, got, err)
			}
		}
	}
}

// TestLockWithSession: Redis takes a teacher's lock and reads their session
// in one round trip, and records an outcome and gives the lock back in
// another; a second taker waits for the lock, and a teacher without a
// session gets none.
func TestLockWithSession(t *testing.T) {
	stores := map[string]func(t *testing.T) *storage.Redis{
		"redis": func(t *testing.T) *storage.Redis { return storagetest.MustOpenRedis(t) },
		"redis-script": func(t *testing.T) *storage.Redis {
			r := storagetest.MustOpenRedis(t)
			r.UseClaimScript()
			return r
		},
		"cluster": func(t *testing.T) *storage.Redis { return storagetest.MustOpenRedisAt(t, storagetest.StartCluster(t)) },
	}
	for name, open := range stores {
		t.Run(name, func(t *testing.T) {
			r := open(t)
			ctx := context.Background()
			var _ bot.SessionLocker = r
			var _ bot.OutcomeReleaser = r
			if err := r.SaveSession(ctx, &bot.Session{UserID: "t1", Flow: "suggestion", State: json.RawMessage(`{"step":2}`)}); err != nil {
				t.Fatal(err)
			}
			held, ok, s, err := r.TryLockSession(ctx, "user:t1", time.Minute, "t1")
			if err != nil || !ok || s == nil || string(s.State) != `{"step":2}` {
				t.Fatalf("TryLockSession = %v, %+v, %v; want the lock and the session", ok, s, err)
			}
			if _, again, _, _ := r.TryLockSession(ctx, "user:t1", time.Minute, "t1"); again {
				t.Fatal("the lock was taken twice")
			}
			if err := r.SetOutcomeRelease(ctx, "m1", "P:好的", time.Minute, held, nil); err != nil {
				t.Fatal(err)
			}
			if out, _ := r.Outcome(ctx, "m1"); out != "P:好的" {
				t.Fatalf("outcome = %q", out)
			}
			held2, ok, _, err := r.TryLockSession(ctx, "user:t1", time.Minute, "t1")
			if err != nil || !ok {
				t.Fatalf("after SetOutcomeRelease the lock is still held: %v, %v", ok, err)
			}
			// A light session goes with the outcome, before the lock is
			// given back: the next holder reads it; then it is deleted so.
			// Not on a Cluster, whose keys may be on different nodes.
			if got, want := r.CarriesSessions(), name != "cluster"; got != want {
				t.Fatalf("CarriesSessions = %v, want %v", got, want)
			}
			if !r.CarriesSessions() {
				r.ReleaseLock(ctx, held2)
			} else {
				light := &bot.Session{UserID: "t1", Flow: "faq", State: json.RawMessage(`{"q":"体检"}`), Light: true}
				if err := r.SetOutcomeRelease(ctx, "m2", "P:好", time.Minute, held2, &bot.LightSession{UserID: "t1", Save: light}); err != nil {
					t.Fatal(err)
				}
				held3, ok, s, err := r.TryLockSession(ctx, "user:t1", time.Minute, "t1")
				if err != nil || !ok || s == nil || string(s.State) != `{"q":"体检"}` {
					t.Fatalf("after a light session went with the outcome: %v, %+v, %v", ok, s, err)
				}
				if err := r.SetOutcomeRelease(ctx, "m3", "P:好", time.Minute, held3, &bot.LightSession{UserID: "t1"}); err != nil {
					t.Fatal(err)
				}
				held4, ok, s, err := r.TryLockSession(ctx, "user:t1", time.Minute, "t1")
				if err != nil || !ok || s != nil {
					t.Fatalf("after the session was deleted with the outcome: %v, %+v, %v", ok, s, err)
				}
				r.ReleaseLock(ctx, held4)
			}
			if _, ok, s, err := r.TryLockSession(ctx, "user:t2", time.Minute, "t2"); err != nil || !ok || s != nil {
				t.Fatalf("a teacher without a session: %v, %+v, %v", ok, s, err)
			}
		})
	}
}

// testLightSessions: with the cache on, a light session (a question the
// bot asked, no form) is answered from memory and never reaches the
// table; a form saved before it is deleted from the table, so a restart
// does not bring the older form back; a form saved after it is durable.
func testLightSessions(t *testing.T, db *storage.DB, open func() *storage.DB) {
	ctx := context.Background()
	now := db.Now()
	form := &bot.Session{UserID: "l1", Flow: "suggestion", State: json.RawMessage(`{"step":1}`), ExpiresAt: now.Add(time.Hour)}
	choice := &bot.Session{UserID: "l1", Flow: "faq", State: json.RawMessage(`{"q":"会费"}`), ExpiresAt: now.Add(time.Hour), Light: true}
	flowAfterRestart := func() string {
		t.Helper()
		r := open()
		r.Now = db.Now
		s, err := r.LoadSession(ctx, "l1")
		if unionbot.ErrorCode(err) == unionbot.ENOTFOUND {
			return ""
		} else if err != nil {
			t.Fatal(err)
		}
		return s.Flow
	}
	for _, step := range []struct {
		save        *bot.Session
		del         bool
		here, table string
	}{
		{save: form, here: "suggestion", table: "suggestion"},
		{save: choice, here: "faq", table: ""}, // the older form's row is gone too
		{del: true, here: "", table: ""},
		{save: choice, here: "faq", table: ""},
		{save: form, here: "suggestion", table: "suggestion"},
	} {
		if step.del {
			if err := db.DeleteSession(ctx, "l1"); err != nil {
				t.Fatal(err)
			}
		} else if err := db.SaveSession(ctx, step.save); err != nil {
			t.Fatal(err)
		}
		here := ""
		if s, err := db.LoadSession(ctx, "l1"); err == nil {
			here = s.Flow
		}
		if table := flowAfterRestart(); here != step.here || table != step.table {
			t.Fatalf("after %+v: this process has %q, the table %q; want %q, %q", step, here, table, step.here, step.table)
		}
	}
}
