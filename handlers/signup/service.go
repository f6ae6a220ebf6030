package signup

import (
	"context"
	"fmt"
	"strings"
	"sync/atomic"
	"time"

	"unionbot"
	"unionbot/handlers/audit"
)

// Service holds every sign-up use case: publishing and changing events,
// signing up (with every pre-check), cancelling, checking in, promoting,
// rosters and statistics. Chat, the admin API, the console and the
// reminder job call it; none of them talks to the store.
type Service struct {
	Store Store
	// Members finds the teammates a captain names (by user id or name).
	Members  unionbot.MemberStore
	Now      func() time.Time
	Location *time.Location
	// Audit records staff changes (nil: none).
	Audit *audit.Service
	// NewSeed, when set, gives the seed of a rotation draw (tests); by
	// default it is 16 random bytes in hex.
	NewSeed func() string

	// eventsVersion counts this process's changes to events (created,
	// edited, closed, called off), for readers that keep a list of them.
	eventsVersion atomic.Uint64
}

// EventsVersion changes whenever this process creates, edits, closes or
// calls off an event (sign-ups do not change it). Another replica's
// changes do not show here: a reader keeping a list re-reads it now and
// then regardless.
func (s *Service) EventsVersion() uint64 { return s.eventsVersion.Load() }

// NewService returns the service; times in texts are shown in loc.
func NewService(store Store, members unionbot.MemberStore, now func() time.Time, loc *time.Location) *Service {
	if now == nil {
		now = time.Now
	}
	if loc == nil {
		loc = time.Local
	}
	return &Service{Store: store, Members: members, Now: now, Location: loc}
}

func (s *Service) fmtTime(t time.Time) string { return t.In(s.Location).Format("1月2日 15:04") }

// Publish validates and creates an event.
func (s *Service) Publish(ctx context.Context, e *Event) error {
	if err := e.Validate(); err != nil {
		return err
	}
	ctx, rec := s.Audit.Begin(ctx, "event.create", "")
	rec.TargetOf(func() string { return eventTarget(e.ID) })
	rec.After(e)
	err := s.Store.CreateEvent(ctx, e)
	s.eventsVersion.Add(1)
	s.Audit.Finish(ctx, rec, err)
	return err
}

func eventTarget(id int64) string { return fmt.Sprintf("event:%d", id) }

// Update validates and saves an event; places raised (or made unlimited)
// take the waitlist in, in order, and each promoted teacher is told.
// Places cannot drop below those already taken, nor the allocation rule
// change once teachers have signed up (ECONFLICT).
func (s *Service) Update(ctx context.Context, e *Event) (*Event, []*Entry, error) {
	old, err := s.Store.FindEvent(ctx, e.ID)
	if err != nil {
		return nil, nil, err
	}
	if e.Capacity > 0 && e.Capacity < old.Taken {
		return nil, nil, unionbot.Errorf(unionbot.ECONFLICT, txtCapacityBelowTaken, old.Title, old.Taken, e.Capacity)
	}
	if err := e.Validate(); err != nil {
		return nil, nil, err
	}
	if e.Allocation != old.Allocation && (old.Taken > 0 || old.Waiting > 0 || old.Registered > 0) {
		return nil, nil, unionbot.Errorf(unionbot.ECONFLICT, txtAllocationFixed, old.Title)
	}
	actx, rec := s.Audit.Begin(ctx, "event.update", eventTarget(e.ID))
	rec.Before(old)
	rec.After(e)
	err = s.Store.UpdateEvent(actx, e)
	s.eventsVersion.Add(1)
	s.Audit.Finish(actx, rec, err)
	if err != nil {
		return nil, nil, err
	}
	promoted, err := s.Store.PromoteWaiting(ctx, e.ID, s.PromotedNotice)
	if err != nil {
		return nil, nil, err
	}
	ev, err := s.Store.FindEvent(ctx, e.ID)
	return ev, promoted, err
}

// SetCapacity changes an event's places (0 = no limit); see Update.
func (s *Service) SetCapacity(ctx context.Context, id int64, n int) (*Event, []*Entry, error) {
	if n < 0 {
		return nil, nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtBadCapacity)
	}
	ev, err := s.Store.FindEvent(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	ev.Capacity = n
	return s.Update(ctx, ev)
}

// CloseSignup ends sign-up now; entries stay. ECONFLICT when already closed.
func (s *Service) CloseSignup(ctx context.Context, id int64) (*Event, error) {
	ev, err := s.Store.FindEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	if ev.Status == StatusClosed {
		return nil, unionbot.Errorf(unionbot.ECONFLICT, txtAlreadyClosed, ev.Title)
	}
	ctx, rec := s.Audit.Begin(ctx, "event.close", eventTarget(id))
	rec.Before(ev)
	ev.Status = StatusClosed
	rec.After(ev)
	err = s.Store.UpdateEvent(ctx, ev)
	s.eventsVersion.Add(1)
	s.Audit.Finish(ctx, rec, err)
	if err != nil {
		return nil, err
	}
	return ev, nil
}

