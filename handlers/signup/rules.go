package signup

import "time"

// The rules of places and the waitlist, in one place. They are pure: the
// store calls them under the event's row lock, with the event as it stands
// there, so replicas and concurrent deliveries never overbook.

// Line summarises the waitlist for a newcomer: how many wait, and the
// smallest party among them (places, the teacher and 家属).
type Line struct {
	Waiting  int
	Smallest int
}

// Admit decides where a new entry taking places goes. On a rotation event
// before its draw: to the register (EntryRegistered), whatever the places.
// Otherwise, given the places already taken and the line: a place when its
// party fits the places left and nobody waiting could use them; else the
// waitlist when the event keeps one; else it is refused (ErrFull). A party larger than all the places is
// refused outright (ErrPartyTooBig), since it could never be promoted; an
// event not open refuses (ErrNotOpen). This is the one answer to "when
// does a teacher go to the waitlist".
func Admit(ev *Event, taken int, line Line, places int) (string, error) {
	if ev.Status != StatusOpen {
		return "", ErrNotOpen(ev.Title, ev.Status)
	}
	if ev.Capacity > 0 && places > ev.Capacity {
		return "", ErrPartyTooBig(ev.Title, places, ev.Capacity)
	}
	if ev.Rotation() && ev.DrawnAt.IsZero() {
		return EntryRegistered, nil // everyone before the draw is equal
	}
	someoneWaitingFits := line.Waiting > 0 && fits(ev, taken, line.Smallest)
	if fits(ev, taken, places) && !someoneWaitingFits {
		return EntryConfirmed, nil
	}
	if ev.Waitlist {
		return EntryWaiting, nil
	}
	return "", ErrFull(ev.Title)
}

// Promotable picks, from the waitlist in line order, the entries to
// confirm now that taken places are held: each in turn whose party fits
// the places left. A party too big for them keeps its place at the head
// while smaller parties behind it move up, so one large family never
// blocks the line and no place stays empty while someone who fits waits.
func Promotable(ev *Event, taken int, waiting []*Entry) []*Entry {
	var out []*Entry
	for _, w := range waiting {
		if !fits(ev, taken, w.Places()) {
			continue
		}
		taken += w.Places()
		out = append(out, w)
	}
	return out
}

// PromotedStatus is the status a teacher promoted from the waitlist at
// now gets, and until when it holds: pending until now+ConfirmWithin on an
// event with a confirmation window, else confirmed at once.
func PromotedStatus(ev *Event, now time.Time) (string, time.Time) {
	if ev.ConfirmWithin > 0 {
		return EntryPending, now.Add(ev.ConfirmWithin)
	}
	return EntryConfirmed, time.Time{}
}

// CanPromote is an admin's decision to confirm one waiting entry out of
// turn: allowed while its party fits (ErrNoRoom otherwise).
func CanPromote(ev *Event, taken int, e *Entry) error {
	if !fits(ev, taken, e.Places()) {
		return ErrNoRoom(ev.Title, taken, ev.Capacity)
	}
	return nil
}

func fits(ev *Event, taken, places int) bool {
	return ev.Capacity == 0 || taken+places <= ev.Capacity
}
