package signup

import (
	"time"

	"unionbot"
)

// The refusals a store or a face reports for sign-ups. Each is a coded
// *unionbot.Error whose message is the sentence a teacher or admin reads,
// the same in chat, the API and the console.

// ErrEventNotFound is an unknown event id.
func ErrEventNotFound() error { return unionbot.Errorf(unionbot.ENOTFOUND, "%s", txtEventNotFound) }

// ErrNotOpen refuses a sign-up for an event that is not open.
func ErrNotOpen(title, status string) error {
	return unionbot.Errorf(unionbot.EFORBIDDEN, txtNotOpen, title, status)
}

// ErrFull refuses a sign-up when the places are taken and there is no waitlist.
func ErrFull(title string) error { return unionbot.Errorf(unionbot.EFORBIDDEN, txtFull, title) }

// ErrNoRoom refuses an admin's promotion when the places are taken.
func ErrNoRoom(title string, taken, capacity int) error {
	return unionbot.Errorf(unionbot.ECONFLICT, txtNoRoom, title, taken, capacity)
}

// ErrAlreadySignedUp is a second entry of one teacher for one event
// (title "" when the store only knows the key clashed).
func ErrAlreadySignedUp(title string) error {
	if title == "" {
		return unionbot.Errorf(unionbot.ECONFLICT, "%s", txtAlreadyHere)
	}
	return unionbot.Errorf(unionbot.ECONFLICT, txtAlready, title)
}

// ErrInvitedToTeam refuses a teacher named on a team signing up alone.
func ErrInvitedToTeam(title, team string) error {
	return unionbot.Errorf(unionbot.ECONFLICT, txtInvitedAlone, title, team)
}

// ErrNotSignedUp is a cancellation without an entry.
func ErrNotSignedUp(title string) error {
	return unionbot.Errorf(unionbot.ENOTFOUND, txtNotSignedUp, title)
}

// ErrEventCancelled refuses cancelling an event twice.
func ErrEventCancelled(title string) error {
	return unionbot.Errorf(unionbot.ECONFLICT, txtAlreadyCancelled, title)
}

// ErrNoPlace refuses a check-in without a confirmed place.
func ErrNoPlace() error { return unionbot.Errorf(unionbot.ENOTFOUND, "%s", txtNoPlace) }

// ErrNotWaiting refuses promoting someone not on the waitlist.
func ErrNotWaiting(userID, title string) error {
	return unionbot.Errorf(unionbot.ENOTFOUND, txtNotWaiting, userID, title)
}

// ErrCaptainListed refuses a captain who names themself as a teammate.
func ErrCaptainListed() error { return unionbot.Errorf(unionbot.EINVALID, "%s", txtCaptainListed) }

// ErrTeammateSignedUp refuses a teammate who has an entry of their own.
func ErrTeammateSignedUp(name, title string) error {
	return unionbot.Errorf(unionbot.ECONFLICT, txtTeammateSignedUp, name, title)
}

// ErrTeammateOnTeam refuses a teammate already on another team.
func ErrTeammateOnTeam(name, team string) error {
	return unionbot.Errorf(unionbot.ECONFLICT, txtTeammateOnTeam, name, team)
}

// ErrNoInvite is a 确认组队 without a pending invitation.
func ErrNoInvite(title string) error { return unionbot.Errorf(unionbot.ENOTFOUND, txtNoInvite, title) }

// ErrPartyTooBig refuses a party larger than all the places.
func ErrPartyTooBig(title string, places, capacity int) error {
	return unionbot.Errorf(unionbot.EFORBIDDEN, txtPartyTooBig, title, places, capacity)
}

// ErrNotPending is a 确认参加 or 放弃 without a place awaiting confirmation
// (title "" when the entry is not the teacher's at all).
func ErrNotPending(title string) error {
	if title == "" {
		return unionbot.Errorf(unionbot.ENOTFOUND, "%s", txtNothingToConfirm)
	}
	return unionbot.Errorf(unionbot.ENOTFOUND, txtNotPending, title)
}

// ErrNotRotation refuses a draw for an event allocated first come, first served.
func ErrNotRotation(title string) error {
	return unionbot.Errorf(unionbot.ECONFLICT, txtNotRotation, title)
}

// ErrAlreadyDrawn refuses a second draw (title "" when only the key clashed).
func ErrAlreadyDrawn(title string, at time.Time) error {
	if title == "" {
		return unionbot.Errorf(unionbot.ECONFLICT, "%s", txtAlreadyDrawnPlain)
	}
	return unionbot.Errorf(unionbot.ECONFLICT, txtAlreadyDrawn, title, at.Format("2006-01-02 15:04"))
}

// ErrNoDraw is a draw asked for before it took place.
func ErrNoDraw(title string) error { return unionbot.Errorf(unionbot.ENOTFOUND, txtNoDraw, title) }
