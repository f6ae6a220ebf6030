package faq

import (
	"math"
	"testing"
)

// TestAccumReusedAsFresh: one index asked many questions in a row (its
// scratch, the term map and the accumulators, reused through Index.accums
// and wiped after each question) ranks every question as an index asked
// that question alone.
func TestAccumReusedAsFresh(t *testing.T) {
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	entries, err := DefaultEntries()
	if err != nil {
		t.Fatal(err)
	}
	for i, en := range entries {
		en.ID = int64(i + 1)
	}
	questions := []string{"生孩子工会有慰问金吗", "體檢什麼時候", "会费一个月扣多少", "工会组织教职工开展文体活动",
		"羽毛球比赛怎么报名", "生病住院工会有补助吗", "会费", "啥时候发节日慰问品", "退休了还能参加工会活动吗", "教代会提案怎么写"}
	shared := NewIndex(e.seg, entries)
	for round := 0; round < 3; round++ {
		for _, q := range questions {
			all, own := shared.SearchOwn(q, 5)
			fresh := NewIndex(e.seg, entries)
			wantAll, wantOwn := fresh.SearchOwn(q, 5)
			if len(wantAll) == 0 {
				t.Fatalf("%q: no hits at all", q)
			}
			if !sameHits(all, wantAll) || !sameHits(own, wantOwn) {
				t.Fatalf("round %d, %q: reused %+v / %+v, fresh %+v / %+v", round, q, all, own, wantAll, wantOwn)
			}
		}
	}
}

// sameHits: the same entries in the same order, with the same words and
// exactness, and scores equal but for the last bits (a question's terms
// are summed in map order, which differs from call to call).
func sameHits(a, b []Hit) bool {
	if len(a) != len(b) {
		return false
	}
	near := func(x, y float64) bool { return math.Abs(x-y) <= 1e-12*math.Max(1, math.Abs(y)) }
	for i := range a {
		if a[i].Entry.ID != b[i].Entry.ID || a[i].Words != b[i].Words || a[i].Exact != b[i].Exact ||
			!near(a[i].Score, b[i].Score) || !near(a[i].Coverage, b[i].Coverage) {
			return false
		}
	}
	return true
}
