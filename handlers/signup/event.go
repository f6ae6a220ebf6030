// Package signup lets teachers sign up for the union's contests, trips,
// talks and check-ups by chat, with capacity, a FIFO waitlist, companions
// counted against capacity and eligibility by tag or department; union
// staff publish events and download rosters through the admin API.
package signup

import (
	"context"
	"strings"
	"time"

	"unionbot"
)

// Event kinds.
var Kinds = []string{"比赛", "出行", "讲座", "体检", "联谊", "疗养", "其他"}

// Event statuses, stored and shown in Chinese.
const (
	StatusDraft     = "草稿"
	StatusOpen      = "报名中"
	StatusClosed    = "已截止"
	StatusCancelled = "已取消"
	StatusEnded     = "已结束"
)

// Entry statuses.
const (
	EntryConfirmed = "已报名"
	EntryWaiting   = "候补"
	EntryCancelled = "已取消"
	// EntryPending is a teacher promoted from the waitlist on an event with
	// a confirmation window: the places are held for them until ConfirmBy.
	EntryPending = "待确认"
	// EntryRegistered is a sign-up for a rotation event before its draw:
	// it holds no place yet.
	EntryRegistered = "已登记"
)

// Allocation rules: who gets the places.
const (
	AllocFIFO     = "fifo"     // first come, first served; the rest wait in arrival order
	AllocRotation = "rotation" // everyone who signs up before the deadline is equal; a draw decides
)

// DefaultLookbackYears is how far back a rotation draw looks for an
// event of the same kind when no other span is set.
const DefaultLookbackYears = 3

// Field is an extra question asked at sign-up, e.g. 衣服尺码 or 项目 with
// the options 男单/女单/混双 (no options: free text).
type Field struct {
	Name    string   `json:"name"`
	Options []string `json:"options,omitempty"`
}

