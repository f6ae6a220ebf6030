package signup

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"unionbot"
)

// TestDraw: those who have not gone within the look-back span come first,
// then by the year they last went (oldest first); within a group the order
// is the lottery's, which is the SHA-256 of "seed:user id" and nothing else,
// so the same seed always gives the same list and another seed another.
func TestDraw(t *testing.T) {
	cands := []Candidate{{"u1", "甲", 2025}, {"u2", "乙", 2024}, {"u3", "丙", 0}, {"u4", "丁", 0}, {"u5", "戊", 0}, {"u6", "己", 2024}}
	order := func(seed string) []string {
		var out []string
		for _, c := range Draw(seed, cands) {
			out = append(out, c.UserID)
		}
		return out
	}
	got := order("a1b2")
	groups := [][]string{got[:3], got[3:5], got[5:]}
	for i, want := range [][]string{{"u3", "u4", "u5"}, {"u2", "u6"}, {"u1"}} {
		if strings.Join(sorted(groups[i]), ",") != strings.Join(want, ",") {
			t.Fatalf("order %v: group %d is %v, want %v", got, i, groups[i], want)
		}
		for k := 1; k < len(groups[i]); k++ {
			if Ticket("a1b2", groups[i][k-1]) > Ticket("a1b2", groups[i][k]) {
				t.Fatalf("order %v: %s before %s against their tickets", got, groups[i][k-1], groups[i][k])
			}
		}
	}
	sum := sha256.Sum256([]byte("a1b2:u3"))
	if Ticket("a1b2", "u3") != hex.EncodeToString(sum[:]) {
		t.Fatalf("ticket is not sha256(seed:user)")
	}
	for range 3 {
		if again := order("a1b2"); strings.Join(again, ",") != strings.Join(got, ",") {
			t.Fatalf("same seed gave %v then %v", got, again)
		}
	}
	differs := false
	for _, seed := range []string{"x", "y", "z", "w"} {
		differs = differs || strings.Join(order(seed)[:3], ",") != strings.Join(got[:3], ",")
	}
	if !differs {
		t.Fatalf("four other seeds all gave the never-gone group as %v", got[:3])
	}
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestAllocate: places go in drawn order to each party that fits (a
// family too big for what is left keeps its turn on the waitlist); the
// rest wait in order, or get nothing without a waitlist; Verify accepts
// the published draw and refuses one whose order was changed.
func TestAllocate(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	ev := &Event{ID: 7, Title: "暑期疗养", Kind: "疗养", Capacity: 3, Waitlist: true, LookbackYears: 3, Allocation: AllocRotation}
	reg := []*Entry{{ID: 1, UserID: "u1", Companions: 2}, {ID: 2, UserID: "u2"}, {ID: 3, UserID: "u3"}, {ID: 4, UserID: "u4"}}
	last := map[string]time.Time{"u3": time.Date(2025, 12, 31, 17, 0, 0, 0, time.UTC)} // 2026-01-01 in Beijing
	pub, ordered := Allocate(loc)(ev, "seed", reg, last)
	if pub.Order[3].UserID != "u3" || pub.Order[3].Last != 2026 {
		t.Fatalf("u3 went in 2026 (Beijing time): order %+v", pub.Order)
	}
	taken, waiting := 0, 0
	for i, e := range ordered {
		if e.Status == EntryConfirmed {
			taken += e.Places()
		} else if e.Status == EntryWaiting {
			waiting++
			if e.Position != waiting {
				t.Fatalf("%s position %d, want %d", e.UserID, e.Position, waiting)
			}
		}
		if pub.Order[i].Outcome != e.Status {
			t.Fatalf("published outcome %s for %s, status %s", pub.Order[i].Outcome, e.UserID, e.Status)
		}
	}
	if taken > 3 || taken < 2 {
		t.Fatalf("%d places taken of 3: %+v", taken, pub.Order)
	}
	if err := Verify(pub); err != nil {
		t.Fatalf("verify: %v", err)
	}
	pub.Order[0], pub.Order[1] = pub.Order[1], pub.Order[0]
	if err := Verify(pub); unionbot.ErrorCode(err) != unionbot.EINVALID {
		t.Fatalf("verify of a swapped order: %v, want EINVALID", err)
	}

	ev.Waitlist = false
	_, ordered = Allocate(loc)(ev, "seed", []*Entry{{UserID: "a"}, {UserID: "b"}, {UserID: "c"}, {UserID: "d"}}, nil)
	lost := 0
	for _, e := range ordered {
		if e.Status == EntryCancelled {
			lost++
		}
	}
	if lost != 1 {
		t.Fatalf("without a waitlist %d got no place, want 1", lost)
	}
}

func TestWindowSettings(t *testing.T) {
	for in, want := range map[string]time.Duration{"24h": 24 * time.Hour, "2d": 48 * time.Hour, "90m": 90 * time.Minute, "": 0, "off": 0} {
		got, err := ParseWindow(in)
		if err != nil || got != want {
			t.Fatalf("ParseWindow(%q) = %v, %v; want %v", in, got, err, want)
		}
		if back, _ := ParseWindow(FormatWindow(got)); back != got {
			t.Fatalf("FormatWindow(%v) = %q does not read back", got, FormatWindow(got))
		}
	}
	if _, err := ParseWindow("明天"); unionbot.ErrorCode(err) != unionbot.EINVALID {
		t.Fatalf("ParseWindow(明天): %v", err)
	}
	start := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		ev   Event
		ok   bool
	}{
		{"defaults", Event{Title: "x", StartsAt: start}, true},
		{"window too short", Event{Title: "x", StartsAt: start, ConfirmWithin: time.Minute}, false},
		{"rotation needs a deadline", Event{Title: "x", StartsAt: start, Allocation: AllocRotation}, false},
		{"rotation", Event{Title: "x", StartsAt: start, Allocation: AllocRotation, SignupClosesAt: start.Add(-time.Hour)}, true},
		{"unknown rule", Event{Title: "x", StartsAt: start, Allocation: "lottery"}, false},
		{"look-back too long", Event{Title: "x", StartsAt: start, LookbackYears: 50}, false},
	} {
		err := tc.ev.Validate()
		if (err == nil) != tc.ok {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if tc.ok && (tc.ev.Allocation == "" || tc.ev.LookbackYears != DefaultLookbackYears) {
			t.Fatalf("%s: allocation %q look-back %d, want defaults", tc.name, tc.ev.Allocation, tc.ev.LookbackYears)
		}
	}
}
