// Package announce turns the union's annual work plan into a calendar and
// tells every member, once a month, what is on: it reads a plan document
// (Word, text in any of the encodings unions keep, text pasted from the
// web), parses its month-by-month schedule, keeps the calendar through a
// store it declares, and sends the monthly announcement through the outbox
// exactly once.
package announce

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"unionbot"
)

// Plan is the month schedule read from a work plan.
type Plan struct {
	// Months are the months of every schedule in the document, merged in
	// document order; Parts splits them by plan when the document is a
	// collection (篇一, 篇二 …).
	Months   []Month  `json:"months"`
	Warnings []string `json:"warnings"`
	// Unplaced is every non-empty line that is in no month, with the reason.
	Unplaced []Unplaced `json:"unplaced"`
	// Lines counts the non-empty lines; Placed those put in a month (month
	// headings, items, wrapped lines joined to an item).
	Lines  int `json:"lines"`
	Placed int `json:"placed"`
	// Parts are the plans of a collection; empty for a single plan.
	Parts []Part `json:"parts,omitempty"`

	placed []int // line numbers of the placed lines, for AccountFor
}

// Month is what the plan lists for one month. A range heading (三、四月份)
// puts its items in each month of the range; a schedule that runs past
// December (十二、一月份, or 一月份 after 十二月份) goes on in Year+1.
type Month struct {
	Year  int      `json:"year"`
	Month int      `json:"month"`
	Items []string `json:"items"`
}

// Unplaced is a line of the document that is in no month.
type Unplaced struct {
	Line   int    `json:"line"`
	Text   string `json:"text"`
	Reason string `json:"reason"`
}

// Part is one plan of a collection: its marker line (工会工作计划篇二,
// 【篇二】) and its months.
type Part struct {
	No     int     `json:"no"` // 1-based, what Import's part names
	Title  string  `json:"title"`
	Line   int     `json:"line"`
	Months []Month `json:"months"`
}

// ErrNoSchedule is returned by ParsePlan for a text that holds no month
// schedule, so that an import never makes an empty calendar silently.
var ErrNoSchedule = &unionbot.Error{Code: unionbot.EINVALID, Message: msgNoSchedule}

// ParsePlan reads every month schedule in text and returns the months with
// their items, in calendar order. year is the year of the first month of a
// schedule. A text without any schedule returns ErrNoSchedule together
// with the plan, whose Unplaced says what every line was.
func ParsePlan(text string, year int) (*Plan, error) {
	if !utf8.ValidString(text) {
		return nil, unionbot.Errorf(unionbot.EINVALID, msgNotUTF8)
	}
	return ParseDocument(TextDocument(text), year)
}

// ParseDocument is ParsePlan for a document read by ReadPlanFile: its
// paragraphs and the rows of its schedule tables.
func ParseDocument(doc *Document, year int) (*Plan, error) {
	if year < 1 || year > 9998 {
		return nil, unionbot.Errorf(unionbot.EINVALID, msgBadYear, year)
	}
	p := &parser{year: year, last: -1}
	p.newPart(0, "")
	for i, l := range doc.Lines {
		if l.Row != nil {
			p.row(i+1, l)
			continue
		}
		p.line(i+1, cleanLine(l.Text))
	}
	p.flushPending(false)
	return p.plan()
}

// part is one plan of the document while it is parsed.
type part struct {
	title  string
	line   int
	months map[[2]int]*Month
	seen   map[[2]int]map[string]bool
}

type parser struct {
	year     int
	parts    []*part
	warnings []string
	unplaced []Unplaced
	placed   []int
	lines    int

	in      bool     // inside a schedule
	table   bool     // the schedule is a table
	last    int      // year*12+month-1 of the latest month heading in the schedule
	cur     []*Month // the months the current heading opened
	curNum  bool     // the current months' items are numbered
	curN    int      // items under the current heading
	chinese bool     // items are numbered 一、二、
	pending string   // an unnumbered line seen after numbered items
	pendNo  int
}

func (p *parser) part() *part { return p.parts[len(p.parts)-1] }

func (p *parser) newPart(no int, title string) {
	p.parts = append(p.parts, &part{title: title, line: no, months: map[[2]int]*Month{}, seen: map[[2]int]map[string]bool{}})
}

