package announce

import (
	"context"
	"fmt"
	"strings"

	"unionbot"
)

// Announcement is a month's message, in markdown (WeCom app, group robot)
// and in plain text (chat, Official Account).
type Announcement struct {
	Month    YM
	Title    string
	Markdown string
	Text     string
	Items    []*Item
	Events   []OpenEvent // open events with no calendar item of their own
	Open     []OpenEvent // every event open for sign-up (the cards' 报名 buttons)
	Count    int         // items plus events

	hints map[int64]string // sign-up hints by event id
}

// Compose builds ym's announcement from the calendar and the open events.
// late marks it 补发.
func (s *Service) Compose(ctx context.Context, ym YM, late bool) (*Announcement, error) {
	items, err := s.Store.ListItems(ctx, ym.Year, ym.Month)
	if err != nil {
		return nil, err
	}
	events, err := s.openEvents(ctx, ym)
	if err != nil {
		return nil, err
	}
	hints := map[int64]string{}
	a := &Announcement{Month: ym, Items: items, Open: events, hints: hints}
	linked := map[int64]bool{}
	for _, it := range items {
		if it.EventID != 0 {
			linked[it.EventID] = true
		}
	}
	for _, ev := range events {
		hints[ev.ID] = signupHint(ev)
		if !linked[ev.ID] {
			a.Events = append(a.Events, ev)
		}
	}
	a.Count = len(items) + len(a.Events)
	a.Title = fmt.Sprintf(fmtTitle, ym.Year, ym.Month)
	if late {
		a.Title += titleLate
	}

	var md, tx strings.Builder
	fmt.Fprintf(&md, "**%s**\n", a.Title)
	fmt.Fprintf(&tx, "【%s】\n", a.Title)
	if late {
		md.WriteString("> " + noteLate + "\n")
		tx.WriteString(noteLate + "\n")
	}
	for i, it := range items {
		line := fmt.Sprintf("%d. %s", i+1, itemLine(it))
		if h := hints[it.EventID]; it.EventID != 0 && h != "" {
			line += "　" + h
		}
		md.WriteString(line + "\n")
		tx.WriteString(line + "\n")
	}
	if len(a.Events) > 0 {
		md.WriteString("\n**" + headEvents + "**\n")
		tx.WriteString("\n" + headEvents + "\n")
		for _, ev := range a.Events {
			line := "- " + ev.Title
			if !ev.Start.IsZero() {
				line += "（" + ev.Start.In(s.loc()).Format("1月2日") + "）"
			}
			line += "　" + hints[ev.ID]
			md.WriteString(line + "\n")
			tx.WriteString(line + "\n")
		}
	}
	if a.Count == 0 {
		md.WriteString(msgNothingPlannedShort + "\n")
		tx.WriteString(msgNothingPlannedShort + "\n")
	}
	md.WriteString("\n<font color=\"comment\">" + footer + "</font>")
	tx.WriteString("\n" + footer)
	a.Markdown, a.Text = md.String(), tx.String()
	return a, nil
}

func (s *Service) openEvents(ctx context.Context, ym YM) ([]OpenEvent, error) {
	if s.Events == nil {
		return nil, nil
	}
	evs, err := s.Events.OpenEventsInMonth(ctx, ym.Year, ym.Month)
	if err != nil {
		return nil, fmt.Errorf("open events of %s: %w", ym, err)
	}
	return evs, nil
}

func signupHint(ev OpenEvent) string {
	kw := ev.Keyword
	if kw == "" {
		kw = ev.Title
	}
	return fmt.Sprintf(fmtSignupHint, kw)
}

// itemLine is an item with its day and audience when known.
func itemLine(it *Item) string {
	s := it.Title
	if it.Day > 0 {
		s = fmt.Sprintf("%d月%d日 ", it.Month, it.Day) + s
	}
	if _, val, ok := strings.Cut(it.Audience, ":"); ok && val != "" {
		s += "（" + val + "）"
	}
	if it.Changed {
		s += markChanged
	}
	return s
}

// MonthText lists ym's items that concern m, for 本月活动 / 下月活动.
func (s *Service) MonthText(ctx context.Context, ym YM, m *unionbot.Member) (string, error) {
	a, err := s.Compose(ctx, ym, false)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, fmtMonthHead, ym.Year, ym.Month)
	n := 0
	for _, it := range a.Items {
		if !it.ForMember(m) {
			continue
		}
		n++
		fmt.Fprintf(&b, "\n%d. %s", n, itemLine(it))
		if h := a.hints[it.EventID]; it.EventID != 0 && h != "" {
			b.WriteString("　" + h)
		}
	}
	for _, ev := range a.Events {
		n++
		fmt.Fprintf(&b, "\n%d. %s　%s", n, ev.Title, signupHint(ev))
	}
	if n == 0 {
		return fmt.Sprintf(msgMonthEmpty, ym.Year, ym.Month), nil
	}
	return b.String(), nil
}

// YearText lists the calendar of year by month, for 全年安排.
func (s *Service) YearText(ctx context.Context, year int, m *unionbot.Member) (string, error) {
	items, err := s.Store.ListItems(ctx, year, 0)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, fmtYearHead, year)
	month, n := 0, 0
	for _, it := range items {
		if !it.ForMember(m) {
			continue
		}
		if it.Month != month {
			month = it.Month
			fmt.Fprintf(&b, "\n\n%d月", month)
		}
		n++
		b.WriteString("\n· " + itemLine(it))
	}
	if n == 0 {
		return fmt.Sprintf(msgYearEmpty, year), nil
	}
	return b.String(), nil
}
