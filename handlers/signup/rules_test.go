package signup

import (
	"testing"
	"time"

	"unionbot"
)

func party(n int) *Entry { return &Entry{UserID: "p", Companions: n - 1} }

func TestAdmit(t *testing.T) {
	open := func(capacity int, waitlist bool) *Event {
		return &Event{Title: "春游", Status: StatusOpen, Capacity: capacity, Waitlist: waitlist}
	}
	for _, tc := range []struct {
		name    string
		ev      *Event
		taken   int
		waiting Line
		places  int
		want    string
		code    string
	}{
		{"fits", open(3, true), 1, Line{}, 2, EntryConfirmed, ""},
		{"no limit", open(0, false), 100, Line{}, 5, EntryConfirmed, ""},
		{"full, waitlist", open(3, true), 3, Line{}, 1, EntryWaiting, ""},
		{"a place free but one who fits waits first", open(3, true), 2, Line{1, 1}, 1, EntryWaiting, ""},
		{"a place free, only a big party waits: the newcomer takes it", open(3, true), 2, Line{1, 3}, 1, EntryConfirmed, ""},
		{"party too big for what is left", open(3, true), 2, Line{}, 2, EntryWaiting, ""},
		{"party bigger than all the places", open(3, true), 0, Line{}, 4, "", unionbot.EFORBIDDEN},
		{"full, no waitlist", open(3, false), 3, Line{}, 1, "", unionbot.EFORBIDDEN},
		{"closed", &Event{Status: StatusClosed, Capacity: 3}, 0, Line{}, 1, "", unionbot.EFORBIDDEN},
	} {
		got, err := Admit(tc.ev, tc.taken, tc.waiting, tc.places)
		if got != tc.want || unionbot.ErrorCode(err) != tc.code && (tc.code != "" || err != nil) {
			t.Errorf("%s: Admit = %q, %v; want %q, code %q", tc.name, got, err, tc.want, tc.code)
		}
	}
}

func TestPromotable(t *testing.T) {
	ev := &Event{Capacity: 4}
	waiting := []*Entry{{UserID: "a", Companions: 1}, {UserID: "b"}, {UserID: "c", Companions: 2}, {UserID: "d"}}
	for _, tc := range []struct {
		taken int
		want  string
	}{
		{4, ""},
		{3, "b"},     // a's party of 2 keeps its place at the head; b behind it fits
		{2, "a"},     // a fits and takes both places
		{1, "a b"},   // then b; c's party of 3 no longer fits, d would but no place is left
		{0, "a b d"}, // c's party of 3 does not fit the one place left; d behind it does
	} {
		var got []string
		for _, e := range Promotable(ev, tc.taken, waiting) {
			got = append(got, e.UserID)
		}
		if g := join(got); g != tc.want {
			t.Errorf("taken %d: promoted %q, want %q", tc.taken, g, tc.want)
		}
	}
	// The case: 3 places, a party of 5 at the head can never go;
	// refused at sign-up now, and a party of 3 waiting behind one of 4 gets in.
	if got := Promotable(&Event{Capacity: 3}, 0, []*Entry{party(4), {UserID: "small", Companions: 2}}); len(got) != 1 || got[0].UserID != "small" {
		t.Fatalf("promoted %+v, want the smaller party behind the one that does not fit", got)
	}
}

func join(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += " "
		}
		out += x
	}
	return out
}

func TestValidateBounds(t *testing.T) {
	base := func() *Event {
		return &Event{Title: "春游", Kind: "出行", StartsAt: mustTime("2026-12-10T08:00:00Z"), Capacity: 10}
	}
	for _, tc := range []struct {
		name string
		edit func(e *Event)
	}{
		{"huge capacity", func(e *Event) { e.Capacity = 1 << 40 }},
		{"companions over capacity", func(e *Event) { e.MaxCompanions = 10 }},
		{"too many companions", func(e *Event) { e.Capacity, e.MaxCompanions = 1000, 50 }},
		{"year 0001", func(e *Event) { e.StartsAt = mustTime("0001-01-01T00:00:00Z") }},
		{"year 2200", func(e *Event) { e.StartsAt = mustTime("2200-01-01T00:00:00Z") }},
		{"opens after it closes", func(e *Event) {
			e.SignupOpensAt, e.SignupClosesAt = mustTime("2026-12-05T00:00:00Z"), mustTime("2026-12-04T00:00:00Z")
		}},
		{"closes after the start", func(e *Event) { e.SignupClosesAt = mustTime("2026-12-11T00:00:00Z") }},
		{"cancel deadline after the start", func(e *Event) { e.CancelDeadline = mustTime("2026-12-11T00:00:00Z") }},
	} {
		e := base()
		tc.edit(e)
		if err := e.Validate(); unionbot.ErrorCode(err) != unionbot.EINVALID {
			t.Errorf("%s: Validate = %v, want invalid", tc.name, err)
		}
	}
	if err := base().Validate(); err != nil {
		t.Fatalf("a sane event refused: %v", err)
	}
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}
