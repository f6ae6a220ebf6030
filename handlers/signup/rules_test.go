package signup

import (
	"testing"

	"unionbot"
)

func TestAdmit(t *testing.T) {
	open := func(capacity int, waitlist bool) *Event {
		return &Event{Title: "春游", Status: StatusOpen, Capacity: capacity, Waitlist: waitlist}
	}
	for _, tc := range []struct {
		name                   string
		ev                     *Event
		taken, waiting, places int
		want, code             string
	}{
		{"fits", open(3, true), 1, 0, 2, EntryConfirmed, ""},
		{"no limit", open(0, false), 100, 0, 5, EntryConfirmed, ""},
		{"full, waitlist", open(3, true), 3, 0, 1, EntryWaiting, ""},
		{"room but others wait first", open(3, true), 1, 1, 1, EntryWaiting, ""},
		{"party too big for what is left", open(3, true), 2, 0, 2, EntryWaiting, ""},
		{"full, no waitlist", open(3, false), 3, 0, 1, "", unionbot.EFORBIDDEN},
		{"closed", &Event{Status: StatusClosed, Capacity: 3}, 0, 0, 1, "", unionbot.EFORBIDDEN},
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
		want  []string
	}{
		{4, nil},
		{2, []string{"a"}},
		{1, []string{"a", "b"}},
		{0, []string{"a", "b"}}, // c's party of 3 does not fit the one place left: the line stops there
	} {
		var got []string
		for _, e := range Promotable(ev, tc.taken, waiting) {
			got = append(got, e.UserID)
		}
		if len(got) != len(tc.want) || (len(got) > 0 && got[len(got)-1] != tc.want[len(tc.want)-1]) {
			t.Errorf("taken %d: promoted %v, want %v", tc.taken, got, tc.want)
		}
	}
}
