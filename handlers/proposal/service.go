package proposal

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"unionbot"
	"unionbot/handlers/audit"
)

// Service holds the rules of proposals; the chat commands and the admin API
// both go through it.
type Service struct {
	Store   Store
	Members unionbot.MemberStore
	// Seconders is how many 附议人 a motion needs (UNIONBOT_MOTION_SECONDERS).
	Seconders int
	// DailyLimit caps a teacher's submissions a day.
	DailyLimit int
	// Admins are told of new proposals and of a 不满意.
	Admins   []string
	Now      func() time.Time
	Location *time.Location
	// Audit records staff steps (nil: none).
	Audit *audit.Service
}

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

func (s *Service) seconders() int {
	if s.Seconders > 0 {
		return s.Seconders
	}
	return 2
}

func (s *Service) dailyLimit() int {
	if s.DailyLimit > 0 {
		return s.DailyLimit
	}
	return 10
}

// checkText refuses an empty or over-long answer, naming the limit.
func checkText(label, v string, max int) error {
	n := utf8.RuneCountInString(strings.TrimSpace(v))
	if n == 0 {
		return unionbot.Errorf(unionbot.EINVALID, txtEmpty, label)
	}
	if n > max {
		return unionbot.Errorf(unionbot.EINVALID, txtOverLimit, label, max, n)
	}
	return nil
}

// validate checks every field of p against the limits of its kind.
func (s *Service) validate(p *Proposal) error {
	for _, f := range formFields(p.Kind) {
		switch f.Key {
		case keyTitle, keyContent, keyMeasures:
			if err := checkText(f.Label, p.field(f.Key), f.Max); err != nil {
				return err
			}
		case keyCategory:
			if !contains(Categories, p.Category) {
				return unionbot.Errorf(unionbot.EINVALID, txtBadCategory, strings.Join(Categories, "/"))
			}
		case keySeconders:
			if len(p.Seconders) < s.seconders() {
				return unionbot.Errorf(unionbot.EINVALID, txtFewSeconders, s.seconders())
			}
		}
	}
	return nil
}

// CanSubmit refuses a teacher who reached the day's limit, and a motion
// outside a congress session's window. It returns the open session.
func (s *Service) CanSubmit(ctx context.Context, userID, kind string) (*Session, error) {
	now := s.now().In(s.loc())
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, s.loc())
	n, err := s.Store.CountProposals(ctx, userID, midnight)
	if err != nil {
		return nil, err
	}
	if n >= s.dailyLimit() {
		return nil, unionbot.Errorf(unionbot.ELIMIT, txtDailyLimit, s.dailyLimit())
	}
	if kind != KindMotion {
		return nil, nil
	}
	sess, err := s.OpenSession(ctx)
	if err != nil {
		return nil, err
	}
	if sess == nil {
		return nil, unionbot.Errorf(unionbot.ECONFLICT, "%s", txtNoSession)
	}
	return sess, nil
}

// Submit stores a new proposal from its author and numbers it. A motion
// waits for its seconders, who are asked at once; a suggestion is 已提交.
func (s *Service) Submit(ctx context.Context, p *Proposal) error {
	if err := s.validate(p); err != nil {
		return err
	}
	sess, err := s.CanSubmit(ctx, p.AuthorID, p.Kind)
	if err != nil {
		return err
	}
	now := s.now()
	p.Year = now.In(s.loc()).Year()
	p.Status = StatusSubmitted
	if p.Kind == KindMotion {
		p.Anonymous = false // motions are signed
		p.Session = sess.Name
		p.Status = StatusSeconding
		p.SecondBy = now.Add(SecondDays * 24 * time.Hour)
		for i := range p.Seconders {
			p.Seconders[i].Status = SecondPending
		}
	}
	first := &LogEntry{To: p.Status, By: p.AuthorID, ByName: p.AuthorName, Note: "提交"}
	if p.Anonymous {
		first.By, first.ByName = "", "匿名"
	}
	return s.Store.SubmitProposal(ctx, p, first, func(p *Proposal) []*unionbot.Notice {
		var ns []*unionbot.Notice
		if p.Kind == KindMotion {
			var to []string
			for _, sc := range p.Seconders {
				to = append(to, sc.UserID)
			}
			deadline := p.SecondBy.In(s.loc()).Format("1月2日 15:04")
			n := s.notice(p, to, fmt.Sprintf(txtInviteSecond, p.AuthorName, p.Session, p.No, p.Title, p.Content, deadline, p.No, p.No))
			n.Card = secondCard(p, deadline, n.Text)
			ns = append(ns, n)
		} else if len(s.Admins) > 0 {
			ns = append(ns, s.notice(p, s.Admins, fmt.Sprintf(txtNewForAdmins, KindName(p.Kind), p.No, p.Title, p.Category)))
		}
		return ns
	})
}