func (p *parser) line(no int, s string) {
	if s == "" {
		return
	}
	p.lines++
	if p.table {
		p.end() // the text after a schedule table is not its continuation
	}
	if reason := furniture(s); reason != "" {
		p.skip(no, s, reason)
		return
	}
	if isPartMarker(s) {
		p.flushPending(false)
		p.end()
		p.newPart(no, s)
		p.skip(no, s, reasonPart)
		return
	}
	if p.monthHeading(no, s) {
		p.place(no)
		return
	}
	dated := p.in && p.cur != nil && datedItem.MatchString(s)
	item := p.in && p.cur != nil && (numbered.MatchString(s) || dated) // 2、做好下学期工作安排 is an item
	if !item && scheduleTitle.MatchString(s) && utf8.RuneCountInString(s) <= 30 {
		p.flushPending(false)
		p.end()
		p.in = true // a title opens a schedule; its months follow
		p.skip(no, s, reasonTitle)
		return
	}
	if !p.in || p.cur == nil {
		p.skip(no, s, reasonProse)
		return
	}
	if dated {
		// 三月份：\n3月8日 庆祝三八节\n3月12日 植树 — every dated line is an item.
		p.flushPending(true)
		p.add(no, s)
		return
	}
	if cn := chineseNumbered.FindStringIndex(s); cn != nil && (p.curN == 0 || p.chinese) {
		// 三月份：\n一、庆祝三八节 — items numbered in Chinese.
		p.flushPending(true)
		p.chinese, p.curNum = true, true
		p.add(no, s[cn[1]:])
		return
	}
	if chapter.MatchString(s) {
		p.flushPending(false)
		p.end()
		p.skip(no, s, reasonChapter)
		return
	}
	if loc := numbered.FindStringIndex(s); loc != nil {
		p.flushPending(true)
		p.curNum = true
		p.add(no, s[loc[1]:])
		return
	}
	switch {
	case p.curN == 0:
		p.add(no, s) // 七、八月份:\n暑期生活。
	case p.pending == "":
		p.pending, p.pendNo = s, no
	default:
		// Two lines of prose in a row: the schedule is over.
		p.flushPending(false)
		p.end()
		p.skip(no, s, reasonAfter)
	}
}

func (p *parser) month(year, month int) *Month {
	pt := p.part()
	k := [2]int{year, month}
	if m, ok := pt.months[k]; ok {
		return m
	}
	m := &Month{Year: year, Month: month, Items: []string{}}
	pt.months[k] = m
	pt.seen[k] = map[string]bool{}
	return m
}

// add puts the item of line no in the current months and counts the line
// as placed, or lists it as unplaced when it is empty or every month has it
// already.
func (p *parser) add(no int, item string) {
	switch {
	case cleanItem(item) == "":
		p.skip(no, item, reasonEmpty)
	case p.addItem(no, item):
		p.place(no)
	default:
		p.skip(no, item, reasonDuplicate)
	}
}

// addItem puts item in the current months; it reports whether any month
// took it.
func (p *parser) addItem(no int, item string) bool {
	item = cleanItem(item)
	if item == "" {
		return false
	}
	if utf8.RuneCountInString(item) > maxItemRunes {
		p.warn(no, msgLongItem, clip(item, 20))
		item = clip(item, maxItemRunes)
	}
	p.curN++
	took := false
	for _, m := range p.cur {
		seen := p.part().seen[[2]int{m.Year, m.Month}]
		if !seen[item] {
			seen[item] = true
			m.Items = append(m.Items, item)
			took = true
		}
	}
	return took
}

// flushPending settles an unnumbered line met after numbered items: when
// the schedule goes on after it (more is true) it was a wrapped line, and
// is joined to the item before it with a warning; otherwise it was the text
// after the schedule and is listed as unplaced.
func (p *parser) flushPending(more bool) {
	if p.pending == "" {
		return
	}
	s, no := p.pending, p.pendNo
	p.pending = ""
	if !more || len(p.cur) == 0 {
		p.skip(no, s, reasonAfter)
		return
	}
	p.warn(no, msgJoined, clip(s, 20))
	for _, m := range p.cur {
		if n := len(m.Items); n > 0 {
			seen := p.part().seen[[2]int{m.Year, m.Month}]
			joined := cleanItem(m.Items[n-1] + s)
			seen[joined] = true
			m.Items[n-1] = joined
		}
	}
	p.place(no)
}

func (p *parser) end() {
	p.in, p.table, p.cur, p.last = false, false, nil, -1
}

func (p *parser) place(no int) {
	if n := len(p.placed); n == 0 || p.placed[n-1] != no {
		p.placed = append(p.placed, no)
	}
}

func (p *parser) skip(no int, s, reason string) {
	if n := len(p.unplaced); n > 0 && p.unplaced[n-1].Line == no {
		return // one reason a line
	}
	p.unplaced = append(p.unplaced, Unplaced{Line: no, Text: clip(s, 80), Reason: reason})
}

func (p *parser) warn(no int, format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf("第%d行：", no)+fmt.Sprintf(format, args...))
}

const maxItemRunes = 200

func cleanItem(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, "；;，,、。. ")
	return strings.TrimSpace(s)
}

func clip(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}

// IsNoSchedule reports whether err says the text had no schedule.
func IsNoSchedule(err error) bool { return errors.Is(err, ErrNoSchedule) }
