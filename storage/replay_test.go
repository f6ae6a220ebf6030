package storage_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"unionbot/bot"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// TestRememberCallback: a sighting is kept for its window, on the database
// and on Redis; a repeat is the platform's retry only while the request's
// own timestamp is recent.
func TestRememberCallback(t *testing.T) {
	check := func(t *testing.T, g bot.ReplayGuard) {
		ctx := context.Background()
		t0 := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
		if fresh, err := g.RememberCallback(ctx, "wecom:n1:sig", t0, time.Minute); err != nil || !fresh {
			t.Fatalf("first = %v, %v; want fresh", fresh, err)
		}
		if fresh, err := g.RememberCallback(ctx, "wecom:n1:sig", t0.Add(20*time.Second), time.Minute); err != nil || fresh {
			t.Fatalf("again = %v, %v; want seen", fresh, err)
		}
		signed := t0.Add(-time.Minute) // a request signed a minute ago
		if replay, _ := bot.CheckReplay(ctx, g, "wecom", "n2", "sig", signed, t0); replay {
			t.Fatal("a new nonce counted as a replay")
		}
		if replay, _ := bot.CheckReplay(ctx, g, "wecom", "n2", "sig", signed, t0.Add(time.Second)); !replay {
			t.Fatal("the same old request again was not a replay")
		}
		if replay, _ := bot.CheckReplay(ctx, g, "wecom", "n3", "sig", t0, t0); replay {
			t.Fatal("a new nonce counted as a replay")
		}
		if replay, _ := bot.CheckReplay(ctx, g, "wecom", "n3", "sig", t0, t0.Add(10*time.Second)); replay {
			t.Fatal("the platform's retry within seconds counted as a replay")
		}
	}
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		check(t, db)
		late := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC).Add(2 * time.Minute) // the row from check has expired
		if fresh, err := db.RememberCallback(context.Background(), "wecom:n1:sig", late, time.Minute); err != nil || !fresh {
			t.Fatalf("after expiry = %v, %v; want fresh", fresh, err)
		}
	})
	t.Run("redis", func(t *testing.T) { check(t, storagetest.MustOpenRedis(t)) })
}

