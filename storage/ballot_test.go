package storage_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"unionbot"
	"unionbot/handlers/ballot"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// mustOpenBallot creates n members tagged 代表 (and one without the tag)
// and opens a one-motion ballot for the tag.
func mustOpenBallot(t *testing.T, db *storage.DB, svc *ballot.Service, n int) *ballot.Ballot {
	t.Helper()
	ctx := t.Context()
	for i := 0; i < n; i++ {
		if err := db.SaveMember(ctx, &unionbot.Member{UserID: fmt.Sprintf("r%03d", i), Tags: []string{"代表"}, Role: unionbot.RoleMember}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SaveMember(ctx, &unionbot.Member{UserID: "outsider", Role: unionbot.RoleMember}); err != nil {
		t.Fatal(err)
	}
	now := svc.Now()
	b := &ballot.Ballot{Title: "审议学校工作报告", ElectorateTag: "代表", OpensAt: now.Add(-time.Minute), ClosesAt: now.Add(time.Hour),
		Questions: []ballot.Question{{Kind: ballot.KindMotion, Title: "学校工作报告"}}}
	if err := svc.Create(ctx, b); err != nil {
		t.Fatal(err)
	}
	b, err := svc.Open(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b.Electorate != n {
		t.Fatalf("electorate=%d, want %d", b.Electorate, n)
	}
	return b
}

// TestCastConcurrent: 200 representatives vote at once, each twice; every
// first vote is stored once under a distinct receipt, every second one is
// refused by the turnout table's key, and the close counts them all.
func TestCastConcurrent(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		const n = 200
		svc := &ballot.Service{Store: db, Now: time.Now}
		b := mustOpenBallot(t, db, svc, n)
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			receipts = map[string]bool{}
			refused  int
		)
		yes := []ballot.Answer{{Picks: []string{ballot.Yes}}}
		for i := 0; i < n; i++ {
			for try := 0; try < 2; try++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r, err := svc.Cast(t.Context(), b.ID, fmt.Sprintf("r%03d", i), yes)
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						receipts[r] = true
					case unionbot.ErrorCode(err) == unionbot.ECONFLICT:
						refused++
					default:
						t.Errorf("cast: %v", err)
					}
				}()
			}
		}
		wg.Wait()
		if len(receipts) != n || refused != n {
			t.Fatalf("receipts=%d refused=%d, want %d and %d", len(receipts), refused, n, n)
		}
		if _, err := svc.Cast(t.Context(), b.ID, "outsider", yes); unionbot.ErrorCode(err) != unionbot.EFORBIDDEN {
			t.Errorf("outsider votes: %v, want EFORBIDDEN", err)
		}
		closed, err := svc.Close(t.Context(), b.ID)
		if err != nil {
			t.Fatal(err)
		}
		got := closed.Result.Tally.Questions[0].Counts[0]
		if got.Votes != n || closed.Result.Tally.Voted != n || len(closed.Result.Lines) != n {
			t.Fatalf("赞成=%d voted=%d lines=%d, want %d each", got.Votes, closed.Result.Tally.Voted, len(closed.Result.Lines), n)
		}
		if _, err := svc.Cast(t.Context(), b.ID, "r000", yes); unionbot.ErrorCode(err) != unionbot.ECONFLICT {
			t.Errorf("vote after close: %v, want ECONFLICT", err)
		}
		again, err := db.GetBallot(t.Context(), b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if again.Result == nil || again.Result.Head != closed.Result.Head {
			t.Fatalf("stored result head differs from the published one")
		}
		if _, err := ballot.Verify(again.Result); err != nil {
			t.Fatalf("verify the stored result: %v", err)
		}
		notices, err := db.ListNotices(t.Context(), "ballot", 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(notices) != 1 || len(notices[0].ToUsers) != n {
			t.Fatalf("result notices = %d, want 1 to all %d voters", len(notices), n)
		}
	})
}

// TestBallotReminders: each reminder goes out once, only to those who
// have not voted.
func TestBallotReminders(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		svc := &ballot.Service{Store: db, Now: time.Now}
		b := mustOpenBallot(t, db, svc, 3)
		if _, err := svc.Cast(t.Context(), b.ID, "r001", []ballot.Answer{{Picks: []string{ballot.No}}}); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 2; i++ {
			if err := svc.CloseJob(t.Context(), time.Now()); err != nil {
				t.Fatal(err)
			}
		}
		notices, err := db.ListNotices(t.Context(), "ballot", 100)
		if err != nil {
			t.Fatal(err)
		}
		if len(notices) != 1 {
			t.Fatalf("reminders = %d, want 1 (the 1-hour one, once)", len(notices))
		}
		if got := fmt.Sprint(notices[0].ToUsers); got != "[r000 r002]" {
			t.Errorf("reminded %s, want [r000 r002]", got)
		}
	})
}
