// Package audit is the record of who changed what: every admin action
// from chat, the admin API, the console and the CLI, with who did it, from
// where, what, on which target and, for a change, the target before and
// after (bounded JSON snapshots); console sign-ins and refused admin
// attempts too. Entries are only ever added: the Store has no method that
// changes or removes one.
//
// A feature service records a change with Begin/After/Finish: the change
// travels in the context to the feature's store, which writes the entry in
// the transaction of the change itself (storage's transact does); where a
// change does not go through such a transaction, Finish writes the entry
// right after it succeeded.
package audit

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"
	"unicode/utf8"

	"unionbot"
)

// Outcomes of an entry.
const (
	OK      = "ok"      // the action was done
	Refused = "refused" // refused: not an admin, a wrong token, a failed sign-in
)

// MaxSnapshot is the most bytes a before or after snapshot keeps; a
// larger one is stored as {"truncated": true, "bytes": N, "head": "…"}.
const MaxSnapshot = 4096

// Entry is one line of the audit log.
type Entry struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`      // member id, console user, "admin-token", "system"
	ActorName string    `json:"actor_name"` // a person's name where known
	Channel   string    `json:"channel"`    // chat-wecom, chat-oa, api, console, cli, job
	Addr      string    `json:"addr"`       // remote address for HTTP
	Action    string    `json:"action"`     // e.g. event.update (see Label)
	Target    string    `json:"target"`     // e.g. event:12, proposal:JY-2026-0001
	Outcome   string    `json:"outcome"`    // ok or refused
	Before    string    `json:"before"`     // JSON, "" for none
	After     string    `json:"after"`      // JSON, "" for none
	Note      string    `json:"note"`
}

// Filter narrows a listing; zero fields match everything. Entries come
// newest first; Cursor (an entry id) continues after the last page.
type Filter struct {
	Actor  string
	Action string // exact, or a prefix ending in "." such as "event."
	Target string
	From   time.Time // at or after
	To     time.Time // before
	Limit  int
	Cursor int64 // only entries with a smaller id
}

// Store keeps the log. It can add and list entries; nothing else.
type Store interface {
	AddAudit(ctx context.Context, e *Entry) error
	ListAudit(ctx context.Context, f Filter) ([]*Entry, error)
}

// DefaultLimit and MaxLimit bound a page of the log.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// Service records and lists the log. A nil *Service records nothing, so
// features work without one (tests of a single feature).
type Service struct {
	Store  Store
	Now    func() time.Time
	Logger *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// entry starts an entry for the actor ctx carries.
func entry(ctx context.Context, action, target string) *Entry {
	a := unionbot.ActorOf(ctx)
	return &Entry{Actor: a.ID, ActorName: a.Name, Channel: a.Channel, Addr: a.Addr, Action: action, Target: target, Outcome: OK}
}

// Record writes an action that changes nothing stored (or whose change
// the caller has already committed) for the actor in ctx. The log failing
// does not undo the action: it is logged for the operator.
func (s *Service) Record(ctx context.Context, action, target, note string) {
	if s == nil {
		return
	}
	e := entry(ctx, action, target)
	e.Note = clip(note, 500)
	s.add(ctx, e)
}

// Refuse records a refused admin attempt: a teacher trying an admin
// command or page, a wrong admin token, a failed sign-in.
func (s *Service) Refuse(ctx context.Context, action, target, note string) {
	if s == nil {
		return
	}
	e := entry(ctx, action, target)
	e.Outcome, e.Note = Refused, clip(note, 500)
	s.add(ctx, e)
}

func (s *Service) add(ctx context.Context, e *Entry) {
	e.At = s.now()
	if err := s.Store.AddAudit(context.WithoutCancel(ctx), e); err != nil {
		s.logger().Error("audit log: write failed", "action", e.Action, "target", e.Target, "actor", e.Actor, "err", err)
	}
}

// List returns a page of the log, newest first, and the cursor for the
// next page (0 when this is the last).
func (s *Service) List(ctx context.Context, f Filter) ([]*Entry, int64, error) {
	if f.Limit <= 0 {
		f.Limit = DefaultLimit
	}
	if f.Limit > MaxLimit {
		f.Limit = MaxLimit
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		return nil, 0, unionbot.Errorf(unionbot.EINVALID, "%s", txtBadRange)
	}
	want := f.Limit
	f.Limit++ // one more tells whether a next page exists
	list, err := s.Store.ListAudit(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	var next int64
	if len(list) > want {
		list = list[:want]
		next = list[want-1].ID
	}
	return list, next, nil
}

// Snapshot is v as JSON of at most MaxSnapshot bytes ("" for nil).
func Snapshot(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok && json.Valid([]byte(s)) {
		return bound(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(map[string]string{"error": err.Error()})
	}
	return bound(string(b))
}

func bound(s string) string {
	if len(s) <= MaxSnapshot {
		return s
	}
	b, _ := json.Marshal(map[string]any{"truncated": true, "bytes": len(s), "head": clip(s, MaxSnapshot/2)})
	return string(b)
}

// clip cuts s to at most n bytes on a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}
