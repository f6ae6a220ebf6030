package audit

import (
	"context"
	"time"
)

// Change is an admin change being made: its entry waits in the context
// until the store commits the change and writes the entry in the same
// transaction (see Pending), or Finish writes it right after.
//
// All methods are safe on a nil *Change (a Service that is nil hands one
// out), so a feature records without checking.
type Change struct {
	e        *Entry
	after    any
	hasAfter bool
	target   func() string
	written  bool
}

type changeKey struct{}

// Begin starts recording action on target for the actor in ctx. Pass the
// returned context to the store call that makes the change.
func (s *Service) Begin(ctx context.Context, action, target string) (context.Context, *Change) {
	if s == nil {
		return ctx, nil
	}
	c := &Change{e: entry(ctx, action, target)}
	return context.WithValue(ctx, changeKey{}, c), c
}

// Before keeps v (now) as the target before the change.
func (c *Change) Before(v any) {
	if c != nil {
		c.e.Before = Snapshot(v)
	}
}

// After sets the target after the change. v is read when the entry is
// written, so a pointer the store fills in (a new row's id) shows filled.
// An entry is written only once its after is set: a store's read-only
// transaction before the change writes nothing.
func (c *Change) After(v any) {
	if c != nil {
		c.after, c.hasAfter = v, true
	}
}

// TargetOf names the target when the entry is written, for a record whose
// id the store assigns.
func (c *Change) TargetOf(f func() string) {
	if c != nil {
		c.target = f
	}
}

// Note adds a remark (a reason, a count).
func (c *Change) Note(s string) {
	if c != nil {
		c.e.Note = clip(s, 500)
	}
}

// Pending is the change ctx carries that is ready to be written and not
// yet written, or nil. Storage calls it at the end of a transaction.
func Pending(ctx context.Context) *Change {
	c, _ := ctx.Value(changeKey{}).(*Change)
	if c == nil || c.written || !c.hasAfter {
		return nil
	}
	return c
}

// Entry is the entry to write at now.
func (c *Change) Entry(at time.Time) *Entry {
	e := *c.e
	e.At = at.UTC()
	if c.target != nil {
		e.Target = c.target()
	}
	e.After = Snapshot(c.after)
	return &e
}

// Written marks the entry written (storage calls it after the commit).
func (c *Change) Written() { c.written = true }

// Finish ends a change: after a success whose store did not write the
// entry in its transaction, it writes it now; after a failure, nothing
// (the change did not happen).
func (s *Service) Finish(ctx context.Context, c *Change, err error) {
	if s == nil || c == nil || err != nil || c.written {
		return
	}
	if !c.hasAfter {
		c.hasAfter = true
	}
	s.add(ctx, c.Entry(s.now()))
	c.written = true
}
