package storage_test

import (
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"unionbot"
	"unionbot/handlers/proposal"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

func submit(tb testing.TB, db *storage.DB, kind, author string, year int) (*proposal.Proposal, error) {
	p := &proposal.Proposal{Kind: kind, Year: year, Title: "建议" + author, Category: "其他", Content: "内容", Measures: "措施",
		AuthorID: author, AuthorName: author, Status: proposal.StatusSubmitted}
	err := db.SubmitProposal(tb.Context(), p, &proposal.LogEntry{To: p.Status, By: author}, func(p *proposal.Proposal) []*unionbot.Notice {
		return []*unionbot.Notice{{ToUsers: []string{"admin"}, Text: "新建议 " + p.No, Kind: "proposal", Ref: p.No}}
	})
	return p, err
}

// TestProposalNumbersConcurrent: 200 submissions at once get 200 distinct,
// consecutive numbers; another kind and another year count on their own.
func TestProposalNumbersConcurrent(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		const n = 200
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			nos  []string
			errs []error
		)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, err := submit(t, db, proposal.KindSuggestion, fmt.Sprintf("t%03d", i), 2026)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
					return
				}
				nos = append(nos, p.No)
			}()
		}
		wg.Wait()
		if len(errs) > 0 {
			t.Fatalf("%d submissions failed, first: %v", len(errs), errs[0])
		}
		sort.Strings(nos)
		for i, no := range nos {
			if want := proposal.Number(proposal.KindSuggestion, 2026, i+1); no != want {
				t.Fatalf("numbers[%d] = %s, want %s (numbers must be distinct and consecutive)", i, no, want)
			}
		}
		list, err := db.ListProposals(t.Context(), proposal.Filter{Kind: proposal.KindSuggestion})
		if err != nil || len(list) != n {
			t.Fatalf("stored %d proposals (%v), want %d", len(list), err, n)
		}
		notices, err := db.ListNotices(t.Context(), "proposal", 1000)
		if err != nil || len(notices) != n {
			t.Fatalf("queued %d notices (%v), want %d, one per submission", len(notices), err, n)
		}
		for _, tc := range []struct {
			kind string
			year int
			want string
		}{{proposal.KindMotion, 2026, "TA-2026-0001"}, {proposal.KindSuggestion, 2027, "JY-2027-0001"}} {
			if p, err := submit(t, db, tc.kind, "x", tc.year); err != nil || p.No != tc.want {
				t.Errorf("first %s of %d = %v, %v; want %s", tc.kind, tc.year, p.No, err, tc.want)
			}
		}
	})
}

// TestProposalUpdateRollsBack: a refused change leaves the proposal, its
// log and the outbox as they were.
func TestProposalUpdateRollsBack(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		p, err := submit(t, db, proposal.KindSuggestion, "t001", 2026)
		if err != nil {
			t.Fatal(err)
		}
		_, err = db.UpdateProposal(t.Context(), p.No, func(p *proposal.Proposal) (*proposal.Change, error) {
			p.Status = proposal.StatusClosed
			return nil, unionbot.Errorf(unionbot.ECONFLICT, "不行")
		})
		if unionbot.ErrorCode(err) != unionbot.ECONFLICT {
			t.Fatalf("err = %v, want the conflict", err)
		}
		got, err := db.GetProposal(t.Context(), p.No)
		if err != nil || got.Status != proposal.StatusSubmitted {
			t.Fatalf("after a refused change: %+v, %v", got, err)
		}
		if _, err := db.GetProposal(t.Context(), "JY-2026-9999"); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			t.Fatalf("unknown number: %v, want ENOTFOUND", err)
		}
		due, err := db.DueSeconding(t.Context(), time.Now().Add(time.Hour))
		if err != nil || len(due) != 0 {
			t.Fatalf("due seconding = %v, %v", due, err)
		}
	})
}