// CancelEvent calls an event off; everyone signed up or waiting is told in
// the same transaction.
func (s *Service) CancelEvent(ctx context.Context, id int64) (*Event, error) {
	ctx, rec := s.Audit.Begin(ctx, "event.cancel", eventTarget(id))
	if old, err := s.Store.FindEvent(ctx, id); err == nil {
		rec.Before(old)
		after := *old
		after.Status = StatusCancelled
		rec.After(&after)
	} else {
		rec.After(map[string]string{"Status": StatusCancelled})
	}
	ev, err := s.Store.CancelEvent(ctx, id, CancelledNotice)
	s.eventsVersion.Add(1)
	s.Audit.Finish(ctx, rec, err)
	return ev, err
}

// Event returns one event; ENOTFOUND for an unknown id.
func (s *Service) Event(ctx context.Context, id int64) (*Event, error) {
	return s.Store.FindEvent(ctx, id)
}

// Events lists events, soonest first.
func (s *Service) Events(ctx context.Context, f EventFilter) ([]*Event, error) {
	return s.Store.ListEvents(ctx, f)
}

// Live lists the events an admin can still change: open or closed.
func (s *Service) Live(ctx context.Context) ([]*Event, error) {
	return s.Store.ListEvents(ctx, EventFilter{Statuses: []string{StatusOpen, StatusClosed}})
}

// OpenEvents lists the events a teacher can sign up for now.
func (s *Service) OpenEvents(ctx context.Context) ([]*Event, error) {
	return s.openEvents(ctx, false)
}

// OpenToJoin is OpenEvents without the waiting and registered counts
// (Waiting, Registered 0), for the chat: every 报名 looks the event up, and
// in a storm counting its whole line each time was most of the database's
// work.
func (s *Service) OpenToJoin(ctx context.Context) ([]*Event, error) {
	return s.openEvents(ctx, true)
}

func (s *Service) openEvents(ctx context.Context, noLines bool) ([]*Event, error) {
	all, err := s.Store.ListEvents(ctx, EventFilter{Statuses: []string{StatusOpen}, NoLines: noLines})
	if err != nil {
		return nil, err
	}
	var out []*Event
	for _, e := range all {
		if e.StatusAt(s.Now()) == StatusOpen {
			out = append(out, e)
		}
	}
	return out, nil
}

// CheckSignUp runs the pre-checks of a sign-up before any question is
// asked: the window is open, the member is eligible, has no entry yet and
// is not named on someone's team.
func (s *Service) CheckSignUp(ctx context.Context, ev *Event, m *unionbot.Member) error {
	if err := s.CheckWindow(ev, m); err != nil {
		return err
	}
	mine, err := s.Store.ListEntries(ctx, 0, m.UserID)
	if err != nil {
		return err
	}
	for _, e := range mine {
		if e.EventID == ev.ID {
			return ErrAlreadySignedUp(ev.Title)
		}
	}
	invited, err := s.Store.Invites(ctx, m.UserID)
	if err != nil {
		return err
	}
	for _, e := range invited {
		if e.EventID == ev.ID && memberStatus(e, m.UserID) != MemberDeclined {
			return unionbot.Errorf(unionbot.ECONFLICT, txtOnTeam, e.Name, ev.Title, e.Team)
		}
	}
	return nil
}

// CheckWindow is the part of CheckSignUp that needs no database: the
// window is open and the member is eligible. An event that asks nothing is
// entered at once, and its transaction refuses a second entry and a
// teacher on a team by itself: the chat runs only this before it, not two
// reads that would repeat those checks (two of a sign-up's 14 statements
// on MariaDB in a storm).
func (s *Service) CheckWindow(ev *Event, m *unionbot.Member) error {
	if !ev.SignupOpensAt.IsZero() && s.Now().Before(ev.SignupOpensAt) {
		return unionbot.Errorf(unionbot.EFORBIDDEN, txtNotOpenYet, ev.Title, s.fmtTime(ev.SignupOpensAt))
	}
	if !ev.Eligible(m) {
		return unionbot.Errorf(unionbot.EFORBIDDEN, txtNotEligible, ev.Title, strings.Join(ev.EligibleTags, "、"))
	}
	return nil
}

// SignUp enters the member with the answers in e (Companions, Fields,
// Team, Members): confirmed or waitlisted by Admit, the teammates of a team
// invited in the same transaction. It fills e's Status and Position.
func (s *Service) SignUp(ctx context.Context, ev *Event, m *unionbot.Member, e *Entry) error {
	e.EventID, e.UserID, e.Name, e.Department = ev.ID, m.UserID, m.DisplayName(), m.Department
	if !ev.IsTeam() {
		return s.Store.SignUp(ctx, e)
	}
	return s.Store.SignUpTeam(ctx, e, func(ev *Event, e *Entry) *unionbot.Notice {
		users := make([]string, len(e.Members))
		for i, m := range e.Members {
			users[i] = m.UserID
		}
		text := fmt.Sprintf(txtInvite, e.Name, ev.Title, s.fmtTime(ev.StartsAt), e.Team, ev.Title, ev.Title)
		return &unionbot.Notice{ToUsers: users, Kind: "signup", Ref: eventRef(ev), Text: text,
			Card: inviteCard(ev, e, s.fmtTime(ev.StartsAt), text)}
	})
}