func (s *Service) notice(p *Proposal, to []string, text string) *unionbot.Notice {
	// The delivery log shows no recipients, so an anonymous author's id
	// does not show there either.
	return &unionbot.Notice{ToUsers: to, Text: text, Kind: "proposal", Ref: p.No}
}

// Transition moves a proposal along the workflow and tells its author and
// seconders. Illegal moves are ECONFLICT with the reason.
//
// The staff member's audit entry holds the proposal's status, department
// and reply before and after, never its author (anonymity holds there
// too), and is written in the step's transaction.
func (s *Service) Transition(ctx context.Context, no string, m Move) (*Proposal, error) {
	ctx, rec := s.Audit.Begin(ctx, "proposal.transition", "proposal:"+NormalizeNo(no))
	p, err := s.Store.UpdateProposal(ctx, NormalizeNo(no), func(p *Proposal) (*Change, error) {
		rec.Before(auditView(p))
		entry, err := m.apply(p)
		if err != nil {
			return nil, err
		}
		rec.After(auditView(p))
		rec.Note(m.Note)
		text := stepText(p, entry)
		if p.Status != StatusReplied {
			return &Change{Log: entry, Notices: []*unionbot.Notice{s.notice(p, p.Recipients(), text)}}, nil
		}
		// The answer goes to the author and the seconders; a WeCom author
		// then gets the satisfaction vote as a card, which has no text of
		// its own: where cards are not shown it is not sent at all (the
		// answer already asks for 满意 / 基本满意 / 不满意).
		ch := &Change{Log: entry, Notices: []*unionbot.Notice{s.notice(p, p.Recipients(), text)}}
		if !unionbot.IsWeChatUser(p.AuthorID) {
			vote := s.notice(p, []string{p.AuthorID}, "")
			vote.Card = rateCard(p)
			ch.Notices = append(ch.Notices, vote)
		}
		return ch, nil
	})
	s.Audit.Finish(ctx, rec, err)
	return p, err
}

// auditView is what the audit log keeps of a proposal: no author.
func auditView(p *Proposal) map[string]string {
	return map[string]string{"no": p.No, "title": p.Title, "status": p.Status, "department": p.Department, "reply": p.Reply}
}

