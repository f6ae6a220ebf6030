package faq

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Event is a sign-up event open now, as the Q&A tells a teacher about it.
type Event struct {
	Title    string
	Location string
	Start    time.Time
	Closes   time.Time // sign-up closes; zero when it does not
	Left     int       // places left, -1 for no limit
}

// Events lists the sign-up events teachers can still join. The sign-up
// feature satisfies it (cmd/unionbot wires it); the Q&A never reads its
// store.
type Events interface {
	OpenEvents(ctx context.Context, now time.Time) ([]Event, error)
}

// PlanItem is one activity of the union's imported annual plan.
type PlanItem struct {
	Year, Month, Day int // Day is 0 when the plan names only the month
	Title            string
}

// Calendar looks up the annual plan; the announce feature satisfies it.
type Calendar interface {
	PlanItems(ctx context.Context, year, month int) ([]PlanItem, error)
}

// intent is what a calendar question asks.
type intent int

const (
	askNone  intent = iota
	askWhen         // 什么时候, 几月, 哪天
	askWhere        // 在哪里, 地点
	askMonth        // 这个月有什么活动
	askNext         // 下个月有什么活动
)

// Words that make a question about an activity's time or place, in the
// simplified, colloquial-folded text. The topic is what is left.
var (
	whenWords  = []string{"什么时候", "什么时间", "几月份", "几月", "几号", "哪天", "哪一天", "几时", "何时", "日期", "时间", "啥时候"}
	whereWords = []string{"在哪里", "在哪", "哪里", "地点", "什么地方", "哪个地方"}
	monthWords = map[string]intent{"这个月": askMonth, "本月": askMonth, "这月": askMonth, "下个月": askNext, "下月": askNext}
	// genericWords name no activity on their own.
	genericWords = setOf("活动", "比赛", "赛", "教职工", "工会", "学校", "年度", "举行", "举办", "开展", "组织", "开", "办", "安排", "报名", "参加", "有", "有什么")
)

// calendarIntent reads what a question asks and the topic it asks about,
// from the question in its colloquial normal form (normalQuestion).
func calendarIntent(colloquial string) (intent, string) {
	q := strings.Trim(colloquial, " ?？!！。.~")
	for w, in := range monthWords {
		if strings.Contains(q, w) && strings.Contains(q, "活动") {
			return in, ""
		}
	}
	in := askNone
	for _, w := range whenWords {
		if strings.Contains(q, w) {
			in, q = askWhen, strings.ReplaceAll(q, w, " ")
			break
		}
	}
	if in == askNone {
		for _, w := range whereWords {
			if strings.Contains(q, w) {
				in, q = askWhere, strings.ReplaceAll(q, w, " ")
				break
			}
		}
	}
	return in, strings.TrimSpace(q)
}

// topicTermsMatch reports whether an activity's title (its terms, tt)
// names the topic (tq): a word of the topic (not a generic one such as 活动
// or 比赛) in the title, or, when the two split differently, two character
// pairs.
func topicTermsMatch(tq, tt map[string]float64) bool {
	pairs := 0
	for t := range tq {
		if _, ok := tt[t]; !ok || genericWords[t] || strings.HasPrefix(t, "@") {
			continue
		}
		if !strings.HasPrefix(t, "#") {
			return true
		}
		if r := []rune(t[1:]); !genericWords[string(r)] {
			pairs++
		}
	}
	return pairs >= 2
}

