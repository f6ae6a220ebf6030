package signup

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// ParseWhen reads a date and time as people write them in chat, relative to
// now in loc: 2026-12-12 14:00, 2026/12/12 14:00, 12月12日 14:00,
// 12月12日下午2点, 明天上午9点, 后天 14:30, 下周六下午两点, 周五晚上7点半. A
// date without a time is not enough (ok false); so is anything else.
func ParseWhen(text string, now time.Time, loc *time.Location) (time.Time, bool) {
	s := strings.TrimSpace(chineseNumbers(normalizeWhen(text)))
	now = now.In(loc)
	day, rest, ok := parseDay(s, now)
	if !ok {
		return time.Time{}, false
	}
	h, m, ok := parseClock(strings.TrimSpace(rest))
	if !ok {
		return time.Time{}, false
	}
	return time.Date(day.Year(), day.Month(), day.Day(), h, m, 0, 0, loc), true
}

func normalizeWhen(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '０' && r <= '９':
			return '0' + (r - '０')
		case r == '：':
			return ':'
		case r == '／':
			return '/'
		case r == '－':
			return '-'
		case r == '\u3000':
			return ' '
		case r == '號' || r == '号':
			return '日'
		case r == '點':
			return '点'
		case r == '週' || r == '禮':
			return '周'
		}
		return r
	}, s)
}

var cnDigits = map[rune]int{'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '兩': 2, '三': 3, '四': 4, '五': 5, '六': 6, '七': 7, '八': 8, '九': 9}

var cnNumberRe = regexp.MustCompile(`[零〇一二两兩三四五六七八九十]+(点|点半|分|月|日)`)

// chineseNumbers turns 两点, 十二月, 二十五日 into digits (weekday names like
// 周六 are left alone: they are not followed by a unit).
func chineseNumbers(s string) string {
	return cnNumberRe.ReplaceAllStringFunc(s, func(m string) string {
		unit := strings.TrimLeft(m, "零〇一二两兩三四五六七八九十")
		num := []rune(strings.TrimSuffix(m, unit))
		n := 0
		switch {
		case len(num) == 1 && num[0] == '十':
			n = 10
		case num[0] == '十':
			n = 10 + cnDigits[num[1]]
		case len(num) >= 2 && num[1] == '十':
			n = cnDigits[num[0]] * 10
			if len(num) == 3 {
				n += cnDigits[num[2]]
			}
		default:
			n = cnDigits[num[0]]
		}
		return strconv.Itoa(n) + unit
	})
}

var (
	isoDayRe   = regexp.MustCompile(`^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?`)
	monthDayRe = regexp.MustCompile(`^(\d{1,2})月(\d{1,2})日?`)
	weekdayRe  = regexp.MustCompile(`^(下下|下|本|这|這)?(?:周|星期)([一二三四五六日天])`)
)

var weekdays = map[string]time.Weekday{"一": time.Monday, "二": time.Tuesday, "三": time.Wednesday, "四": time.Thursday,
	"五": time.Friday, "六": time.Saturday, "日": time.Sunday, "天": time.Sunday}

// parseDay reads the date at the start of s and returns the rest.
func parseDay(s string, now time.Time) (time.Time, string, bool) {
	if m := isoDayRe.FindStringSubmatch(s); m != nil {
		y, _ := strconv.Atoi(m[1])
		mo, _ := strconv.Atoi(m[2])
		d, _ := strconv.Atoi(m[3])
		return dateOK(y, mo, d, now.Location(), s[len(m[0]):])
	}
	if m := monthDayRe.FindStringSubmatch(s); m != nil {
		mo, _ := strconv.Atoi(m[1])
		d, _ := strconv.Atoi(m[2])
		y := now.Year()
		if time.Date(y, time.Month(mo), d, 23, 59, 0, 0, now.Location()).Before(now) {
			y++ // 1月5日 said in December is next year's
		}
		return dateOK(y, mo, d, now.Location(), s[len(m[0]):])
	}
	for word, add := range map[string]int{"今天": 0, "明天": 1, "后天": 2, "後天": 2, "大后天": 3} {
		if rest, ok := strings.CutPrefix(s, word); ok {
			d := now.AddDate(0, 0, add)
			return d, rest, true
		}
	}
	if m := weekdayRe.FindStringSubmatch(s); m != nil {
		want := weekdays[m[2]]
		// Weeks start on Monday, as in China.
		offset := (int(want) + 6) % 7
		monday := now.AddDate(0, 0, -((int(now.Weekday()) + 6) % 7))
		d := monday.AddDate(0, 0, offset)
		switch m[1] {
		case "下":
			d = d.AddDate(0, 0, 7)
		case "下下":
			d = d.AddDate(0, 0, 14)
		case "":
			if d.Before(now.Truncate(24 * time.Hour)) { // 周五 said on a Saturday: the next one
				d = d.AddDate(0, 0, 7)
			}
		}
		return d, s[len(m[0]):], true
	}
	return time.Time{}, "", false
}

func dateOK(y, mo, d int, loc *time.Location, rest string) (time.Time, string, bool) {
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, loc)
	if t.Month() != time.Month(mo) || t.Day() != d { // 2月30日
		return time.Time{}, "", false
	}
	return t, rest, true
}

var clockRe = regexp.MustCompile(`^(上午|早上|早晨|中午|下午|晚上|傍晚)?\s*(\d{1,2})(?::(\d{2})|点半|点(\d{1,2})分?|点)?$`)

// parseClock reads 14:00, 下午2点, 两点半 (already 2点半), 晚上7点30.
func parseClock(s string) (int, int, bool) {
	m := clockRe.FindStringSubmatch(s)
	if m == nil || (m[3] == "" && m[4] == "" && !strings.Contains(s, "点")) {
		return 0, 0, false
	}
	h, _ := strconv.Atoi(m[2])
	min := 0
	switch {
	case m[3] != "":
		min, _ = strconv.Atoi(m[3])
	case m[4] != "":
		min, _ = strconv.Atoi(m[4])
	case strings.HasSuffix(s, "半"):
		min = 30
	}
	switch m[1] {
	case "下午", "晚上", "傍晚":
		if h < 12 {
			h += 12
		}
	case "中午":
		if h < 6 {
			h += 12
		}
	}
	if h > 23 || min > 59 {
		return 0, 0, false
	}
	return h, min, true
}
