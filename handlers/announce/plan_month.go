package announce

import (
	"regexp"
	"strconv"
	"strings"
)

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
	// monthInCell finds a month in a table's month cell that is not a
	// heading by itself: 2026年3月, 3月上旬, 第二学期3月.
	monthInCell = regexp.MustCompile(monthNum + `月`)
	// numbered is an item's numbering: 1、 1. 1, 1， (1) （一） ① 一、
	numbered = regexp.MustCompile(`^(?:[（(]\s*(?:\d{1,2}|[一二三四五六七八九十]{1,3})\s*[)）]|\d{1,2}\s*(?:[、．：:)），]|\.(?:\D|$)|,\s)|[①-⑳]|[•·\-*●▪■]\s)\s*`)
	// datedItem is an item that starts with its date or time in the month:
	// 3月8日 …, 12日：…, 3.8 …, 上旬 …, 第二周 ….
	datedItem = regexp.MustCompile(`^(?:(?:\d{1,2}|[一二三四五六七八九十]{1,3})月)?(?:\d{1,2}\s*[日号]|[一二三四五六七八九十]{1,3}[日号]|[上中下]旬)|^(?:月初|月中|月底|月末|第[一二三四五1-5]周)|^\d{1,2}[.．/]\d{1,2}\s*日?(?:\s|[:：、,，])`)
	// chapter is a section heading of the plan (一、指导思想, 【篇二】, ...篇三),
	// which ends a schedule.
	chineseNumbered = regexp.MustCompile(`^[一二三四五六七八九十]{1,3}\s*[、．.]\s*`)
	chapter         = regexp.MustCompile(`^(?:[一二三四五六七八九十]{1,3}\s*[、．.]|【.*】|.{0,30}篇[一二三四五六七八九十\d]+\s*$)`)
	// scheduleTitle opens a schedule: 具体工作安排, 各月工作安排, 全年主要工作安排,
	// 月份工作安排, 工作行事历 (in simplified or traditional characters).
	scheduleTitle = regexp.MustCompile(`(?:工作|活动|月份?|月度)(?:安排|安排表|计划安排|日程|行事历)|行事历|具體工作|具体工作\s*[:：]?\s*$`)
	inlineNumber  = regexp.MustCompile(`\s+\d{1,2}\s*[、．.]\s*`)
)

// monthHeading handles a line that opens one or more months.
func (p *parser) monthHeading(no int, s string) bool {
	m := monthHead.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	p.flushPending(true)
	if p.table {
		p.end()
	}
	p.open(m[1], m[2])
	if rest := strings.TrimSpace(m[3]); rest != "" {
		for _, it := range splitInline(rest) {
			p.addItem(no, it)
		}
	}
	return true
}

// open makes the months of a heading current: first is its first month,
// rest the "、四" "至八" that follow.
func (p *parser) open(first, rest string) {
	nums := []int{monthNumber(first)}
	ranges := []bool{false}
	for _, r := range monthRest.FindAllStringSubmatch(rest, -1) {
		nums = append(nums, monthNumber(r[2]))
		ranges = append(ranges, strings.ContainsAny(r[1], "至到~～-—–"))
	}
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

func monthNumber(s string) int {
	if n, ok := monthNames[s]; ok {
		return n
	}
	n, _ := strconv.Atoi(s)
	return n
}

// splitInline splits the items written on a heading's own line:
// 三月份：庆祝三八节；学习新《婚姻法》 or 三月份：1、庆祝三八节 2、学习….
func splitInline(s string) []string {
	var out []string
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == '；' || r == ';' }) {
		part = strings.TrimSpace(part)
		if loc := numbered.FindStringIndex(part); loc != nil {
			part = part[loc[1]:]
		}
		out = append(out, inlineNumber.Split(part, -1)...)
	}
	return out
}
