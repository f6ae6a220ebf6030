package care

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// Profile is what the care reminders need to know of a member beyond the
// member list: birthday, gender, the day they started work and the day
// they retire. It is kept by the care feature (it is personal data, read
// only by care staff); the tags 女教职工 and 退休 go on the member.
type Profile struct {
	UserID    string    `json:"user_id"`
	Name      string    `json:"name"`
	Gender    string    `json:"gender"` // 男, 女 or ""
	Birthday  time.Time `json:"birthday"`
	JoinedOn  time.Time `json:"joined_on"`  // 参加工作日期
	RetiresOn time.Time `json:"retires_on"` // 退休日期
}

// Member tags the care reminders read and the profile import sets.
const (
	TagWomen   = "女教职工"
	TagRetired = "退休"
	GenderF    = "女"
	GenderM    = "男"
)

// Event is one line of the weekly digest: a birthday, a retirement, or a
// round anniversary of starting work.
type Event struct {
	Day    time.Time
	UserID string
	Name   string
	What   string
}

// Upcoming lists the birthdays, retirements and round work anniversaries
// (every 10 years) of profiles on the days [from, from+days), by day.
func Upcoming(ps []Profile, from time.Time, days int) []Event {
	var out []Event
	for d := 0; d < days; d++ {
		day := from.AddDate(0, 0, d)
		for _, p := range ps {
			if sameDay(p.Birthday, day) {
				out = append(out, Event{day, p.UserID, p.Name, fmt.Sprintf(txtBirthday, day.Year()-p.Birthday.Year())})
			}
			if !p.RetiresOn.IsZero() && p.RetiresOn.Year() == day.Year() && sameDay(p.RetiresOn, day) {
				out = append(out, Event{day, p.UserID, p.Name, txtRetires})
			}
			if n := day.Year() - p.JoinedOn.Year(); !p.JoinedOn.IsZero() && n > 0 && n%10 == 0 && sameDay(p.JoinedOn, day) {
				out = append(out, Event{day, p.UserID, p.Name, fmt.Sprintf(txtWorkYears, n)})
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Day.Before(out[j].Day) })
	return out
}

// sameDay: the month and day of t (a date) fall on day; 29 February is
// kept on 28 February in other years.
func sameDay(t, day time.Time) bool {
	if t.IsZero() {
		return false
	}
	m, d := t.Month(), t.Day()
	if m == time.February && d == 29 && !leap(day.Year()) {
		d = 28
	}
	return day.Month() == m && day.Day() == d
}

func leap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// Festival is a day before which staff get the members who qualify for a
// 节日慰问: 三八 (women), 重阳 (retirees), 春节 (households on file).
type Festival struct {
	Name string
	Who  string // who qualifies, in words
	On   func(year int) time.Time
}

// Festivals are the three the union visits for. 重阳 and 春节 follow the
// lunar calendar: their dates are a table to extend.
var Festivals = []Festival{
	{Name: "三八", Who: TagWomen, On: func(y int) time.Time { return time.Date(y, 3, 8, 0, 0, 0, 0, time.UTC) }},
	{Name: "重阳", Who: TagRetired, On: func(y int) time.Time { return lunar(chongyang, y) }},
	{Name: "春节", Who: txtHardshipOnFile, On: func(y int) time.Time { return lunar(springFestival, y) }},
}

// FestivalNamed returns the festival called name, or nil.
func FestivalNamed(name string) *Festival {
	for i := range Festivals {
		if Festivals[i].Name == strings.TrimSpace(name) {
			return &Festivals[i]
		}
	}
	return nil
}

var (
	springFestival = map[int]string{2025: "01-29", 2026: "02-17", 2027: "02-06", 2028: "01-26", 2029: "02-13", 2030: "02-03"}
	chongyang      = map[int]string{2025: "10-29", 2026: "10-18", 2027: "10-08", 2028: "10-26", 2029: "10-16", 2030: "10-05"}
)

// lunar is the festival's date in year from table, or zero when the table
// does not reach that year.
func lunar(table map[int]string, year int) time.Time {
	md, ok := table[year]
	if !ok {
		return time.Time{}
	}
	t, _ := time.Parse("2006-01-02", fmt.Sprintf("%d-%s", year, md))
	return t
}

// FestivalLead is how long before a festival staff get its list.
const FestivalLead = 14 * 24 * time.Hour