// Event is something teachers sign up for.
type Event struct {
	ID             int64
	Title          string
	Kind           string
	Description    string
	Location       string
	StartsAt       time.Time
	EndsAt         time.Time
	SignupOpensAt  time.Time
	SignupClosesAt time.Time
	CancelDeadline time.Time
	Capacity       int  // places, companions included; 0 = no limit
	Waitlist       bool // keep a waitlist when full
	MaxCompanions  int  // 家属 per teacher, counted against capacity
	TeamMin        int
	TeamMax        int
	EligibleTags   []string // tags or departments that may join; empty = all members
	Fields         []Field
	// RemindUnanswered asks for a reminder, before sign-up closes, to the
	// eligible members who have not signed up.
	RemindUnanswered bool
	// ConfirmWithin, when set, asks a teacher promoted from the waitlist to
	// answer 确认参加 within it; silence passes the place to the next in line.
	ConfirmWithin time.Duration
	// Allocation is AllocFIFO (the default) or AllocRotation.
	Allocation string
	// LookbackYears is how far back a rotation draw looks for an event of
	// the same Kind a teacher went to (DefaultLookbackYears when 0).
	LookbackYears int
	// DrawnAt is when a rotation event's draw took place (zero before).
	DrawnAt    time.Time
	Status     string
	Taken      int // places confirmed, companions included
	Waiting    int // entries on the waitlist
	Registered int // rotation entries awaiting the draw
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// Left is the number of places left, -1 for no limit.
func (e *Event) Left() int {
	if e.Capacity == 0 {
		return -1
	}
	if l := e.Capacity - e.Taken; l > 0 {
		return l
	}
	return 0
}

// StatusAt is the status as a teacher sees it at now: an open event past
// its sign-up close is 已截止, past its end 已结束.
func (e *Event) StatusAt(now time.Time) string {
	if e.Status != StatusOpen && e.Status != StatusClosed {
		return e.Status
	}
	if !e.EndsAt.IsZero() && now.After(e.EndsAt) {
		return StatusEnded
	}
	if e.Status == StatusOpen && !e.SignupClosesAt.IsZero() && now.After(e.SignupClosesAt) {
		return StatusClosed
	}
	return e.Status
}

// Eligible reports whether m may join: any eligible tag is one of the
// member's tags or their department.
func (e *Event) Eligible(m *unionbot.Member) bool {
	if len(e.EligibleTags) == 0 {
		return true
	}
	for _, t := range e.EligibleTags {
		if m.HasTag(t) || (m.Department != "" && m.Department == t) {
			return true
		}
	}
	return false
}

// Bounds of the numbers an event may carry.
const (
	MaxCapacity   = 100000
	MaxCompanions = 20
	MaxTeamSize   = 100
)

// Validate checks an event before it is stored; EINVALID says what is wrong.
func (e *Event) Validate() error {
	e.Title = strings.TrimSpace(e.Title)
	inYears := func(t time.Time) bool { return t.IsZero() || (t.Year() >= 2000 && t.Year() <= 2100) }
	switch {
	case e.Title == "":
		return unionbot.Errorf(unionbot.EINVALID, txtNoTitle)
	case len([]rune(e.Title)) > 100:
		return unionbot.Errorf(unionbot.EINVALID, txtTitleLong)
	case e.Capacity < 0 || e.MaxCompanions < 0 || e.TeamMin < 0 || e.TeamMax < e.TeamMin:
		return unionbot.Errorf(unionbot.EINVALID, txtBadNumbers)
	case e.Capacity > MaxCapacity:
		return unionbot.Errorf(unionbot.EINVALID, txtTooLarge, "名额", MaxCapacity)
	case e.MaxCompanions > MaxCompanions:
		return unionbot.Errorf(unionbot.EINVALID, txtTooLarge, "可带家属人数", MaxCompanions)
	case e.TeamMax > MaxTeamSize:
		return unionbot.Errorf(unionbot.EINVALID, txtTooLarge, "每队人数", MaxTeamSize)
	case e.Capacity > 0 && e.MaxCompanions+1 > e.Capacity:
		return unionbot.Errorf(unionbot.EINVALID, txtCompanionsTooMany, e.Capacity, e.Capacity-1)
	case e.StartsAt.IsZero() || !inYears(e.StartsAt) || !inYears(e.EndsAt) || !inYears(e.SignupOpensAt) ||
		!inYears(e.SignupClosesAt) || !inYears(e.CancelDeadline):
		return unionbot.Errorf(unionbot.EINVALID, txtYearRange)
	case !e.EndsAt.IsZero() && e.EndsAt.Before(e.StartsAt):
		return unionbot.Errorf(unionbot.EINVALID, txtEndsBeforeStart)
	case !e.SignupClosesAt.IsZero() && e.SignupClosesAt.Before(e.SignupOpensAt):
		return unionbot.Errorf(unionbot.EINVALID, txtOpensAfterCloses)
	case !e.SignupOpensAt.IsZero() && e.SignupOpensAt.After(e.StartsAt):
		return unionbot.Errorf(unionbot.EINVALID, txtOpensAfterStart)
	case e.SignupClosesAt.After(e.StartsAt):
		return unionbot.Errorf(unionbot.EINVALID, txtClosesAfterStart)
	case e.CancelDeadline.After(e.StartsAt):
		return unionbot.Errorf(unionbot.EINVALID, txtCancelAfterStart)
	}
	if err := e.validateAllocation(); err != nil {
		return err
	}
	if e.Kind == "" {
		e.Kind = "其他"
	}
	ok := false
	for _, k := range Kinds {
		ok = ok || k == e.Kind
	}
	if !ok {
		return unionbot.Errorf(unionbot.EINVALID, txtBadKind, strings.Join(Kinds, "、"))
	}
	switch e.Status {
	case "":
		e.Status = StatusOpen
	case StatusDraft, StatusOpen, StatusClosed, StatusCancelled, StatusEnded:
	default:
		return unionbot.Errorf(unionbot.EINVALID, txtBadStatus)
	}
	return nil
}

// Entry is one teacher's sign-up for an event.
type Entry struct {
	ID         int64
	EventID    int64
	UserID     string
	Name       string
	Department string
	Companions int
	Fields     map[string]string
	Status     string // EntryConfirmed, EntryWaiting, EntryCancelled
	Seq        int64  // arrival order within the event
	Position   int    // place in the waitlist (1 = next), 0 when confirmed
	SignedUpAt time.Time
	CheckedIn  bool
	// ConfirmBy is the end of a pending (待确认) entry's window.
	ConfirmBy time.Time
	Event     *Event // set by ListEntries for a teacher's own list
	// Team is the team's name when the entry is a captain's on a team
	// event; Members are the teammates the captain named (not the captain).
	Team    string
	Members []TeamMember
}

// Places is how many places the entry takes: the teacher and companions.
func (e *Entry) Places() int { return 1 + e.Companions }

// HoldsPlaces reports whether the entry counts against the capacity:
// confirmed, or promoted and awaiting confirmation.
func (e *Entry) HoldsPlaces() bool { return HoldsPlaces(e.Status) }

// HoldsPlaces reports whether an entry in status counts against capacity.
func HoldsPlaces(status string) bool { return status == EntryConfirmed || status == EntryPending }

// EventFilter narrows an event listing.
type EventFilter struct {
	Statuses []string // empty = all
	// NoLines leaves Waiting and Registered at 0: what a teacher is shown
	// (places left come from Taken) does not need every entry counted.
	NoLines bool
}

// Store keeps events and entries. Sign-up, cancellation and promotion are
// decided in the database, under a row lock on the event, so that replicas
// and concurrent deliveries never overbook.
type Store interface {
	CreateEvent(ctx context.Context, e *Event) error
	// UpdateEvent saves e; ENOTFOUND for an unknown id.
	UpdateEvent(ctx context.Context, e *Event) error
	// FindEvent returns ENOTFOUND for an unknown id.
	FindEvent(ctx context.Context, id int64) (*Event, error)
	ListEvents(ctx context.Context, f EventFilter) ([]*Event, error)
	// SignUp enters e (EventID, UserID, Name, Department, Companions,
	// Fields): confirmed when the places fit, else waitlisted when the event
	// keeps a waitlist, else EFORBIDDEN (full). ECONFLICT when the teacher
	// already holds an entry. It fills Status, Seq, Position, SignedUpAt.
	SignUp(ctx context.Context, e *Entry) error
	// CancelEntry cancels the teacher's entry and, when it held places,
	// promotes waiting entries in FIFO order in the same transaction,
	// queueing notify(promoted) for each. ENOTFOUND when there is no entry.
	CancelEntry(ctx context.Context, eventID int64, userID string, notify func(*Event, *Entry) *unionbot.Notice) (*Entry, []*Entry, error)
	// CancelEvent marks the event cancelled and queues notice to everyone
	// signed up or waiting, in one transaction.
	CancelEvent(ctx context.Context, id int64, notice func(*Event) *unionbot.Notice) (*Event, error)
	// ListEntries lists an event's live entries (eventID > 0) or a
	// teacher's (userID != ""), confirmed first, then waitlist by arrival.
	ListEntries(ctx context.Context, eventID int64, userID string) ([]*Entry, error)
	// CheckIn marks a confirmed entry as present; ENOTFOUND without one.
	CheckIn(ctx context.Context, eventID int64, userID string) error
	// SetCheckedIn marks a confirmed entry present or not (the console's
	// toggle); ENOTFOUND without one.
	SetCheckedIn(ctx context.Context, eventID int64, userID string, in bool) error
	// PromoteEntry confirms one waiting teacher out of turn (an admin's
	// decision) when the places allow; ECONFLICT when full.
	PromoteEntry(ctx context.Context, eventID int64, userID string, notify func(*Event, *Entry) *unionbot.Notice) (*Entry, error)
	// PromoteWaiting confirms waiting entries in FIFO order while they fit
	// (after the capacity was raised), queueing notify for each.
	PromoteWaiting(ctx context.Context, eventID int64, notify func(*Event, *Entry) *unionbot.Notice) ([]*Entry, error)

	// SignUpTeam enters a captain's entry with e.Team and e.Members like
	// SignUp (one place for the team) and, in the same transaction, records
	// each teammate as 待确认 and queues invite(event, entry). ECONFLICT when
	// a teammate is already signed up or on another team of the event.
	SignUpTeam(ctx context.Context, e *Entry, invite func(*Event, *Entry) *unionbot.Notice) error
	// AnswerInvite records a teammate's 确认组队 (accept) or 拒绝组队 and
	// queues tell(event, captain's entry with its members) for the
	// captain. ENOTFOUND when userID has no pending invitation there.
	AnswerInvite(ctx context.Context, eventID int64, userID string, accept bool, tell func(*Event, *Entry) *unionbot.Notice) (*Entry, error)
	// Invites lists the teams userID was named in (live captains' entries,
	// with Event, Team and Members set).
	Invites(ctx context.Context, userID string) ([]*Entry, error)
	Allocation

	// Enqueue queues a notice that stands alone.
	Enqueue(ctx context.Context, n *unionbot.Notice) error
	Reminders
}

// OpenDuring lists the published events a teacher can still sign up for at
// some point in [from, to): open, not cancelled, with a sign-up window that
// reaches into the period. The monthly announcement lists them.
func (s *Service) OpenDuring(ctx context.Context, from, to time.Time) ([]*Event, error) {
	all, err := s.Store.ListEvents(ctx, EventFilter{Statuses: []string{StatusOpen}})
	if err != nil {
		return nil, err
	}
	var open []*Event
	for _, e := range all {
		if !e.SignupClosesAt.IsZero() && e.SignupClosesAt.Before(from) {
			continue
		}
		if !e.SignupOpensAt.IsZero() && !e.SignupOpensAt.Before(to) {
			continue
		}
		if !e.EndsAt.IsZero() && e.EndsAt.Before(from) {
			continue
		}
		open = append(open, e)
	}
	return open, nil
}
