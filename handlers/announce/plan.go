// Package announce turns the union's annual work plan into a calendar and
// tells every member, once a month, what is on: it parses the month-by-month
// schedule of a plan text, keeps the calendar through a store it declares,
// and sends the monthly announcement through the outbox exactly once.
package announce

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"unionbot"
)

// Plan is the month schedule read from a work plan text.
type Plan struct {
	Months   []Month  `json:"months"`
	Warnings []string `json:"warnings"`
}

// Month is what the plan lists for one month. A range heading (三、四月份)
// puts its items in each month of the range; a schedule that runs past
// December (十二、一月份, or 一月份 after 十二月份) goes on in Year+1.
type Month struct {
	Year  int      `json:"year"`
	Month int      `json:"month"`
	Items []string `json:"items"`
}

// ErrNoSchedule is returned by ParsePlan for a text that holds no month
// schedule, so that an import never makes an empty calendar silently.
var ErrNoSchedule = &unionbot.Error{Code: unionbot.EINVALID, Message: msgNoSchedule}

// monthNames maps the written forms of a month number.
var monthNames = map[string]int{
	"元": 1, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6,
	"七": 7, "八": 8, "九": 9, "十": 10, "十一": 11, "十二": 12,
}

const (
	monthNum   = `(十[一二]?|[元一二三四五六七八九]|1[0-2]|0?[1-9])`
	monthNumNC = `(?:十[一二]?|[元一二三四五六七八九]|1[0-2]|0?[1-9])`
)

var (
	// monthHead is a line that opens a month: 三月份, 1月份: item, 三、四月份：,
	// 七至八月份, 元月至二月, 十、十一、十二月份 item.
	monthHead = regexp.MustCompile(`^` + monthNum + `(?:月份?)?((?:\s*(?:、|，|,|和|与|及|至|到|~|～|-|—|–)\s*` + monthNumNC + `(?:月份?)?)*)月份?(?:\s*[:：]\s*|\s+|$)(.*)$`)
	monthRest = regexp.MustCompile(`(、|，|,|和|与|及|至|到|~|～|-|—|–)\s*` + monthNum)
	// numbered is an item's numbering: 1、 1. (1) （一） ① 一、
	numbered = regexp.MustCompile(`^(?:[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]|\d{1,2}\s*(?:[、．：:)）]|\.(?:\D|$))|[①-⑳]|[•·\-*●▪■]\s)\s*`)
	// chapter is a section heading of the plan (一、指导思想, 【篇二】, ...篇三),
	// which ends a schedule.
	chineseNumbered = regexp.MustCompile(`^[一二三四五六七八九十]{1,3}\s*[、．.]\s*`)
	chapter         = regexp.MustCompile(`^(?:[一二三四五六七八九十]{1,3}\s*[、．.]|【.*】|.{0,30}篇[一二三四五六七八九十\d]+\s*$)`)
	// scheduleTitle opens a schedule: 具体工作安排, 各月工作安排, 全年主要工作安排,
	// 月份工作安排, 工作行事历 (in simplified or traditional characters).
	scheduleTitle = regexp.MustCompile(`(?:工作|活动|月份?|月度)(?:安排|安排表|计划安排|日程|行事历)|行事历|具體工作|具体工作\s*[:：]?\s*$`)
)

// ParsePlan reads every month schedule in text and returns the months with
// their items, in calendar order. year is the year of the first month of a
// schedule; warnings name the lines it could not place. A text without any
// schedule returns ErrNoSchedule.
func ParsePlan(text string, year int) (*Plan, error) {
	if year < 1 || year > 9998 {
		return nil, unionbot.Errorf(unionbot.EINVALID, msgBadYear, year)
	}
	if !utf8.ValidString(text) {
		return nil, unionbot.Errorf(unionbot.EINVALID, msgNotUTF8)
	}
	p := &parser{year: year, months: map[[2]int]*Month{}}
	for i, line := range strings.Split(normalizeText(text), "\n") {
		p.line(i+1, strings.TrimSpace(line))
	}
	p.flushPending(false)
	return p.plan()
}

type parser struct {
	year     int
	months   map[[2]int]*Month
	warnings []string

	in      bool     // inside a schedule
	last    int      // year*12+month-1 of the latest month heading in the schedule
	cur     []*Month // the months the current heading opened
	curNum  bool     // the current months' items are numbered
	curN    int      // items under the current heading
	chinese bool     // items are numbered 一、二、
	pending string   // an unnumbered line seen after numbered items
	pendNo  int
	found   bool
}

func (p *parser) line(no int, s string) {
	if s == "" {
		return
	}
	if p.monthHeading(no, s) {
		return
	}
	item := p.in && p.cur != nil && numbered.MatchString(s) // 2、做好下学期工作安排 is an item
	if !item && scheduleTitle.MatchString(s) && utf8.RuneCountInString(s) <= 30 {
		p.flushPending(false)
		p.end()
		p.in = true // a title opens a schedule; its months follow
		return
	}
	if !p.in || p.cur == nil {
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
	}
}