// AnswerSecond records a seconder's answer. Enough agreements submit the motion;
// when the rest can no longer make up the number it lapses. The proposer
// is told either way.
func (s *Service) AnswerSecond(ctx context.Context, no, userID string, agree bool) (*Proposal, error) {
	return s.Store.UpdateProposal(ctx, NormalizeNo(no), func(p *Proposal) (*Change, error) {
		i := -1
		for j, sc := range p.Seconders {
			if sc.UserID == userID {
				i = j
			}
		}
		if i < 0 {
			return nil, unionbot.Errorf(unionbot.ENOTFOUND, txtNotSeconder, p.No)
		}
		if p.Seconders[i].Status != SecondPending {
			return nil, unionbot.Errorf(unionbot.ECONFLICT, txtSecondDone, p.No, p.Seconders[i].Status, p.Status)
		}
		if p.Status != StatusSeconding || !s.now().Before(p.SecondBy) {
			return nil, unionbot.Errorf(unionbot.ECONFLICT, txtSecondLate, p.No, p.Status)
		}
		sc := &p.Seconders[i]
		sc.Status, sc.AnsweredAt = SecondDeclined, s.now()
		if agree {
			sc.Status = SecondAgreed
		}
		answer := fmt.Sprintf(txtSecondAnswer, sc.Name, sc.Status, p.No, p.Title, p.Agreed(), s.seconders())
		ch := &Change{}
		pending := 0
		for _, x := range p.Seconders {
			if x.Status == SecondPending {
				pending++
			}
		}
		switch {
		case p.Agreed() >= s.seconders():
			ch.Log = &LogEntry{From: p.Status, To: StatusSubmitted, By: userID, ByName: sc.Name, Note: fmt.Sprintf("附议人数已满 %d 人", p.Agreed())}
			p.Status = StatusSubmitted
			answer += fmt.Sprintf(txtSecondEnough, p.No)
		case p.Agreed()+pending < s.seconders():
			ch.Log = &LogEntry{From: p.Status, To: StatusLapsed, By: userID, ByName: sc.Name, Note: "附议人数不足"}
			p.Status = StatusLapsed
			answer += fmt.Sprintf(txtSecondShort, s.seconders())
		}
		ch.Notices = append(ch.Notices, s.notice(p, []string{p.AuthorID}, answer))
		if p.Status == StatusSubmitted && len(s.Admins) > 0 {
			ch.Notices = append(ch.Notices, s.notice(p, s.Admins, fmt.Sprintf(txtNewForAdmins, KindName(p.Kind), p.No, p.Title, p.Session)))
		}
		return ch, nil
	})
}

// LapseJob ends the motions whose seconders did not answer in time.
// It runs on the scheduler, which passes its clock.
func (s *Service) LapseJob(ctx context.Context, now time.Time) error {
	nos, err := s.Store.DueSeconding(ctx, now)
	if err != nil {
		return err
	}
	for _, no := range nos {
		_, err := s.Store.UpdateProposal(ctx, no, func(p *Proposal) (*Change, error) {
			if p.Status != StatusSeconding || now.Before(p.SecondBy) {
				return nil, errSkip
			}
			entry := &LogEntry{From: p.Status, To: StatusLapsed, ByName: "系统", Note: fmt.Sprintf("%d 天内附议不足 %d 人", SecondDays, s.seconders())}
			p.Status = StatusLapsed
			text := fmt.Sprintf(txtLapsed, p.No, p.Title, SecondDays, p.Agreed(), s.seconders())
			return &Change{Log: entry, Notices: []*unionbot.Notice{s.notice(p, []string{p.AuthorID}, text)}}, nil
		})
		if err != nil && !errors.Is(err, errSkip) {
			return fmt.Errorf("lapse %s: %w", no, err)
		}
	}
	return nil
}

// errSkip leaves a motion that changed since DueSeconding listed it.
var errSkip = errors.New("proposal: nothing to lapse")

// Rate stores the author's 满意 / 基本满意 / 不满意 on an answered
// proposal; 不满意 is told to the union.
func (s *Service) Rate(ctx context.Context, no, userID, answer string) (*Proposal, error) {
	return s.rate(ctx, no, userID, answer, false)
}

// RateOnce is Rate from the rating card: a proposal already rated is
// ECONFLICT (an old card tapped again), never a second rating.
func (s *Service) RateOnce(ctx context.Context, no, userID, answer string) (*Proposal, error) {
	return s.rate(ctx, no, userID, answer, true)
}

