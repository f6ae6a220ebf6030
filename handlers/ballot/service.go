package ballot

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"unionbot"
	"unionbot/handlers/audit"
)

// Service holds every use case of ballots; chat, the admin API, the
// console and the CLI all go through it.
type Service struct {
	Store    Store
	Now      func() time.Time
	Location *time.Location
	// ResultURL, when set, is the public address of a closed ballot's
	// published list, with %d for its id; it is put in the result notice.
	ResultURL string
	// Audit records staff changes (nil: none).
	Audit *audit.Service
}

// auditView is what the audit log keeps of a ballot: its definition and
// counts, never a vote or a voter.
func auditView(b *Ballot) map[string]any {
	return map[string]any{"id": b.ID, "title": b.Title, "status": b.Status, "electorate_tag": b.ElectorateTag,
		"electorate": b.Electorate, "voted": b.Voted, "opens_at": b.OpensAt, "closes_at": b.ClosesAt, "questions": len(b.Questions)}
}

// auditLater is auditView read when the entry is written.
type auditLater struct{ b *Ballot }

func (a auditLater) MarshalJSON() ([]byte, error) { return json.Marshal(auditView(a.b)) }

func ballotTarget(id int64) string { return fmt.Sprintf("ballot:%d", id) }

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) loc() *time.Location {
	if s.Location != nil {
		return s.Location
	}
	return time.Local
}

// Create stores a new ballot as a draft. EINVALID says what is wrong.
func (s *Service) Create(ctx context.Context, b *Ballot) error {
	b.normalize()
	if err := b.validate(); err != nil {
		return err
	}
	b.Status, b.Electorate, b.Voted, b.Result = StatusDraft, 0, 0, nil
	ctx, rec := s.Audit.Begin(ctx, "ballot.create", "")
	err := s.Store.CreateBallot(ctx, b)
	rec.TargetOf(func() string { return ballotTarget(b.ID) })
	rec.After(auditView(b))
	s.Audit.Finish(ctx, rec, err)
	return err
}

// Update replaces a draft's questions, electorate, times and rules. An
// open or closed ballot is ECONFLICT: it can be previewed, not changed.
func (s *Service) Update(ctx context.Context, id int64, nb *Ballot) (*Ballot, error) {
	nb.normalize()
	if err := nb.validate(); err != nil {
		return nil, err
	}
	ctx, rec := s.Audit.Begin(ctx, "ballot.update", ballotTarget(id))
	b, err := s.Store.UpdateBallot(ctx, id, func(b *Ballot) error {
		if b.Status != StatusDraft {
			return unionbot.Errorf(unionbot.ECONFLICT, txtNotDraft, b.Title, b.Status)
		}
		rec.Before(auditView(b))
		b.Title, b.Questions, b.ElectorateTag = nb.Title, nb.Questions, nb.ElectorateTag
		b.OpensAt, b.ClosesAt, b.Quorum, b.Pass = nb.OpensAt, nb.ClosesAt, nb.Quorum, nb.Pass
		rec.After(auditView(b))
		return nil
	})
	s.Audit.Finish(ctx, rec, err)
	return b, err
}

// Open snapshots the electorate and starts taking votes at OpensAt. An
// empty electorate, a ballot already open or closed, or one whose closing
// time has passed is refused.
func (s *Service) Open(ctx context.Context, id int64) (*Ballot, error) {
	now := s.now()
	ctx, rec := s.Audit.Begin(ctx, "ballot.open", ballotTarget(id))
	b, err := s.Store.OpenBallot(ctx, id, func(b *Ballot) error {
		if b.Status != StatusDraft {
			return unionbot.Errorf(unionbot.ECONFLICT, txtNotDraft, b.Title, b.Status)
		}
		if !now.Before(b.ClosesAt) {
			return unionbot.Errorf(unionbot.ECONFLICT, "%s", txtOpenTooLate)
		}
		rec.Before(auditView(b))
		b.Status, b.OpenedAt = StatusOpen, now
		rec.After(auditLater{b}) // read when written: with the electorate counted
		return nil
	}, (*Ballot).Eligible)
	s.Audit.Finish(ctx, rec, err)
	if err != nil {
		return nil, err
	}
	if b.Electorate == 0 {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtNoElectorate, b.ElectorateName())
	}
	return b, nil
}

// Cast records a vote from userID and returns its receipt code. It is
// refused (ECONFLICT) once they voted, outside the voting time, and to
// anyone not in the electorate (EFORBIDDEN).
func (s *Service) Cast(ctx context.Context, id int64, userID string, answers []Answer) (string, error) {
	now := s.now()
	return s.Store.CastVote(ctx, id, userID, func(b *Ballot) error {
		if err := s.accepting(b, now); err != nil {
			return err
		}
		return b.CheckAnswers(answers)
	}, answers, NewReceipt)
}

func (s *Service) accepting(b *Ballot, now time.Time) error {
	switch {
	case b.Status == StatusDraft:
		return unionbot.Errorf(unionbot.ECONFLICT, txtNotOpen, b.Title)
	case b.Status == StatusClosed || !now.Before(b.ClosesAt):
		return unionbot.Errorf(unionbot.ECONFLICT, txtClosed, b.Title)
	case now.Before(b.OpensAt):
		return unionbot.Errorf(unionbot.ECONFLICT, txtNotYet, b.Title, b.OpensAt.In(s.loc()).Format("1月2日 15:04"))
	}
	return nil
}

