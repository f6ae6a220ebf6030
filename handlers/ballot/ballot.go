// Package ballot is secret voting in chat: 教代会 表决 of motions, 选举 of
// the union committee and 民主评议 of cadres. A voter's turn-out and their
// choices are kept apart: the store records only that a member voted, and
// the ballot itself under a random receipt code with no member id and no
// time. When a ballot closes, the list of (receipt, choices) is published,
// chained with SHA-256, beside the tally, so every voter can find their own
// line and anyone can recount (Verify).
package ballot

import (
	"strings"
	"time"
	"unicode/utf8"

	"unionbot"
)

// Question kinds.
const (
	KindMotion   = "表决" // 赞成 / 反对 / 弃权
	KindElection = "选举" // choose up to Max of the candidates
	KindReview   = "评议" // one rating per person, optional comment
)

// Answers to a 表决.
const (
	Yes     = "赞成"
	No      = "反对"
	Abstain = "弃权"
)

// MotionChoices are the answers to a 表决, in the order they are offered.
var MotionChoices = []string{Yes, No, Abstain}

// DefaultRatings is the scale of a 民主评议 when the ballot names none.
var DefaultRatings = []string{"优秀", "称职", "基本称职", "不称职"}

// Ballot statuses.
const (
	StatusDraft  = "草稿"
	StatusOpen   = "进行中"
	StatusClosed = "已结束"
)

// Limits of what staff write.
const (
	MaxTitle     = 100
	MaxQuestions = 30
	MaxOptions   = 50
	MaxComment   = 200
)

// Question is one item on the ballot.
type Question struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	// Options are the candidates of a 选举 and the persons rated in a 评议.
	Options []string `json:"options,omitempty"`
	// Max is how many candidates a 选举 voter may choose (1 when unset).
	Max int `json:"max,omitempty"`
	// Ratings is the scale of a 评议.
	Ratings []string `json:"ratings,omitempty"`
	// Comment lets a 评议 voter add an anonymous comment.
	Comment bool `json:"comment,omitempty"`
}

// Rule is a threshold: Num/Den of a base. At least (三分之二以上, which in
// Chinese legal usage includes the number itself) unless Strict (过半数:
// more than). The base is the whole electorate unless OfVoters.
type Rule struct {
	Num      int  `json:"num"`
	Den      int  `json:"den"`
	Strict   bool `json:"strict,omitempty"`
	OfVoters bool `json:"of_voters,omitempty"`
}

// The rules of 《学校教职工代表大会规定》: a congress decides only when two
// thirds of its representatives take part, and a motion passes with more
// than half of all representatives, not of those present.
var (
	DefaultQuorum = Rule{Num: 2, Den: 3}
	DefaultPass   = Rule{Num: 1, Den: 2, Strict: true}
)

// Met reports whether n reaches the rule against electorate and voters.
func (r Rule) Met(n, electorate, voters int) bool {
	base := electorate
	if r.OfVoters {
		base = voters
	}
	if r.Strict {
		return n*r.Den > r.Num*base
	}
	return n*r.Den >= r.Num*base
}

// String says the rule in Chinese, e.g. 全体的 2/3 以上（含本数）.
func (r Rule) String() string {
	base := "全体选民"
	if r.OfVoters {
		base = "实际投票人"
	}
	if r.Strict {
		return base + "的 " + itoa(r.Num) + "/" + itoa(r.Den) + " 以上（不含本数，即超过）"
	}
	return base + "的 " + itoa(r.Num) + "/" + itoa(r.Den) + " 以上（含本数）"
}

// Ballot is a vote the union runs: its questions, who may vote and when,
// and its rules.
type Ballot struct {
	ID        int64
	Title     string
	Questions []Question
	// ElectorateTag narrows the electorate to members with the tag (e.g.
	// 教代会代表); empty means every WeCom member. The electorate is
	// snapshotted when the ballot opens.
	ElectorateTag string
	OpensAt       time.Time
	ClosesAt      time.Time
	Quorum        Rule
	Pass          Rule
	Status        string
	Electorate    int // members in the snapshot, once open
	Voted         int // members who voted, filled in by the store
	CreatedBy     string
	CreatedAt     time.Time
	OpenedAt      time.Time
	ClosedAt      time.Time
	// Result is the published list and tally, once closed.
	Result *Published
}

// Eligible reports whether member m belongs to the ballot's electorate: a
// member with the tag, or with no tag set every WeCom member. An Official
// Account follower is in it only when staff gave their record the tag.
func (b *Ballot) Eligible(m *unionbot.Member) bool {
	if b.ElectorateTag == "" {
		return !unionbot.IsWeChatUser(m.UserID)
	}
	return m.HasTag(b.ElectorateTag)
}

// ElectorateName says who may vote, in Chinese.
func (b *Ballot) ElectorateName() string {
	if b.ElectorateTag == "" {
		return "全体会员"
	}
	return "标签“" + b.ElectorateTag + "”的会员"
}

// Accepting reports whether votes are taken at now.
func (b *Ballot) Accepting(now time.Time) bool {
	return b.Status == StatusOpen && !now.Before(b.OpensAt) && now.Before(b.ClosesAt)
}

// NotInElectorate is the refusal to a member outside b's electorate.
func NotInElectorate(b *Ballot) error {
	return unionbot.Errorf(unionbot.EFORBIDDEN, txtNotElector, b.Title, b.ElectorateName())
}

