package faq

import (
	"context"
	"strings"
	"testing"
	"time"
)

type fakeEvents []Event

func (f fakeEvents) OpenEvents(context.Context, time.Time) ([]Event, error) { return f, nil }

type fakeCalendar []PlanItem

func (f fakeCalendar) PlanItems(_ context.Context, year, month int) ([]PlanItem, error) {
	var out []PlanItem
	for _, it := range f {
		if it.Year == year && (month == 0 || it.Month == month) {
			out = append(out, it)
		}
	}
	return out, nil
}

// TestCalendarAnswer: which questions the calendar answers, and with what;
// "" means the question goes on to the Q&A.
func TestCalendarAnswer(t *testing.T) {
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("CST", 8*3600)
	at := func(s string) time.Time {
		tm, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	s := &Service{Engine: e, Location: loc, Now: func() time.Time { return at("2026-03-02 09:00") },
		Events: fakeEvents{
			{Title: "教职工羽毛球比赛", Location: "学校体育馆", Start: at("2026-03-20 15:00"), Closes: at("2026-03-15 18:00"), Left: 3},
			{Title: "春季登山活动", Start: at("2026-04-12 08:00"), Left: -1},
		},
		Calendar: fakeCalendar{
			{Year: 2026, Month: 3, Day: 8, Title: "庆祝三八妇女节"},
			{Year: 2026, Month: 5, Title: "教职工乒乓球比赛"},
			{Year: 2026, Month: 4, Title: "组织教职工体检"},
		}}
	cases := []struct {
		q    string
		want []string // all in the answer; nil: no calendar answer
	}{
		{"羽毛球赛什么时候", []string{"教职工羽毛球比赛：3月20日 15:00", "地点：学校体育馆", "还剩 3 个名额", "报名截止 3月15日 18:00", "回复“报名 教职工羽毛球比赛”"}},
		{"羽毛球比赛在哪里", []string{"学校体育馆"}},
		{"登山啥时候", []string{"春季登山活动：4月12日 08:00", "不限名额"}},
		{"乒乓球赛几月份", []string{"教职工乒乓球比赛：安排在5月"}},
		{"體檢什麼時候", []string{"组织教职工体检：安排在4月"}},
		{"这个月有什么活动", []string{"3月工会活动", "庆祝三八妇女节（3月8日）", "教职工羽毛球比赛：3月20日"}},
		{"下个月有啥活动", []string{"4月工会活动", "组织教职工体检（4月）", "春季登山活动"}},
		{"足球赛什么时候", nil},  // nothing known: the Q&A
		{"会费怎么交", nil},    // not about a time or place
		{"比赛什么时候", nil},   // no activity named, only a generic word
		{"工会办公室在哪里", nil}, // a place, but no event there: the Q&A
	}
	for _, c := range cases {
		got, err := s.calendarAnswer(context.Background(), s.normal(c.q))
		if err != nil {
			t.Fatal(err)
		}
		if c.want == nil {
			if got != "" {
				t.Errorf("%q = %q, want no calendar answer", c.q, got)
			}
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%q = %q, want it to contain %q", c.q, got, w)
			}
		}
	}
}

// countedEvents is a sign-up list that counts its reads and says when it
// changed, as the sign-up service does.
type countedEvents struct {
	list    []Event
	reads   int
	version uint64
}

func (c *countedEvents) OpenEvents(context.Context, time.Time) ([]Event, error) {
	c.reads++
	return append([]Event(nil), c.list...), nil
}

func (c *countedEvents) EventsVersion() uint64 { return c.version }

// TestCalendarKept: the open events' titles are kept a moment, so a "when"
// question that names no event reads nothing; one that does reads the
// events afresh (places left as they are now); a change in this process,
// or the service's clock moving, drops what was kept.
func TestCalendarKept(t *testing.T) {
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	loc := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, loc)
	ev := &countedEvents{list: []Event{{Title: "教职工羽毛球比赛", Start: now.AddDate(0, 0, 18), Left: 3}}}
	s := &Service{Engine: e, Location: loc, Now: func() time.Time { return now }, Events: ev}
	ctx := context.Background()
	ask := func(q string) string {
		t.Helper()
		got, err := s.calendarAnswer(ctx, s.normal(q))
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := ask("羽毛球赛什么时候"); !strings.Contains(got, "还剩 3 个名额") || ev.reads != 2 {
		t.Fatalf("first question: %q after %d reads; want the event, titles then details", got, ev.reads)
	}
	ev.list[0].Left = 1 // a sign-up: no version change
	if got := ask("羽毛球赛什么时候"); !strings.Contains(got, "还剩 1 个名额") || ev.reads != 3 {
		t.Fatalf("places left: %q after %d reads; want them read afresh, titles kept", got, ev.reads)
	}
	for range 3 {
		if got := ask("体检什么时候"); got != "" {
			t.Fatalf("体检 with no such event: %q", got)
		}
	}
	if ev.reads != 3 {
		t.Fatalf("%d reads after three questions naming no event; want none", ev.reads-3)
	}
	ev.list = append(ev.list, Event{Title: "教职工体检", Start: now.AddDate(0, 1, 0), Left: -1})
	ev.version++ // published in this process
	if got := ask("体检什么时候"); !strings.Contains(got, "教职工体检") {
		t.Fatalf("after an event was published here: %q", got)
	}
	reads := ev.reads
	now = now.Add(2 * time.Hour) // a test's clock moved: read again
	ask("乒乓球赛什么时候")
	if ev.reads != reads+1 {
		t.Fatalf("after the clock moved: %d reads, want 1", ev.reads-reads)
	}
}
