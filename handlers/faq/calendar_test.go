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
		got, err := s.calendarAnswer(context.Background(), c.q)
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