// AlreadyVoted is the refusal of a second vote in b.
func AlreadyVoted(b *Ballot) error {
	return unionbot.Errorf(unionbot.ECONFLICT, txtAlreadyVoted, b.Title)
}

// Answer is a voter's answer to one question. Picks holds the 表决 answer,
// the chosen candidates (none: 弃权), or one rating per person in order.
type Answer struct {
	Picks   []string `json:"picks"`
	Comment string   `json:"comment,omitempty"`
}

// Vote is one ballot as stored and published: a receipt code and the
// answers, nothing else.
type Vote struct {
	Receipt string
	Answers []Answer
}

// normalize fills defaults and trims what staff wrote.
func (b *Ballot) normalize() {
	b.Title = strings.TrimSpace(b.Title)
	b.ElectorateTag = strings.TrimSpace(b.ElectorateTag)
	if b.Quorum.Den == 0 {
		b.Quorum = DefaultQuorum
	}
	if b.Pass.Den == 0 {
		b.Pass = DefaultPass
	}
	for i := range b.Questions {
		q := &b.Questions[i]
		q.Title = strings.TrimSpace(q.Title)
		q.Kind = kindName(q.Kind)
		q.Options = trimAll(q.Options)
		switch q.Kind {
		case KindElection:
			if q.Max == 0 {
				q.Max = 1
			}
			q.Ratings, q.Comment = nil, false
		case KindReview:
			if len(q.Ratings) == 0 {
				q.Ratings = append([]string(nil), DefaultRatings...)
			}
			q.Ratings, q.Max = trimAll(q.Ratings), 0
		default:
			q.Options, q.Ratings, q.Max, q.Comment = nil, nil, 0, false
		}
	}
}

// kindName accepts the English names the API also takes.
func kindName(k string) string {
	switch strings.ToLower(strings.TrimSpace(k)) {
	case "motion", KindMotion:
		return KindMotion
	case "election", KindElection:
		return KindElection
	case "review", KindReview:
		return KindReview
	}
	return k
}

func trimAll(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// validate refuses a ballot that cannot be voted on, saying why.
func (b *Ballot) validate() error {
	if n := utf8.RuneCountInString(b.Title); n == 0 || n > MaxTitle {
		return unionbot.Errorf(unionbot.EINVALID, txtBadTitle, MaxTitle)
	}
	if len(b.Questions) == 0 || len(b.Questions) > MaxQuestions {
		return unionbot.Errorf(unionbot.EINVALID, txtQuestionCount, MaxQuestions)
	}
	if b.OpensAt.IsZero() || b.ClosesAt.IsZero() || !b.ClosesAt.After(b.OpensAt) {
		return unionbot.Errorf(unionbot.EINVALID, "%s", txtBadTimes)
	}
	for _, r := range []Rule{b.Quorum, b.Pass} {
		if r.Num < 0 || r.Den <= 0 || r.Num > r.Den {
			return unionbot.Errorf(unionbot.EINVALID, "%s", txtBadRule)
		}
	}
	for i, q := range b.Questions {
		no := i + 1
		if n := utf8.RuneCountInString(q.Title); n == 0 || n > MaxTitle {
			return unionbot.Errorf(unionbot.EINVALID, txtBadQuestionTitle, no, MaxTitle)
		}
		switch q.Kind {
		case KindMotion:
		case KindElection:
			if len(q.Options) < 1 || len(q.Options) > MaxOptions || dup(q.Options) {
				return unionbot.Errorf(unionbot.EINVALID, txtBadCandidates, no, MaxOptions)
			}
			if q.Max < 1 || q.Max > len(q.Options) {
				return unionbot.Errorf(unionbot.EINVALID, txtBadMax, no, len(q.Options))
			}
		case KindReview:
			if len(q.Options) < 1 || len(q.Options) > MaxOptions || dup(q.Options) {
				return unionbot.Errorf(unionbot.EINVALID, txtBadPersons, no, MaxOptions)
			}
			if len(q.Ratings) < 2 || dup(q.Ratings) {
				return unionbot.Errorf(unionbot.EINVALID, txtBadRatings, no)
			}
		default:
			return unionbot.Errorf(unionbot.EINVALID, txtBadKind, no, q.Kind)
		}
	}
	return nil
}

func dup(list []string) bool {
	seen := map[string]bool{}
	for _, s := range list {
		if seen[s] {
			return true
		}
		seen[s] = true
	}
	return false
}

// CheckAnswers refuses answers that do not fit the ballot's questions.
func (b *Ballot) CheckAnswers(answers []Answer) error {
	if len(answers) != len(b.Questions) {
		return unionbot.Errorf(unionbot.EINVALID, "%s", txtIncomplete)
	}
	for i, q := range b.Questions {
		a := answers[i]
		ok := true
		switch q.Kind {
		case KindMotion:
			ok = len(a.Picks) == 1 && contains(MotionChoices, a.Picks[0])
		case KindElection:
			ok = len(a.Picks) <= q.Max && !dup(a.Picks)
			for _, p := range a.Picks {
				ok = ok && contains(q.Options, p)
			}
		case KindReview:
			ok = len(a.Picks) == len(q.Options)
			for _, p := range a.Picks {
				ok = ok && contains(q.Ratings, p)
			}
		}
		if !ok || (a.Comment != "" && !q.Comment) || utf8.RuneCountInString(a.Comment) > MaxComment {
			return unionbot.Errorf(unionbot.EINVALID, txtBadAnswer, i+1)
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
