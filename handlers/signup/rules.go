package signup

// The rules of places and the waitlist, in one place. They are pure: the
// store calls them under the event's row lock, with the event as it stands
// there, so replicas and concurrent deliveries never overbook.

// Admit decides where a new entry taking places goes, given the places
// already taken and the number of entries waiting: a place when nobody is
// waiting and the party fits; else the waitlist when the event keeps one;
// else it is refused (ErrFull). An event not open refuses (ErrNotOpen).
// This is the one answer to "when does a teacher go to the waitlist".
func Admit(ev *Event, taken, waiting, places int) (string, error) {
	if ev.Status != StatusOpen {
		return "", ErrNotOpen(ev.Title, ev.Status)
	}
	if waiting == 0 && fits(ev, taken, places) {
		return EntryConfirmed, nil
	}
	if ev.Waitlist {
		return EntryWaiting, nil
	}
	return "", ErrFull(ev.Title)
}

// Promotable picks, from the waitlist in arrival order, the entries to
// confirm now that taken places are held: strictly first come, first
// served, so the first waiting party that does not fit stops the line.
func Promotable(ev *Event, taken int, waiting []*Entry) []*Entry {
	var out []*Entry
	for _, w := range waiting {
		if !fits(ev, taken, w.Places()) {
			break
		}
		taken += w.Places()
		out = append(out, w)
	}
	return out
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