// Cancel withdraws a teacher's entry before the event's cancel deadline;
// the first waiting teachers who now fit are promoted and told, and a
// captain's teammates are told their team is dissolved.
func (s *Service) Cancel(ctx context.Context, ev *Event, userID string) (*Entry, error) {
	if !ev.CancelDeadline.IsZero() && s.Now().After(ev.CancelDeadline) {
		return nil, unionbot.Errorf(unionbot.EFORBIDDEN, txtPastDeadline, ev.Title, s.fmtTime(ev.CancelDeadline))
	}
	cancelled, _, err := s.Store.CancelEntry(ctx, ev.ID, userID, s.PromotedNotice)
	if err != nil {
		return nil, err
	}
	var team []string
	for _, m := range cancelled.Members {
		if m.Status != MemberDeclined {
			team = append(team, m.UserID)
		}
	}
	if len(team) > 0 {
		n := &unionbot.Notice{ToUsers: team, Kind: "signup", Ref: eventRef(ev),
			Text: fmt.Sprintf(txtTeamGone, cancelled.Name, ev.Title, cancelled.Team)}
		if err := s.Store.Enqueue(ctx, n); err != nil {
			return nil, err
		}
	}
	return cancelled, nil
}

// CheckIn marks the teacher present, only on the event's day.
func (s *Service) CheckIn(ctx context.Context, ev *Event, userID string) error {
	now, start := s.Now().In(s.Location), ev.StartsAt.In(s.Location)
	if now.Year() != start.Year() || now.YearDay() != start.YearDay() {
		return unionbot.Errorf(unionbot.EFORBIDDEN, txtNotEventDay, ev.Title, start.Format("1月2日"))
	}
	return s.Store.CheckIn(ctx, ev.ID, userID)
}

// SetCheckedIn is staff marking a confirmed teacher present or not.
func (s *Service) SetCheckedIn(ctx context.Context, eventID int64, userID string, in bool) error {
	ctx, rec := s.Audit.Begin(ctx, "roster.checkin", fmt.Sprintf("event:%d/%s", eventID, userID))
	rec.Before(map[string]bool{"checked_in": !in})
	rec.After(map[string]bool{"checked_in": in})
	err := s.Store.SetCheckedIn(ctx, eventID, userID, in)
	s.Audit.Finish(ctx, rec, err)
	return err
}

// Promote is staff confirming one waiting teacher out of turn (ECONFLICT
// when the places are taken); the teacher is told.
func (s *Service) Promote(ctx context.Context, eventID int64, userID string) (*Entry, error) {
	ctx, rec := s.Audit.Begin(ctx, "roster.promote", fmt.Sprintf("event:%d/%s", eventID, userID))
	rec.Before(map[string]string{"status": EntryWaiting})
	rec.After(map[string]string{"status": EntryConfirmed})
	e, err := s.Store.PromoteEntry(ctx, eventID, userID, s.PromotedNotice)
	s.Audit.Finish(ctx, rec, err)
	return e, err
}

// Mine lists a teacher's live entries, each with its event.
func (s *Service) Mine(ctx context.Context, userID string) ([]*Entry, error) {
	return s.Store.ListEntries(ctx, 0, userID)
}

// Invites lists the teams a teacher was named in.
func (s *Service) Invites(ctx context.Context, userID string) ([]*Entry, error) {
	return s.Store.Invites(ctx, userID)
}

// AnswerInvite records a teammate's 确认组队 or 拒绝组队; the captain is told.
func (s *Service) AnswerInvite(ctx context.Context, ev *Event, userID string, accept bool) (*Entry, error) {
	return s.Store.AnswerInvite(ctx, ev.ID, userID, accept, func(ev *Event, e *Entry) *unionbot.Notice {
		verb := "已确认"
		if !accept {
			verb = "拒绝"
		}
		name := userID
		for _, m := range e.Members {
			if m.UserID == userID {
				name = m.Name
			}
		}
		return &unionbot.Notice{ToUsers: []string{e.UserID}, Kind: "signup", Ref: eventRef(ev),
			Text: fmt.Sprintf(txtTeamAnswer, name, verb, e.Team, ev.Title, e.Accepted(), max(ev.TeamMin, 1), ev.TeamMax)}
	})
}

// FindMember finds a teammate a captain names, by user id or full name.
func (s *Service) FindMember(ctx context.Context, word string) (*unionbot.Member, error) {
	return unionbot.FindMember(ctx, s.Members, word)
}

// CancelledNotice tells everyone signed up that the event is off.
func CancelledNotice(e *Event) *unionbot.Notice {
	return &unionbot.Notice{Kind: "signup", Ref: eventRef(e), Text: fmt.Sprintf(txtEventCancelled, e.Title)}
}

func eventRef(e *Event) string { return fmt.Sprintf("event:%d", e.ID) }
