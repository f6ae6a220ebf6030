package announce

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"unionbot"
)

// Item sources.
const (
	SourceImport = "import" // read from a work plan; replaced by the next import
	SourceManual = "manual" // entered by an admin; never touched by an import
)

// Item is one activity of the union's calendar.
type Item struct {
	ID       int64
	PlanYear int // the year the plan was imported for (imports only)
	Year     int
	Month    int
	Day      int // 0 when the plan names only the month
	Title    string
	Details  string
	Audience string // "" (everyone), "tag:女教职工" or "department:语文组"
	EventID  int64  // the sign-up event of the activity, 0 for none
	Source   string // SourceImport or SourceManual
	Position int    // order within the plan
	// Changed marks an item a re-import changed or dropped after its month
	// was announced: members were told of it, so it stays, marked.
	Changed bool
}

// ForMember reports whether the item concerns m (everyone when m is nil).
func (it *Item) ForMember(m *unionbot.Member) bool {
	kind, val, _ := strings.Cut(it.Audience, ":")
	switch {
	case it.Audience == "" || it.Audience == "all" || m == nil:
		return true
	case kind == "tag":
		return m.HasTag(val)
	case kind == "department":
		return m.Department == val
	}
	return true
}

// Delivery is the record of one month's announcement: there is at most one
// per month, which is what makes the push happen exactly once.
type Delivery struct {
	ID        int64
	Month     YM
	Late      bool   // sent after its time because the bot was down (补发)
	Trigger   string // schedule, chat or api
	By        string // the admin who sent it by hand
	Items     int
	Text      string
	CreatedAt time.Time
	Notices   []*unionbot.Notice // filled by ListDeliveries: the outbox's attempts and errcodes
}

// Store keeps the calendar and the delivery log.
type Store interface {
	// ImportedItems lists the imported items of planYear (their months may
	// run into the next year).
	ImportedItems(ctx context.Context, planYear int) ([]*Item, error)
	// ImportPlan applies a re-import in one transaction: it reads the
	// imported items of planYear, asks diff what to change, and adds,
	// updates in place (title, day, position, Changed) and removes
	// accordingly. Manual items are never touched.
	ImportPlan(ctx context.Context, planYear int, diff func(old []*Item) *Diff) (*Diff, error)
	// AddItem adds a manual item.
	AddItem(ctx context.Context, it *Item) error
	// ListItems returns the items of year (all months when month is 0) in
	// calendar and plan order.
	ListItems(ctx context.Context, year, month int) ([]*Item, error)
	// CreateDelivery records the month's delivery and queues its notices in
	// one transaction. It returns ECONFLICT when the month was delivered.
	CreateDelivery(ctx context.Context, d *Delivery, notices []*unionbot.Notice) error
	// FindDelivery returns ENOTFOUND when the month was not delivered.
	FindDelivery(ctx context.Context, month YM) (*Delivery, error)
	// ListDeliveries returns the newest deliveries first, with their notices.
	ListDeliveries(ctx context.Context, limit int) ([]*Delivery, error)
}

// OpenEvent is a sign-up event open in a month, for the sign-up hint.
type OpenEvent struct {
	ID      int64
	Title   string
	Keyword string // what a teacher replies after 报名, e.g. 乒乓球
	Start   time.Time
}

// EventLister finds the events open for sign-up in a month. The sign-up
// feature provides it; the announcement works without it.
type EventLister interface {
	OpenEventsInMonth(ctx context.Context, year, month int) ([]OpenEvent, error)
}

// EventListerFunc adapts a function to EventLister, for wiring the sign-up
// store without either package importing the other.
type EventListerFunc func(ctx context.Context, year, month int) ([]OpenEvent, error)

// OpenEventsInMonth implements EventLister.
func (f EventListerFunc) OpenEventsInMonth(ctx context.Context, year, month int) ([]OpenEvent, error) {
	return f(ctx, year, month)
}

// YM is a calendar month.
type YM struct{ Year, Month int }

// MonthOf is the month t falls in.
func MonthOf(t time.Time) YM { return YM{t.Year(), int(t.Month())} }

// ParseYM reads "2026-12" (or 2026-1, 202612). It returns EINVALID.
func ParseYM(s string) (YM, error) {
	s = strings.TrimSpace(s)
	y, m, ok := strings.Cut(s, "-")
	if !ok && len(s) == 6 {
		y, m = s[:4], s[4:]
	}
	yi, err1 := strconv.Atoi(y)
	mi, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || yi < 2000 || yi > 2999 || mi < 1 || mi > 12 {
		return YM{}, unionbot.Errorf(unionbot.EINVALID, msgBadMonth, s)
	}
	return YM{yi, mi}, nil
}

// String is "2026-12".
func (ym YM) String() string { return fmt.Sprintf("%04d-%02d", ym.Year, ym.Month) }

// Next is the month after ym.
func (ym YM) Next() YM {
	if ym.Month == 12 {
		return YM{ym.Year + 1, 1}
	}
	return YM{ym.Year, ym.Month + 1}
}

// Ref is the outbox reference of the month's announcement.
func (ym YM) Ref() string { return "announce:" + ym.String() }

// Start is the first instant of the month in loc.
func (ym YM) Start(loc *time.Location) time.Time {
	return time.Date(ym.Year, time.Month(ym.Month), 1, 0, 0, 0, 0, loc)
}

// dayPrefix is a date at the start of an item: 3月8日 庆祝…, 12日：….
var dayPrefix = regexp.MustCompile(`^(?:(\d{1,2})月)?(\d{1,2})[日号]\s*[:：,，、]?\s*(.*)$`)

// ItemsFromPlan turns a parsed plan into import items; an item that starts
// with a date in its month gets that day.
func ItemsFromPlan(p *Plan, planYear int) []*Item { return ItemsFromMonths(p.Months, planYear) }

// ItemsFromMonths is ItemsFromPlan for the months of one part of a plan.
func ItemsFromMonths(months []Month, planYear int) []*Item {
	var out []*Item
	for _, m := range months {
		for i, title := range m.Items {
			it := &Item{PlanYear: planYear, Year: m.Year, Month: m.Month, Title: title, Source: SourceImport, Position: i}
			if d := dayPrefix.FindStringSubmatch(title); d != nil {
				mo, _ := strconv.Atoi(d[1])
				day, _ := strconv.Atoi(d[2])
				last := time.Date(m.Year, time.Month(m.Month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
				if (d[1] == "" || mo == m.Month) && day >= 1 && day <= last && d[3] != "" {
					it.Day, it.Title = day, d[3]
				}
			}
			out = append(out, it)
		}
	}
	return out
}
