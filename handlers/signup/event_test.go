package signup

import (
	"testing"
	"time"

	"unionbot"
)

func TestEligible(t *testing.T) {
	women := &Event{EligibleTags: []string{"女教职工"}}
	for _, tc := range []struct {
		name string
		ev   *Event
		m    *unionbot.Member
		want bool
	}{
		{"open to all", &Event{}, &unionbot.Member{}, true},
		{"by tag", women, &unionbot.Member{Tags: []string{"女教职工"}}, true},
		{"tag missing", women, &unionbot.Member{Tags: []string{"退休"}}, false},
		{"by department", &Event{EligibleTags: []string{"数学组"}}, &unionbot.Member{Department: "数学组"}, true},
	} {
		if got := tc.ev.Eligible(tc.m); got != tc.want {
			t.Errorf("%s: Eligible = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestStatusAt(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	ev := &Event{Status: StatusOpen, SignupClosesAt: now.Add(time.Hour), EndsAt: now.Add(48 * time.Hour)}
	for _, tc := range []struct {
		at   time.Time
		want string
	}{{now, StatusOpen}, {now.Add(2 * time.Hour), StatusClosed}, {now.Add(72 * time.Hour), StatusEnded}} {
		if got := ev.StatusAt(tc.at); got != tc.want {
			t.Errorf("StatusAt(%v) = %s, want %s", tc.at, got, tc.want)
		}
	}
}

func TestValidate(t *testing.T) {
	for _, ev := range []*Event{{}, {Title: "x", Kind: "打牌"}, {Title: "x", Capacity: -1}} {
		if err := ev.Validate(); unionbot.ErrorCode(err) != unionbot.EINVALID {
			t.Errorf("Validate(%+v) = %v, want EINVALID", ev, err)
		}
	}
}