// Close ends voting, counts, and publishes the result to every voter. A
// draft or a closed ballot is ECONFLICT.
func (s *Service) Close(ctx context.Context, id int64) (_ *Ballot, err error) {
	now := s.now()
	ctx, rec := s.Audit.Begin(ctx, "ballot.close", ballotTarget(id))
	defer func() { s.Audit.Finish(ctx, rec, err) }()
	return s.Store.CloseBallot(ctx, id, func(b *Ballot, votes []Vote, voters []string) ([]*unionbot.Notice, error) {
		if b.Status != StatusOpen {
			return nil, unionbot.Errorf(unionbot.ECONFLICT, txtCannotClose, b.Title, b.Status)
		}
		rec.Before(auditView(b))
		rec.After(auditLater{b})
		if len(votes) != len(voters) {
			return nil, fmt.Errorf("ballot %d: %d votes but %d voters", b.ID, len(votes), len(voters))
		}
		b.Status, b.ClosedAt, b.Voted = StatusClosed, now, len(voters)
		b.Result = Publish(b, votes)
		var ns []*unionbot.Notice
		for len(voters) > 0 {
			n := min(len(voters), 1000)
			ns = append(ns, &unionbot.Notice{ToUsers: voters[:n], Text: s.resultText(b), Kind: "ballot", Ref: fmt.Sprintf("ballot:%d", b.ID)})
			voters = voters[n:]
		}
		return ns, nil
	})
}

// CloseJob closes the ballots whose time is up and reminds those who have
// not voted 24 hours and 1 hour before a ballot closes. It runs on the
// scheduler, which passes its clock.
func (s *Service) CloseJob(ctx context.Context, now time.Time) error {
	ids, err := s.Store.DueToClose(ctx, now)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := s.Close(ctx, id); err != nil && unionbot.ErrorCode(err) != unionbot.ECONFLICT {
			return fmt.Errorf("close ballot %d: %w", id, err)
		}
	}
	// The 1-hour reminder first, so a ballot closing within the hour does
	// not also get the 24-hour one.
	for _, r := range []struct {
		kind     string
		from, to time.Duration
	}{{"1h", 0, time.Hour}, {"24h", time.Hour, 24 * time.Hour}} {
		_, err := s.Store.QueueReminders(ctx, r.kind, now.Add(r.from), now.Add(r.to), func(b *Ballot) *unionbot.Notice {
			text := fmt.Sprintf(txtReminder, b.Title, b.ClosesAt.In(s.loc()).Format("1月2日 15:04"))
			return &unionbot.Notice{Text: text, Kind: "ballot", Ref: fmt.Sprintf("ballot:%d:%s", b.ID, r.kind)}
		})
		if err != nil {
			return fmt.Errorf("ballot reminders %s: %w", r.kind, err)
		}
	}
	return nil
}

// ForVoter lists the open ballots userID may vote in now.
func (s *Service) ForVoter(ctx context.Context, userID string) ([]*Mine, error) {
	all, err := s.Store.BallotsFor(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []*Mine
	for _, m := range all {
		if m.Ballot.Accepting(now) {
			out = append(out, m)
		}
	}
	return out, nil
}

// FindReceipt returns the votes recorded under a receipt code; a code
// nobody holds is ENOTFOUND.
func (s *Service) FindReceipt(ctx context.Context, code string) ([]*Found, error) {
	r := ParseReceipt(code)
	if r == "" {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtBadReceipt)
	}
	found, err := s.Store.FindReceipt(ctx, r)
	if err != nil {
		return nil, err
	}
	if len(found) == 0 {
		return nil, unionbot.Errorf(unionbot.ENOTFOUND, txtNoReceipt, ShowReceipt(r))
	}
	return found, nil
}

// Result returns a closed ballot's published result; before it closes,
// ECONFLICT.
func (s *Service) Result(ctx context.Context, id int64) (*Ballot, error) {
	b, err := s.Store.GetBallot(ctx, id)
	if err != nil {
		return nil, err
	}
	if b.Status != StatusClosed || b.Result == nil {
		return nil, unionbot.Errorf(unionbot.ECONFLICT, txtNoResultYet, b.Title)
	}
	return b, nil
}

// resultText is the notice every voter gets when the ballot closes: the
// outcome and how to check their own ballot. It says nothing about any
// one voter.
func (s *Service) resultText(b *Ballot) string {
	t := b.Result.Tally
	var sb strings.Builder
	quorum := "达到"
	if !t.QuorumMet {
		quorum = "未达到"
	}
	fmt.Fprintf(&sb, txtResultHead, b.Title, t.Electorate, t.Voted, t.Participation, quorum)
	for _, q := range t.Questions {
		sb.WriteString("\n" + SummaryLine(q))
	}
	fmt.Fprintf(&sb, txtResultFoot, len(b.Result.Lines), b.Result.Head)
	if s.ResultURL != "" {
		fmt.Fprintf(&sb, "\n"+txtResultDownload, fmt.Sprintf(s.ResultURL, b.ID))
	}
	return sb.String()
}

// SummaryLine says one question's count and outcome in a line.
func SummaryLine(q QuestionTally) string {
	var parts []string
	for _, c := range q.Counts {
		parts = append(parts, fmt.Sprintf("%s %d", c.Name, c.Votes))
	}
	for _, p := range q.Persons {
		var rs []string
		for _, c := range p.Counts {
			rs = append(rs, fmt.Sprintf("%s%d", c.Name, c.Votes))
		}
		parts = append(parts, p.Name+"（"+strings.Join(rs, "、")+"）")
	}
	return fmt.Sprintf("%d. %s（%s）：%s——%s", q.No, q.Title, q.Kind, strings.Join(parts, "，"), q.Outcome)
}

// List lists the ballots, for the API and the console.
func (s *Service) List(ctx context.Context) ([]*Ballot, error) { return s.Store.ListBallots(ctx) }

// Get reads one ballot; ENOTFOUND for an unknown id.
func (s *Service) Get(ctx context.Context, id int64) (*Ballot, error) {
	return s.Store.GetBallot(ctx, id)
}