// monthHeading handles a line that opens one or more months.
func (p *parser) monthHeading(no int, s string) bool {
	m := monthHead.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	nums := []int{monthNumber(m[1])}
	ranges := []bool{false}
	for _, r := range monthRest.FindAllStringSubmatch(m[2], -1) {
		nums = append(nums, monthNumber(r[2]))
		ranges = append(ranges, strings.ContainsAny(r[1], "至到~～-—–"))
	}
	rest := strings.TrimSpace(m[3])
	p.flushPending(true)
	if !p.in {
		p.in = true
		p.last = -1
	}
	// Absolute month numbers: a month before the previous one is next year.
	var abs []int
	prev := p.last
	for i, n := range nums {
		a := p.absolute(n, prev)
		if ranges[i] && len(abs) > 0 {
			for x := abs[len(abs)-1] + 1; x < a; x++ {
				abs = append(abs, x)
			}
		}
		abs = append(abs, a)
		prev = a
	}
	p.last = abs[len(abs)-1]
	p.cur = p.cur[:0]
	for _, a := range abs {
		p.cur = append(p.cur, p.month(a/12, a%12+1))
	}
	p.curN, p.curNum, p.chinese = 0, false, false
	p.found = true
	if rest != "" {
		for _, it := range splitInline(rest) {
			p.add(no, it)
		}
	}
	return true
}

// absolute places month n (1-12) at or after prev (year*12+month-1); the
// first month of a schedule is in the plan's year.
func (p *parser) absolute(n, prev int) int {
	a := p.year*12 + n - 1
	if prev < 0 {
		return a
	}
	for a < prev {
		a += 12
	}
	if a >= (p.year+2)*12 {
		// A schedule runs a year at most; a text that keeps wrapping starts
		// over in the plan's year rather than drifting into later years.
		a = p.year*12 + n - 1
	}
	return a
}

func (p *parser) month(year, month int) *Month {
	k := [2]int{year, month}
	if m, ok := p.months[k]; ok {
		return m
	}
	m := &Month{Year: year, Month: month, Items: []string{}}
	p.months[k] = m
	return m
}

func (p *parser) add(no int, item string) {
	item = cleanItem(item)
	if item == "" {
		return
	}
	if utf8.RuneCountInString(item) > maxItemRunes {
		p.warn(no, msgLongItem, clip(item, 20))
		item = clip(item, maxItemRunes)
	}
	p.curN++
	for _, m := range p.cur {
		if !contains(m.Items, item) {
			m.Items = append(m.Items, item)
		}
	}
}

// flushPending settles an unnumbered line met after numbered items: when
// the schedule goes on after it (more is true) it was a wrapped line, and
// is joined to the item before it with a warning; otherwise it was the text
// after the schedule and is dropped.
func (p *parser) flushPending(more bool) {
	if p.pending == "" {
		return
	}
	s, no := p.pending, p.pendNo
	p.pending = ""
	if !more || len(p.cur) == 0 {
		return
	}
	p.warn(no, msgJoined, clip(s, 20))
	for _, m := range p.cur {
		if n := len(m.Items); n > 0 {
			m.Items[n-1] = cleanItem(m.Items[n-1] + s)
		}
	}
}

func (p *parser) end() {
	p.in, p.cur, p.last = false, nil, -1
}

func (p *parser) warn(no int, format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf("第%d行：", no)+fmt.Sprintf(format, args...))
}

func (p *parser) plan() (*Plan, error) {
	if !p.found {
		return nil, ErrNoSchedule
	}
	out := &Plan{Warnings: p.warnings}
	for _, m := range p.months {
		out.Months = append(out.Months, *m)
	}
	sort.Slice(out.Months, func(i, j int) bool {
		a, b := out.Months[i], out.Months[j]
		return a.Year*12+a.Month < b.Year*12+b.Month
	})
	for _, m := range out.Months {
		if len(m.Items) == 0 {
			out.Warnings = append(out.Warnings, fmt.Sprintf(msgEmptyMonth, m.Year, m.Month))
		}
	}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	return out, nil
}

// ItemCount is the number of (month, item) pairs.
func (p *Plan) ItemCount() int {
	n := 0
	for _, m := range p.Months {
		n += len(m.Items)
	}
	return n
}

const maxItemRunes = 200

func monthNumber(s string) int {
	if n, ok := monthNames[s]; ok {
		return n
	}
	n, _ := strconv.Atoi(s)
	return n
}

// normalizeText folds full-width digits, letters, colons and spaces and
// unifies line ends.
func normalizeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\u3000' || r == '\u00a0' || r == '\t':
			return ' '
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '\ufeff' || r == '\u200b':
			return -1
		}
		return r
	}, s)
}

// splitInline splits the items written on a heading's own line:
// 三月份：庆祝三八节；学习新《婚姻法》 or 三月份：1、庆祝三八节 2、学习….
func splitInline(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '；' || r == ';' }) {
		if loc := numbered.FindStringIndex(strings.TrimSpace(part)); loc != nil {
			part = strings.TrimSpace(part)[loc[1]:]
		}
		for _, sub := range inlineNumber.Split(part, -1) {
			out = append(out, sub)
		}
	}
	return out
}

var inlineNumber = regexp.MustCompile(`\s+\d{1,2}\s*[、．.]\s*`)

func cleanItem(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimRight(s, "；;，,、。. ")
	return strings.TrimSpace(s)
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
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