func (s *Service) rate(ctx context.Context, no, userID, answer string, once bool) (*Proposal, error) {
	if !contains(Satisfactions, answer) {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtBadSatisfaction)
	}
	return s.Store.UpdateProposal(ctx, NormalizeNo(no), func(p *Proposal) (*Change, error) {
		if p.AuthorID != userID {
			return nil, unionbot.Errorf(unionbot.ENOTFOUND, txtNotYours, p.No)
		}
		if p.Status != StatusReplied {
			return nil, unionbot.Errorf(unionbot.ECONFLICT, txtNotReplied, p.No, p.Status)
		}
		if once && p.Satisfaction != "" {
			return nil, unionbot.Errorf(unionbot.ECONFLICT, txtRatedAlready, p.No, p.Satisfaction)
		}
		p.Satisfaction = answer
		entry := &LogEntry{From: p.Status, To: p.Status, By: p.AuthorID, ByName: p.AuthorName, Note: "评价：" + answer}
		if p.Anonymous {
			entry.By, entry.ByName = "", "匿名"
		}
		ch := &Change{Log: entry}
		if answer == "不满意" && len(s.Admins) > 0 {
			ch.Notices = append(ch.Notices, s.notice(p, s.Admins, fmt.Sprintf(txtUnsatisfied, p.No, p.Title)))
		}
		return ch, nil
	})
}

// OpenSession is the congress session collecting motions now, nil when none.
func (s *Service) OpenSession(ctx context.Context) (*Session, error) {
	all, err := s.Store.ListSessions(ctx)
	if err != nil {
		return nil, err
	}
	for _, sess := range all {
		if sess.Open(s.now()) {
			return sess, nil
		}
	}
	return nil, nil
}

// CreateSession opens a congress session's window for motions.
func (s *Service) CreateSession(ctx context.Context, sess *Session) error {
	sess.Name = strings.TrimSpace(sess.Name)
	if err := checkText("会议名称", sess.Name, 50); err != nil {
		return err
	}
	if sess.OpensAt.IsZero() {
		sess.OpensAt = s.now()
	}
	if !sess.ClosesAt.After(sess.OpensAt) {
		return unionbot.Errorf(unionbot.EINVALID, txtBadWindow)
	}
	ctx, rec := s.Audit.Begin(ctx, "proposal.session", "session:"+sess.Name)
	rec.After(sess)
	err := s.Store.CreateSession(ctx, sess)
	s.Audit.Finish(ctx, rec, err)
	return err
}

// Stats counts proposals by category, status, kind and satisfaction.
type Stats struct {
	Total        int            `json:"total"`
	ByKind       map[string]int `json:"by_kind"`
	ByCategory   map[string]int `json:"by_category"`
	ByStatus     map[string]int `json:"by_status"`
	Satisfaction map[string]int `json:"satisfaction"`
}

// Stats counts the proposals f selects.
func (s *Service) Stats(ctx context.Context, f Filter) (*Stats, error) {
	list, err := s.Store.ListProposals(ctx, f)
	if err != nil {
		return nil, err
	}
	st := &Stats{ByKind: map[string]int{}, ByCategory: map[string]int{}, ByStatus: map[string]int{}, Satisfaction: map[string]int{}}
	for _, p := range list {
		st.Total++
		st.ByKind[KindName(p.Kind)]++
		st.ByStatus[p.Status]++
		cat := p.Category
		if cat == "" {
			cat = "（提案）"
		}
		st.ByCategory[cat]++
		if p.Satisfaction != "" {
			st.Satisfaction[p.Satisfaction]++
		}
	}
	return st, nil
}

// NormalizeNo upper-cases a tracking number a teacher typed (jy-2026-1 →
// JY-2026-0001).
func NormalizeNo(no string) string {
	no = strings.ToUpper(strings.TrimSpace(no))
	no = strings.NewReplacer("－", "-", "—", "-", "_", "-").Replace(no)
	parts := strings.Split(no, "-")
	if len(parts) == 3 && (parts[0] == "JY" || parts[0] == "TA") && len(parts[2]) < 4 {
		parts[2] = strings.Repeat("0", 4-len(parts[2])) + parts[2]
	}
	return strings.Join(parts, "-")
}
