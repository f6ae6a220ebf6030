package signup

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sort"
	"time"

	"unionbot"
)

// AllocateFunc is the rule of a rotation draw as the store runs it under
// the event's row lock: given the event, the seed, the registered entries
// and when each teacher last went to an event of the same kind, it returns
// the published draw and the entries in drawn order with their statuses.
type AllocateFunc func(ev *Event, seed string, registered []*Entry, last map[string]time.Time) (*Published, []*Entry)

// Allocate is the rotation rule: Draw orders the teachers (least recently
// gone first, then by lottery), then each in turn whose party fits the
// places left gets one, as Promotable does for a waitlist; the others
// wait in that order, or, without a waitlist, get no place (cancelled).
// Years are counted in loc.
func Allocate(loc *time.Location) AllocateFunc {
	return func(ev *Event, seed string, registered []*Entry, last map[string]time.Time) (*Published, []*Entry) {
		byUser := make(map[string]*Entry, len(registered))
		cands := make([]Candidate, len(registered))
		for i, e := range registered {
			byUser[e.UserID] = e
			cands[i] = Candidate{UserID: e.UserID, Name: e.Name}
			if t, ok := last[e.UserID]; ok {
				cands[i].Last = t.In(loc).Year()
			}
		}
		order := Draw(seed, cands)
		ordered := make([]*Entry, len(order))
		for i, c := range order {
			ordered[i] = byUser[c.UserID]
		}
		won := map[*Entry]bool{}
		for _, e := range Promotable(ev, ev.Taken, ordered) {
			won[e] = true
		}
		pub := &Published{EventID: ev.ID, Title: ev.Title, Kind: ev.Kind, LookbackYears: ev.LookbackYears, DrawnAt: ev.DrawnAt,
			Seed: seed, Candidates: sortedByUser(cands)}
		waiting := 0
		for i, e := range ordered {
			switch {
			case won[e]:
				e.Status = EntryConfirmed
			case ev.Waitlist:
				e.Status = EntryWaiting
				waiting++
				e.Position = waiting
			default:
				e.Status = EntryCancelled
			}
			outcome := e.Status
			if outcome == EntryCancelled {
				outcome = OutcomeNoPlace
			}
			pub.Order = append(pub.Order, Placed{UserID: e.UserID, Name: e.Name, Last: order[i].Last,
				Ticket: Ticket(seed, e.UserID), Outcome: outcome})
		}
		return pub, ordered
	}
}

// OutcomeNoPlace is a drawn teacher's outcome on an event without a waitlist.
const OutcomeNoPlace = "未获名额"

func sortedByUser(cs []Candidate) []Candidate {
	out := append([]Candidate(nil), cs...)
	sort.Slice(out, func(i, j int) bool { return out[i].UserID < out[j].UserID })
	return out
}

// newSeed is a fresh public seed: 16 random bytes in hex.
func newSeed() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// DrawNow runs a rotation event's draw (an admin's 'draw now', or the job
// when sign-up has closed): places by rotation, the rest waiting in the
// drawn order, sign-up closed, the draw published, and each teacher told
// their outcome in the same transaction, once. ECONFLICT when already
// drawn or not a rotation event.
func (s *Service) DrawNow(ctx context.Context, eventID int64) (*Published, error) {
	seed := newSeed()
	if s.NewSeed != nil {
		seed = s.NewSeed()
	}
	return s.Store.DrawPlaces(ctx, eventID, seed, Allocate(s.Location), s.outcomeNotice)
}

// Draw returns an event's published draw; ENOTFOUND before it.
func (s *Service) Draw(ctx context.Context, eventID int64) (*Published, error) {
	ev, err := s.Store.FindEvent(ctx, eventID)
	if err != nil {
		return nil, err
	}
	p, err := s.Store.FindDraw(ctx, eventID)
	if unionbot.ErrorCode(err) == unionbot.ENOTFOUND {
		return nil, ErrNoDraw(ev.Title)
	}
	return p, err
}

// DrawJob returns the scheduler job that draws every rotation event whose
// sign-up has closed and has not been drawn. A draw another replica made
// first is no failure.
func (s *Service) DrawJob() func(ctx context.Context, now time.Time) error {
	return func(ctx context.Context, now time.Time) error {
		evs, err := s.Store.ListEvents(ctx, EventFilter{Statuses: []string{StatusOpen, StatusClosed}})
		if err != nil {
			return err
		}
		for _, e := range evs {
			if !e.Rotation() || !e.DrawnAt.IsZero() || e.SignupClosesAt.IsZero() || s.Now().Before(e.SignupClosesAt) {
				continue
			}
			if _, err := s.DrawNow(ctx, e.ID); err != nil && unionbot.ErrorCode(err) != unionbot.ECONFLICT {
				return fmt.Errorf("draw event %d: %w", e.ID, err)
			}
		}
		return nil
	}
}

// outcomeNotice tells one teacher the draw's outcome.
func (s *Service) outcomeNotice(ev *Event, e *Entry, p *Published) *unionbot.Notice {
	n := &unionbot.Notice{ToUsers: []string{e.UserID}, Kind: "signup", Ref: eventRef(ev)}
	switch e.Status {
	case EntryConfirmed:
		n.Text = fmt.Sprintf(txtDrawWon, ev.Title, s.fmtTime(ev.StartsAt), p.Seed)
	case EntryWaiting:
		n.Text = fmt.Sprintf(txtDrawWaiting, ev.Title, e.Position, p.Seed)
	default:
		n.Text = fmt.Sprintf(txtDrawLost, ev.Title, p.Seed)
	}
	return n
}