// calendarAnswer answers "when / where is …" and "what is on this month"
// from the open events and the annual plan; "" when neither knows.
// The question comes normalised (normalQuestion), once for the calendar
// and the Q&A alike.
func (s *Service) calendarAnswer(ctx context.Context, q normalQuestion) (string, error) {
	in, topic := calendarIntent(q.colloquial)
	if in == askNone || (in <= askWhere && topic == "") {
		return "", nil
	}
	now := s.Now().In(s.loc())
	if in == askMonth || in == askNext {
		ym := now
		if in == askNext {
			ym = time.Date(now.Year(), now.Month()+1, 1, 0, 0, 0, 0, s.loc())
		}
		return s.monthAnswer(ctx, now, ym.Year(), int(ym.Month()))
	}
	// The topic's terms, made once and only when there is something to
	// match them against (a union with no open event and no plan pays
	// nothing for a "when" question).
	var tq map[string]float64
	topicTerms := func() map[string]float64 {
		if tq == nil {
			tq = s.Engine.seg.Terms(topic)
		}
		return tq
	}
	var events []Event
	if s.Events != nil {
		// The kept titles say whether the question names an open event at
		// all; only then are the events read, with their places left now.
		titles, err := s.openTitles(ctx, now)
		if err != nil {
			return "", err
		}
		named := map[string]bool{}
		for _, t := range titles {
			if topicTermsMatch(topicTerms(), t.terms) {
				named[t.title] = true
			}
		}
		if len(named) > 0 {
			all, err := s.Events.OpenEvents(ctx, now)
			if err != nil {
				return "", err
			}
			for _, e := range all {
				if named[e.Title] {
					events = append(events, e)
				}
			}
		}
	}
	if len(events) > 0 {
		var b strings.Builder
		for i, e := range events {
			if i > 0 {
				b.WriteString("\n")
			}
			b.WriteString(s.eventLine(e))
		}
		return b.String(), nil
	}
	if s.Calendar == nil || in == askWhere {
		return "", nil
	}
	items, err := s.planItems(ctx, now, now.Year())
	if err != nil {
		return "", err
	}
	var lines []string
	for _, it := range items {
		if topicTermsMatch(topicTerms(), it.terms) {
			lines = append(lines, fmt.Sprintf(textPlanItem, it.item.Title, planWhen(it.item)))
		}
	}
	if len(lines) == 0 {
		return "", nil
	}
	return textPlanHead + "\n" + strings.Join(lines, "\n") + "\n" + textPlanTail, nil
}

func planWhen(it PlanItem) string {
	if it.Day > 0 {
		return fmt.Sprintf("%d月%d日", it.Month, it.Day)
	}
	if it.Month == 0 {
		return "全年"
	}
	return fmt.Sprintf("%d月", it.Month)
}

// eventLine is one open event: when, where, places left and how to sign up.
func (s *Service) eventLine(e Event) string {
	loc := s.loc()
	line := fmt.Sprintf(textEventWhen, e.Title, e.Start.In(loc).Format("1月2日 15:04"))
	if e.Location != "" {
		line += fmt.Sprintf(textEventWhere, e.Location)
	}
	switch {
	case e.Left < 0:
		line += textEventNoLimit
	case e.Left == 0:
		line += textEventFull
	default:
		line += fmt.Sprintf(textEventLeft, e.Left)
	}
	if !e.Closes.IsZero() {
		line += fmt.Sprintf(textEventCloses, e.Closes.In(loc).Format("1月2日 15:04"))
	}
	return line + fmt.Sprintf(textEventSignup, e.Title)
}

// monthAnswer lists a month's plan items and the events starting in it.
func (s *Service) monthAnswer(ctx context.Context, now time.Time, year, month int) (string, error) {
	var lines []string
	if s.Calendar != nil {
		items, err := s.Calendar.PlanItems(ctx, year, month)
		if err != nil {
			return "", err
		}
		for _, it := range items {
			lines = append(lines, "· "+it.Title+"（"+planWhen(it)+"）")
		}
	}
	if s.Events != nil {
		all, err := s.Events.OpenEvents(ctx, now)
		if err != nil {
			return "", err
		}
		for _, e := range all {
			if st := e.Start.In(s.loc()); st.Year() == year && int(st.Month()) == month {
				lines = append(lines, "· "+s.eventLine(e))
			}
		}
	}
	if len(lines) == 0 {
		return "", nil
	}
	return fmt.Sprintf(textMonthHead, month) + "\n" + strings.Join(lines, "\n"), nil
}

func (s *Service) loc() *time.Location {
	if s.Location != nil {
		return s.Location
	}
	return time.Local
}