// TestRedisAdmit: on Redis the replay sighting, the dedup claim and the
// teacher's lock with their session are decided in one pipeline, each as
// it would be alone.
func TestRedisAdmit(t *testing.T) {
	r := storagetest.MustOpenRedis(t)
	ctx := context.Background()
	t0 := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
	if err := r.SaveSession(ctx, &bot.Session{UserID: "t1", Flow: "proposal", State: []byte(`{"step":2}`), ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	admit := func(replay, claim, lock string) bot.Admitted {
		t.Helper()
		a := bot.Admission{ReplayKey: replay, Now: t0, ReplayTTL: time.Minute, ClaimKey: claim, ClaimTTL: time.Hour}
		if lock != "" {
			a.LockKey, a.LockTTL, a.UserID = "user:"+lock, time.Minute, lock
		}
		got, err := r.Admit(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for i, want := range []struct {
		replay, claim string
		fresh, first  bool
	}{
		{"wecom:n1:s", "wecom:msg:1", true, true},
		{"wecom:n1:s", "wecom:msg:1", false, false}, // the platform's retry
		{"wecom:n2:s", "wecom:msg:1", true, false},  // same message, new signature
		{"wecom:n1:s", "wecom:msg:2", false, true},
	} {
		if got := admit(want.replay, want.claim, ""); got.Fresh != want.fresh || got.First != want.first || got.Locked {
			t.Fatalf("%d: %+v; want fresh %v first %v, no lock", i, got, want.fresh, want.first)
		}
	}
	if ok, err := r.Claim(ctx, "wecom:msg:1", time.Hour); err != nil || ok {
		t.Fatalf("Claim after Admit = %v, %v; want taken", ok, err)
	}
	if fresh, err := r.RememberCallback(ctx, "wecom:n2:s", t0, time.Minute); err != nil || fresh {
		t.Fatalf("RememberCallback after Admit = %v, %v; want seen", fresh, err)
	}

	got := admit("wecom:n3:s", "wecom:msg:3", "t1")
	if !got.Locked || got.Session == nil || got.Session.Flow != "proposal" || string(got.Session.State) != `{"step":2}` {
		t.Fatalf("with the lock: %+v; want it taken with t1's session", got)
	}
	if again := admit("wecom:n4:s", "wecom:msg:4", "t1"); again.Locked || !again.First {
		t.Fatalf("while t1's lock is held: %+v; want the claim without the lock", again)
	}
	if _, ok, _, err := r.TryLockSession(ctx, "user:t1", time.Minute, "t1"); err != nil || ok {
		t.Fatalf("TryLockSession while Admit's lock is held = %v, %v", ok, err)
	}
	if err := r.SetOutcomeRelease(ctx, "wecom:msg:3", "N", time.Hour, got.Held, nil); err != nil {
		t.Fatal(err)
	}
	if got := admit("wecom:n5:s", "wecom:msg:5", "t2"); !got.Locked || got.Session != nil {
		t.Fatalf("a teacher without a session: %+v", got)
	}
	held, ok, s, err := r.TryLockSession(ctx, "user:t1", time.Minute, "t1")
	if err != nil || !ok || s == nil {
		t.Fatalf("TryLockSession after the release = %v, %v, %v", ok, s, err)
	}
	r.ReleaseLock(ctx, held)
}

// TestRedisAdmitCountsRate: Admit counts a message against its teacher's
// rate limit in its round trip, on the counter Allow uses, on one Redis and
// on a Cluster (the claim and the counters are in different slots).
func TestRedisAdmitCountsRate(t *testing.T) {
	for name, open := range map[string]func(t *testing.T) *storage.Redis{
		"redis":   func(t *testing.T) *storage.Redis { return storagetest.MustOpenRedis(t) },
		"cluster": func(t *testing.T) *storage.Redis { return storagetest.MustOpenRedisAt(t, storagetest.StartCluster(t)) },
	} {
		t.Run(name, func(t *testing.T) {
			r := open(t)
			ctx := context.Background()
			admit := func(n int, user string) bot.Admitted {
				t.Helper()
				got, err := r.Admit(ctx, bot.Admission{ReplayKey: fmt.Sprintf("wecom:n%d:s", n), Now: time.Now(), ReplayTTL: time.Minute,
					ClaimKey: fmt.Sprintf("wecom:msg:%d", n), ClaimTTL: time.Hour,
					RateKey: "rate:" + user, RateLimit: 2, RateWindow: time.Minute})
				if err != nil {
					t.Fatal(err)
				}
				if !got.Fresh || !got.First {
					t.Fatalf("message %d: %+v; want fresh and first", n, got)
				}
				return got
			}
			for i, want := range []bool{true, true, false} {
				if got := admit(i, "t1"); !got.RateChecked || got.RateAllowed != want {
					t.Fatalf("t1's message %d: checked %v allowed %v; want allowed %v", i+1, got.RateChecked, got.RateAllowed, want)
				}
			}
			if ok, err := r.Allow(ctx, "rate:t1", 2, time.Minute); err != nil || ok {
				t.Fatalf("Allow after three Admits = %v, %v; want over the limit", ok, err)
			}
			if got := admit(10, "t2"); !got.RateChecked || !got.RateAllowed {
				t.Fatalf("another teacher: %+v; want within the limit", got)
			}
			if got, err := r.Admit(ctx, bot.Admission{ReplayKey: "wecom:n20:s", Now: time.Now(), ReplayTTL: time.Minute,
				ClaimKey: "wecom:msg:20", ClaimTTL: time.Hour}); err != nil || got.RateChecked {
				t.Fatalf("without a RateKey: %+v, %v; want nothing counted", got, err)
			}
		})
	}
}

// TestRedisAdmitGroups: admissions arriving together share pipelines, and
// each is answered as it would be alone: of two deliveries of one message
// one is first, of two sightings of one request one is fresh, of many
// messages from one teacher one takes the lock.
func TestRedisAdmitGroups(t *testing.T) {
	r := storagetest.MustOpenRedis(t)
	ctx := context.Background()
	const messages = 30
	type result struct {
		i   int
		got bot.Admitted
		err error
	}
	var admissions []bot.Admission
	for i := 0; i < messages; i++ {
		for rep := 0; rep < 2; rep++ { // the platform's retry: a new signature, the same message
			admissions = append(admissions, bot.Admission{ReplayKey: fmt.Sprintf("wecom:n%d-%d:s", i, rep), Now: time.Now(), ReplayTTL: time.Minute,
				ClaimKey: fmt.Sprintf("wecom:msg:%d", i), ClaimTTL: time.Hour})
		}
	}
	for i := 0; i < 10; i++ { // one request seen ten times; one teacher's lock wanted ten times
		admissions = append(admissions, bot.Admission{ReplayKey: "wecom:same:s", Now: time.Now(), ReplayTTL: time.Minute,
			ClaimKey: fmt.Sprintf("wecom:locker:%d", i), ClaimTTL: time.Hour, LockKey: "user:t9", LockTTL: time.Minute, UserID: "t9"})
	}
	before := r.RoundTrips()
	results := make(chan result, len(admissions))
	atOnce(len(admissions), func(i int) {
		got, err := r.Admit(ctx, admissions[i])
		results <- result{i, got, err}
	})
	close(results)
	first := map[string]int{}
	fresh, locked := 0, 0
	for res := range results {
		if res.err != nil {
			t.Fatal(res.err)
		}
		a := admissions[res.i]
		if res.got.First {
			first[a.ClaimKey]++
		}
		if a.ReplayKey == "wecom:same:s" && res.got.Fresh {
			fresh++
		}
		if res.got.Locked {
			locked++
		}
	}
	for i := 0; i < messages; i++ {
		if n := first[fmt.Sprintf("wecom:msg:%d", i)]; n != 1 {
			t.Errorf("message %d: %d deliveries first, want 1", i, n)
		}
	}
	if fresh != 1 || locked != 1 {
		t.Errorf("one request seen ten times: %d fresh; one teacher's lock: taken %d times; want 1 and 1", fresh, locked)
	}
	if trips := r.RoundTrips() - before; trips >= int64(len(admissions)) {
		t.Errorf("%d admissions took %d round trips: none shared a pipeline", len(admissions), trips)
	}
}

// TestRedisGroupErrorsStayOwn: messages share pipelines, admissions and
// outcomes alike, and a command Redis refuses fails its own message only.
// Some teachers' session keys and some locks hold lists (WRONGTYPE for
// GET, and for the release script): their admissions and outcomes fail,
// and every other one sent at the same time goes through. Before, the
// pipeline's first refusal was every sharer's error.
func TestRedisGroupErrorsStayOwn(t *testing.T) {
	r := storagetest.MustOpenRedis(t)
	ctx := context.Background()
	opt, err := redis.ParseURL(storagetest.RedisURL(t))
	if err != nil {
		t.Fatal(err)
	}
	raw := redis.NewClient(opt)
	defer raw.Close()
	const good, bad = 40, 8
	for i := 0; i < bad; i++ {
		for _, k := range []string{fmt.Sprintf("session:bad%d", i), fmt.Sprintf("lock:user:badlock%d", i)} {
			if err := raw.RPush(ctx, r.Prefix+k, "not a string").Err(); err != nil {
				t.Fatal(err)
			}
		}
	}
	admission := func(user string) bot.Admission {
		return bot.Admission{ReplayKey: "wecom:" + user + ":s", Now: time.Now(), ReplayTTL: time.Minute,
			ClaimKey: "wecom:msg:" + user, ClaimTTL: time.Hour, LockKey: "user:" + user, LockTTL: time.Minute, UserID: user}
	}
	// The good teachers' locks, taken one by one, to be released below
	// beside the bad ones' admissions.
	held := map[string]bot.HeldLock{}
	for i := 0; i < good; i++ {
		u := fmt.Sprintf("held%d", i)
		got, err := r.Admit(ctx, admission(u))
		if err != nil || !got.Locked {
			t.Fatalf("admit %s: %+v, %v", u, got, err)
		}
		held[u] = got.Held
	}
	type result struct {
		what string
		err  error
	}
	var jobs []func() result
	for i := 0; i < good; i++ {
		u := fmt.Sprintf("good%d", i)
		jobs = append(jobs, func() result {
			got, err := r.Admit(ctx, admission(u))
			if err == nil && (!got.Locked || !got.First || !got.Fresh) {
				err = fmt.Errorf("admitted %+v, want fresh, first and locked", got)
			}
			return result{"admit " + u, err}
		})
		h := fmt.Sprintf("held%d", i)
		jobs = append(jobs, func() result {
			return result{"outcome " + h, r.SetOutcomeRelease(ctx, "wecom:msg:"+h, "答复", time.Hour, held[h], nil)}
		})
	}
	for i := 0; i < bad; i++ {
		u := fmt.Sprintf("bad%d", i)
		jobs = append(jobs, func() result { _, err := r.Admit(ctx, admission(u)); return result{"admit " + u, err} })
		lock := bot.HeldLock{Key: r.Prefix + fmt.Sprintf("lock:user:badlock%d", i), Token: "t"}
		jobs = append(jobs, func() result {
			return result{"outcome badlock", r.SetOutcomeRelease(ctx, "wecom:msg:badlock"+u, "答复", time.Hour, lock, nil)}
		})
	}
	before := r.RoundTrips()
	results := make(chan result, len(jobs))
	atOnce(len(jobs), func(i int) { results <- jobs[i]() })
	close(results)
	failed := 0
	for res := range results {
		isBad := strings.Contains(res.what, "bad")
		switch {
		case isBad && (res.err == nil || !strings.Contains(res.err.Error(), "WRONGTYPE")):
			t.Errorf("%s: %v, want its own WRONGTYPE", res.what, res.err)
		case !isBad && res.err != nil:
			t.Errorf("%s: %v, want it through (a refusal of another message's command)", res.what, res.err)
		}
		if res.err != nil {
			failed++
		}
	}
	if failed != 2*bad {
		t.Errorf("%d of %d failed, want the %d with a bad key", failed, len(jobs), 2*bad)
	}
	if trips := r.RoundTrips() - before; trips >= int64(len(jobs))/2 {
		t.Errorf("%d messages took %d round trips: too few shared a pipeline for the test to mean anything", len(jobs), trips)
	}
	// The released locks are free again: the next message of each takes it.
	for i := 0; i < good; i++ {
		u := fmt.Sprintf("held%d", i)
		release, ok, err := r.TryLock(ctx, "user:"+u, time.Minute)
		if err != nil || !ok {
			t.Fatalf("lock of %s after its outcome: %v, %v; want free", u, ok, err)
		}
		release()
	}
	// Alone, too: a lock taken beside a session read that Redis refused
	// is given back.
	if _, ok, _, err := r.TryLockSession(ctx, "user:bad0", time.Minute, "bad0"); err == nil || ok {
		t.Fatalf("lock with a refused session read: %v, %v; want the refusal", ok, err)
	}
	release, ok, err := r.TryLock(ctx, "user:bad0", time.Minute)
	if err != nil || !ok {
		t.Fatalf("lock of bad0 after a refused session read: %v, %v; want free", ok, err)
	}
	release()
}

// atOnce runs f(0) … f(n-1) each on its own goroutine, all let go at the
// same moment (so that they share pipelines), and waits for them.
func atOnce(n int, f func(i int)) {
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			f(i)
		}()
	}
	close(start)
	wg.Wait()
}

// TestReplayCache: with the sightings in memory (SQLite, one process), a
// callback is still refused after a restart, and past the cap the oldest
// are looked up in the table, so none is forgotten within its window.
func TestReplayCache(t *testing.T) {
	ctx := context.Background()
	url := storagetest.URL(t, "sqlite")
	t0 := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
	open := func() *storage.DB {
		db, err := storage.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return t0 }
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.CacheReplays(ctx, 3, nil); err != nil {
			t.Fatal(err)
		}
		return db
	}
	remember := func(db *storage.DB, key string, at time.Time) bool {
		t.Helper()
		fresh, err := db.RememberCallback(ctx, key, at, bot.ReplayWindow)
		if err != nil {
			t.Fatalf("remember %s: %v", key, err)
		}
		return fresh
	}
	db := open()
	keys := []string{"wecom:a:s", "wecom:b:s", "wecom:c:s", "wecom:d:s", "wecom:e:s", "wecom:f:s"}
	for i, k := range keys {
		if !remember(db, k, t0.Add(time.Duration(i)*time.Second)) {
			t.Fatalf("%s: seen before it was sent", k)
		}
	}
	db.FlushReplays() // logs all six and keeps the newest three in memory
	for _, k := range keys {
		if remember(db, k, t0.Add(time.Minute)) {
			t.Fatalf("%s forgotten before the restart", k)
		}
	}
	if err := db.Close(); err != nil { // writes what is pending
		t.Fatal(err)
	}

	db = open() // a restart: the cap of 3 holds the newest, the table the rest
	defer db.Close()
	for _, k := range keys {
		if remember(db, k, t0.Add(2*time.Minute)) {
			t.Fatalf("%s forgotten after the restart", k)
		}
	}
	if !remember(db, "wecom:g:s", t0.Add(2*time.Minute)) {
		t.Fatal("a new callback counted as seen")
	}
	if !remember(db, "wecom:a:s", t0.Add(bot.ReplayWindow+time.Hour)) {
		t.Fatal("a sighting was kept past its window")
	}
}

// TestReplayCacheBatch: more sightings than one INSERT carries are all
// written, and a restart knows every one.
func TestReplayCacheBatch(t *testing.T) {
	ctx := context.Background()
	url := storagetest.URL(t, "sqlite")
	t0 := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
	var db *storage.DB
	for round := 0; round < 2; round++ {
		var err error
		if db, err = storage.Open(ctx, url); err != nil {
			t.Fatal(err)
		}
		db.Now = func() time.Time { return t0 }
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := db.CacheReplays(ctx, 0, nil); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 1000; i++ {
			fresh, err := db.RememberCallback(ctx, fmt.Sprintf("wecom:n%d:s", i), t0, bot.ReplayWindow)
			if err != nil || fresh != (round == 0) {
				t.Fatalf("round %d, callback %d: fresh=%v, %v", round, i, fresh, err)
			}
		}
		db.Close()
	}
}

// TestSightingBatchesMigration: sightings that step 18's log held when the
// bot stopped are still refused after step 20 replaced the log; keys
// holding what a crafted nonce can (newlines, NULs, a long run) survive a
// restart through the packed rows; a damaged row does not stop the start.
func TestSightingBatchesMigration(t *testing.T) {
	ctx := context.Background()
	url := storagetest.URL(t, "sqlite")
	t0 := time.Date(2026, 12, 31, 23, 59, 0, 0, time.UTC)
	db, err := storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	db.Now = func() time.Time { return t0 }
	if err := db.MigrateTo(ctx, 19); err != nil {
		t.Fatal(err)
	}
	if err := db.ExecRaw(ctx, "INSERT INTO callback_sightings (`key`, first_seen, expires_at) VALUES (?, ?, ?)",
		"wecom:old:sig", t0.Add(-time.Minute), t0.Add(4*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.CacheReplays(ctx, 0, nil); err != nil {
		t.Fatal(err)
	}
	odd := []string{"wecom:a\nb:sig", "wecom:\x00\xff:sig", "wecom:" + strings.Repeat("长", 300) + ":sig"}
	for _, k := range odd {
		if fresh, err := db.RememberCallback(ctx, k, t0, bot.ReplayWindow); err != nil || !fresh {
			t.Fatalf("%q: fresh=%v, %v", k, fresh, err)
		}
	}
	db.Close()

	db, err = storage.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.Now = func() time.Time { return t0 }
	// A damaged row is skipped, not a bot that will not start.
	if err := db.ExecRaw(ctx, "INSERT INTO callback_sighting_batches (expires_min, expires_max, sightings) VALUES (?, ?, ?)",
		t0, t0.Add(time.Hour), []byte{0xff, 0xff}); err != nil {
		t.Fatal(err)
	}
	if err := db.CacheReplays(ctx, 0, nil); err != nil {
		t.Fatal(err)
	}
	for _, k := range append(odd, "wecom:old:sig") {
		if fresh, err := db.RememberCallback(ctx, k, t0.Add(time.Minute), bot.ReplayWindow); err != nil || fresh {
			t.Errorf("%q after the restart: fresh=%v, %v; want seen", k, fresh, err)
		}
	}
	if fresh, _ := db.RememberCallback(ctx, "wecom:a\nb:sig2", t0.Add(time.Minute), bot.ReplayWindow); !fresh {
		t.Error("a new key counted as seen")
	}
}
