package faq

import (
	"context"
	"sync"
	"time"
)

// Events and Calendar may also say when their data changed in this
// process; the calendar cache then drops what it kept at once.
type (
	eventsVersioner interface{ EventsVersion() uint64 }
	planVersioner   interface{ PlanVersion() uint64 }
)

// calendarKeep is how long the open events' titles and the plan's items
// are trusted without asking the store again. This process's own changes
// are seen at once (the versions above); another replica's within this
// time, as with the Q&A's own entries (checkEvery).
const calendarKeep = 2 * time.Second

// calendarClockSkew: a kept list is also dropped when the service's clock
// (a test's fixed day) has moved by more than this since it was read.
const calendarClockSkew = time.Minute

// titled is a title with its terms, segmented once.
type titled struct {
	title string
	terms map[string]float64
}

// keptList is one kept list and when and how it was read.
type keptList[T any] struct {
	at      time.Time // real time of the read
	clock   time.Time // the service's clock at the read
	version uint64
	key     int // the plan's year
	items   []T
}

func (k *keptList[T]) fresh(clock time.Time, version uint64, key int) bool {
	d := clock.Sub(k.clock)
	return !k.at.IsZero() && time.Since(k.at) < calendarKeep && k.version == version && k.key == key &&
		d < calendarClockSkew && d > -calendarClockSkew
}

// calendarCache keeps the open events' titles (to tell cheaply whether a
// question names one; the event itself, with its places left, is read
// fresh when it does) and the plan's items of one year.
type calendarCache struct {
	mu     sync.Mutex
	events keptList[titled]
	plan   keptList[planTitled]
}

type planTitled struct {
	item  PlanItem
	terms map[string]float64
}

// openTitles is the titles of the open events, kept for calendarKeep.
func (s *Service) openTitles(ctx context.Context, now time.Time) ([]titled, error) {
	var version uint64
	if v, ok := s.Events.(eventsVersioner); ok {
		version = v.EventsVersion()
	}
	return kept(&s.cal.mu, &s.cal.events, now, version, 0, func() ([]titled, error) {
		all, err := s.Events.OpenEvents(ctx, now)
		list := make([]titled, len(all))
		for i, e := range all {
			list[i] = titled{e.Title, s.Engine.seg.Terms(e.Title)}
		}
		return list, err
	})
}

// planItems is the plan's items of a year, kept for calendarKeep.
func (s *Service) planItems(ctx context.Context, now time.Time, year int) ([]planTitled, error) {
	var version uint64
	if v, ok := s.Calendar.(planVersioner); ok {
		version = v.PlanVersion()
	}
	return kept(&s.cal.mu, &s.cal.plan, now, version, year, func() ([]planTitled, error) {
		items, err := s.Calendar.PlanItems(ctx, year, 0)
		list := make([]planTitled, len(items))
		for i, it := range items {
			list[i] = planTitled{it, s.Engine.seg.Terms(it.Title)}
		}
		return list, err
	})
}

// kept returns k's items while they are fresh, else read's, which it then
// keeps (read runs without mu held; two readers at once both read).
func kept[T any](mu *sync.Mutex, k *keptList[T], now time.Time, version uint64, key int, read func() ([]T, error)) ([]T, error) {
	mu.Lock()
	if k.fresh(now, version, key) {
		defer mu.Unlock()
		return k.items, nil
	}
	mu.Unlock()
	items, err := read()
	if err != nil {
		return nil, err
	}
	mu.Lock()
	*k = keptList[T]{at: time.Now(), clock: now, version: version, key: key, items: items}
	mu.Unlock()
	return items, nil
}
