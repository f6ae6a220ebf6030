package audit

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"unionbot"
)

// TestNilService: a feature without an audit log works unchanged: a nil
// Service hands out a nil Change and every call on either does nothing.
func TestNilService(t *testing.T) {
	var s *Service
	ctx, c := s.Begin(context.Background(), "event.update", "event:1")
	c.Before(1)
	c.After(2)
	c.Note("x")
	c.TargetOf(func() string { return "y" })
	s.Finish(ctx, c, nil)
	s.Record(ctx, "a", "b", "c")
	s.Refuse(ctx, "a", "b", "c")
	if Pending(ctx) != nil {
		t.Fatal("a nil service left a pending change")
	}
}

// TestPendingOnlyOnceReady: the store sees a change only once its after
// is set, and no more once written.
func TestPendingOnlyOnceReady(t *testing.T) {
	s := &Service{Now: func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }}
	ctx := unionbot.WithActor(context.Background(), unionbot.Actor{ID: "boss", Channel: unionbot.FromAPI, Addr: "10.1.2.3"})
	ctx, c := s.Begin(ctx, "event.create", "")
	if Pending(ctx) != nil {
		t.Fatal("pending before After")
	}
	ev := &struct{ ID int64 }{}
	c.After(ev)
	c.TargetOf(func() string { return "event:" + strconv.FormatInt(ev.ID, 10) })
	ev.ID = 7 // the store assigns the id before writing the entry
	e := Pending(ctx).Entry(s.now())
	if e.Target != "event:7" || e.After != `{"ID":7}` || e.Actor != "boss" || e.Channel != "api" || e.Addr != "10.1.2.3" || e.Outcome != OK {
		t.Fatalf("entry = %+v", e)
	}
	c.Written()
	if Pending(ctx) != nil {
		t.Fatal("pending after written")
	}
}

// TestSnapshotBounded: a snapshot never exceeds MaxSnapshot and stays
// valid JSON, cut on a character boundary.
func TestSnapshotBounded(t *testing.T) {
	for _, v := range []any{strings.Repeat("长", 5000), map[string]string{"a": strings.Repeat("x", 10000)}, nil, 3} {
		got := Snapshot(v)
		if len(got) > MaxSnapshot {
			t.Errorf("%T: %d bytes", v, len(got))
		}
		if got != "" && !json.Valid([]byte(got)) {
			t.Errorf("%T: not JSON: %.60q", v, got)
		}
	}
	if got := Snapshot(nil); got != "" {
		t.Errorf("nil = %q", got)
	}
}

// TestWithoutActorIsSystem: a job's change names the system.
func TestWithoutActorIsSystem(t *testing.T) {
	s := &Service{}
	_, c := s.Begin(context.Background(), "ballot.close", "ballot:1")
	if c.e.Actor != "system" || c.e.Channel != unionbot.FromJob {
		t.Fatalf("actor %q channel %q", c.e.Actor, c.e.Channel)
	}
}
