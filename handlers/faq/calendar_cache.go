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
	s.cal.mu.Lock()
	if s.cal.events.fresh(now, version, 0) {
		defer s.cal.mu.Unlock()
		return s.cal.events.items, nil
	}
	s.cal.mu.Unlock()
	all, err := s.Events.OpenEvents(ctx, now)
	if err != nil {
		return nil, err
	}
	list := make([]titled, len(all))
	for i, e := range all {
		list[i] = titled{e.Title, s.Engine.seg.Terms(e.Title)}
	}
	s.cal.mu.Lock()
	s.cal.events = keptList[titled]{at: time.Now(), clock: now, version: version, items: list}
	s.cal.mu.Unlock()
	return list, nil
}

// planItems is the plan's items of a year, kept for calendarKeep.
func (s *Service) planItems(ctx context.Context, now time.Time, year int) ([]planTitled, error) {
	var version uint64
	if v, ok := s.Calendar.(planVersioner); ok {
		version = v.PlanVersion()
	}
	s.cal.mu.Lock()
	if s.cal.plan.fresh(now, version, year) {
		defer s.cal.mu.Unlock()
		return s.cal.plan.items, nil
	}
	s.cal.mu.Unlock()
	items, err := s.Calendar.PlanItems(ctx, year, 0)
	if err != nil {
		return nil, err
	}
	list := make([]planTitled, len(items))
	for i, it := range items {
		list[i] = planTitled{it, s.Engine.seg.Terms(it.Title)}
	}
	s.cal.mu.Lock()
	s.cal.plan = keptList[planTitled]{at: time.Now(), clock: now, version: version, key: year, items: list}
	s.cal.mu.Unlock()
	return list, nil
}
