package signup

import (
	"context"
	"fmt"
	"time"

	"unionbot"
)

// Allocation is what the store does for the confirmation window and the
// rotation draw, each under the event's row lock.
type Allocation interface {
	// AnswerPromotion records userID's 确认参加 (accept) or 放弃 on their
	// pending entry entryID. Accepting within the window confirms it;
	// declining, or answering after the window, cancels it and promotes
	// the next in line (notify for each) in the same transaction. It
	// returns the entry as it ends and whoever was promoted. ENOTFOUND
	// when userID holds no pending entry entryID.
	AnswerPromotion(ctx context.Context, entryID int64, userID string, accept bool, notify func(*Event, *Entry) *unionbot.Notice) (*Entry, []*Entry, error)
	// ExpirePromotions cancels every pending entry whose window has
	// passed, queueing lapsed(entry) for its teacher and promoting the next
	// in line (notify for each), one event per transaction; a second run,
	// here or on another replica, finds nothing left to do.
	ExpirePromotions(ctx context.Context, lapsed, notify func(*Event, *Entry) *unionbot.Notice) (int, error)
	// DrawPlaces runs a rotation event's draw once: allocate orders its
	// registered entries and sets their statuses; the store stores the
	// order as the arrival order, counts the places, closes sign-up,
	// publishes the draw and queues tell for each teacher, in one
	// transaction. ECONFLICT when already drawn or not a rotation event.
	DrawPlaces(ctx context.Context, eventID int64, seed string, allocate AllocateFunc,
		tell func(*Event, *Entry, *Published) *unionbot.Notice) (*Published, error)
	// FindDraw returns an event's published draw; ENOTFOUND before it.
	FindDraw(ctx context.Context, eventID int64) (*Published, error)
}

// ConfirmPromotion is a promoted teacher's 确认参加 on their pending entry
// entryID: within the window the place is theirs. After the window the
// place has passed on (EFORBIDDEN saying so); ENOTFOUND without a pending
// entry. A card button calls it as chat does.
func (s *Service) ConfirmPromotion(ctx context.Context, userID string, entryID int64) (*Entry, error) {
	e, _, err := s.Store.AnswerPromotion(ctx, entryID, userID, true, s.PromotedNotice)
	if err != nil {
		return nil, err
	}
	if e.Status != EntryConfirmed {
		title := ""
		if ev, err := s.Store.FindEvent(ctx, e.EventID); err == nil {
			title = ev.Title
		}
		return e, unionbot.Errorf(unionbot.EFORBIDDEN, txtConfirmLate, title, s.fmtTime(e.ConfirmBy))
	}
	return e, nil
}

// DeclinePromotion is a promoted teacher's 放弃: the place passes to the
// next in line, who is told. It reports whether someone was promoted.
func (s *Service) DeclinePromotion(ctx context.Context, userID string, entryID int64) (*Entry, bool, error) {
	e, promoted, err := s.Store.AnswerPromotion(ctx, entryID, userID, false, s.PromotedNotice)
	if err != nil {
		return nil, false, err
	}
	return e, len(promoted) > 0, nil
}

// Pending lists a teacher's entries awaiting 确认参加, each with its event.
func (s *Service) Pending(ctx context.Context, userID string) ([]*Entry, error) {
	mine, err := s.Store.ListEntries(ctx, 0, userID)
	if err != nil {
		return nil, err
	}
	var out []*Entry
	for _, e := range mine {
		if e.Status == EntryPending {
			out = append(out, e)
		}
	}
	return out, nil
}

// ConfirmJob returns the scheduler job that passes on the places of
// promoted teachers whose window has run out; both are told. It is
// idempotent: run twice, or on two replicas at once, each place passes
// once.
func (s *Service) ConfirmJob() func(ctx context.Context, now time.Time) error {
	return func(ctx context.Context, now time.Time) error {
		_, err := s.Store.ExpirePromotions(ctx, s.LapsedNotice, s.PromotedNotice)
		return err
	}
}

// PromotedNotice tells a teacher promoted from the waitlist: the place is
// theirs, or (with a confirmation window) held until they answer.
func (s *Service) PromotedNotice(ev *Event, p *Entry) *unionbot.Notice {
	n := &unionbot.Notice{ToUsers: []string{p.UserID}, Kind: "signup", Ref: eventRef(ev),
		Text: fmt.Sprintf(txtPromoted, ev.Title, "活动时间 "+s.fmtTime(ev.StartsAt)+"。")}
	if p.Status == EntryPending {
		n.Text = fmt.Sprintf(txtPromotedAsk, ev.Title, s.fmtTime(ev.StartsAt), s.fmtTime(p.ConfirmBy), ev.Title, ev.Title)
	}
	return n
}

// LapsedNotice tells a promoted teacher that their window ran out.
func (s *Service) LapsedNotice(ev *Event, p *Entry) *unionbot.Notice {
	return &unionbot.Notice{ToUsers: []string{p.UserID}, Kind: "signup", Ref: eventRef(ev),
		Text: fmt.Sprintf(txtLapsed, ev.Title, s.fmtTime(p.ConfirmBy))}
}
