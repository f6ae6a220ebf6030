package ballot

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"time"

	"unionbot"
)

// Format names the published list's layout, so a future change is seen.
const Format = "unionbot-ballot-result/1"

// Header is what the published list says about its ballot. Its canonical
// JSON seeds the hash chain, so the questions and the turnout cannot be
// changed either.
type Header struct {
	ID            int64      `json:"id"`
	Title         string     `json:"title"`
	Questions     []Question `json:"questions"`
	ElectorateTag string     `json:"electorate_tag"`
	Electorate    int        `json:"electorate"`
	Voted         int        `json:"voted"`
	OpensAt       time.Time  `json:"opens_at"`
	ClosesAt      time.Time  `json:"closes_at"`
	Quorum        Rule       `json:"quorum"`
	Pass          Rule       `json:"pass"`
}

// Line is one ballot of the published list: its receipt, its answers, and
// the chain hash up to and including it.
type Line struct {
	Receipt string   `json:"receipt"`
	Answers []Answer `json:"answers"`
	Hash    string   `json:"hash"`
}

// Published is the result as it is published: the header, every ballot in
// receipt order chained with SHA-256, the chain's head, and the tally.
// `unionbot ballot verify FILE` recomputes the chain and the tally from it.
type Published struct {
	Format string `json:"format"`
	Ballot Header `json:"ballot"`
	Seed   string `json:"seed"`
	Lines  []Line `json:"lines"`
	Head   string `json:"head"`
	Tally  Tally  `json:"tally"`
}

// Tally is the count under the ballot's rules.
type Tally struct {
	Electorate    int             `json:"electorate"`
	Voted         int             `json:"voted"`
	Participation string          `json:"participation"` // e.g. 66.7%
	QuorumMet     bool            `json:"quorum_met"`
	Questions     []QuestionTally `json:"questions"`
}

// QuestionTally is one question's count and outcome. A 表决 or 选举 has
// Counts (percentages of the pass rule's base); a 评议 has one Person a
// person rated, with percentages of the ballots that rated them.
type QuestionTally struct {
	No       int           `json:"no"`
	Kind     string        `json:"kind"`
	Title    string        `json:"title"`
	Counts   []Count       `json:"counts,omitempty"`
	Persons  []PersonTally `json:"persons,omitempty"`
	Outcome  string        `json:"outcome"`
	Comments []string      `json:"comments,omitempty"`
}

// Count is the votes of one answer or candidate.
type Count struct {
	Name    string `json:"name"`
	Votes   int    `json:"votes"`
	Percent string `json:"percent"`
	Outcome string `json:"outcome,omitempty"` // 选举: 当选 / 未当选 / 票数相同，须另行选举
}

// PersonTally is a 评议 of one person.
type PersonTally struct {
	Name   string  `json:"name"`
	Counts []Count `json:"counts"`
}

// Outcomes.
const (
	OutcomePassed  = "通过"
	OutcomeFailed  = "未通过"
	OutcomeNoQuota = "未达到法定人数，表决无效"
	Elected        = "当选"
	NotElected     = "未当选"
	Tied           = "票数相同，须另行选举"
)

func percent(n, base int) string {
	if base == 0 {
		return "0.0%"
	}
	return strconv.FormatFloat(float64(n)*100/float64(base), 'f', 1, 64) + "%"
}

func itoa(n int) string { return strconv.Itoa(n) }

// header is the published description of b.
func header(b *Ballot) Header {
	return Header{ID: b.ID, Title: b.Title, Questions: b.Questions, ElectorateTag: b.ElectorateTag, Electorate: b.Electorate,
		Voted: b.Voted, OpensAt: b.OpensAt.UTC(), ClosesAt: b.ClosesAt.UTC(), Quorum: b.Quorum, Pass: b.Pass}
}

// seed is the chain's start: SHA-256 of the header's JSON.
func seed(h Header) string {
	j, _ := json.Marshal(h)
	sum := sha256.Sum256(j)
	return hex.EncodeToString(sum[:])
}

// link is the chain hash of a line after prev: SHA-256 of prev, the
// receipt and the answers' JSON, each ended by a newline.
func link(prev, receipt string, answers []Answer) string {
	j, _ := json.Marshal(answers)
	h := sha256.New()
	fmt.Fprintf(h, "%s\n%s\n%s\n", prev, receipt, j)
	return hex.EncodeToString(h.Sum(nil))
}

// Publish builds the published result of b from its votes: in receipt
// order (never the order of casting), chained, and tallied.
func Publish(b *Ballot, votes []Vote) *Published {
	sorted := append([]Vote(nil), votes...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Receipt < sorted[j].Receipt })
	p := &Published{Format: Format, Ballot: header(b)}
	p.Seed = seed(p.Ballot)
	prev := p.Seed
	for _, v := range sorted {
		prev = link(prev, v.Receipt, v.Answers)
		p.Lines = append(p.Lines, Line{Receipt: v.Receipt, Answers: v.Answers, Hash: prev})
	}
	p.Head = prev
	p.Tally = Recount(p.Ballot, p.Lines)
	return p
}

// Recount tallies the lines under the header's rules.
func Recount(h Header, lines []Line) Tally {
	t := Tally{Electorate: h.Electorate, Voted: h.Voted, Participation: percent(h.Voted, h.Electorate)}
	t.QuorumMet = h.Quorum.Met(h.Voted, h.Electorate, h.Voted)
	passBase := h.Electorate
	if h.Pass.OfVoters {
		passBase = h.Voted
	}
	for i, q := range h.Questions {
		qt := QuestionTally{No: i + 1, Kind: q.Kind, Title: q.Title}
		switch q.Kind {
		case KindMotion:
			n := map[string]int{}
			for _, l := range lines {
				n[l.Answers[i].Picks[0]]++
			}
			for _, c := range MotionChoices {
				qt.Counts = append(qt.Counts, Count{Name: c, Votes: n[c], Percent: percent(n[c], passBase)})
			}
			switch {
			case !t.QuorumMet:
				qt.Outcome = OutcomeNoQuota
			case h.Pass.Met(n[Yes], h.Electorate, h.Voted):
				qt.Outcome = OutcomePassed
			default:
				qt.Outcome = OutcomeFailed
			}
		case KindElection:
			qt.Counts, qt.Outcome = elect(h, q, i, lines, t.QuorumMet, passBase)
		case KindReview:
			for j, person := range q.Options {
				n := map[string]int{}
				for _, l := range lines {
					n[l.Answers[i].Picks[j]]++
				}
				pt := PersonTally{Name: person}
				for _, r := range q.Ratings {
					pt.Counts = append(pt.Counts, Count{Name: r, Votes: n[r], Percent: percent(n[r], len(lines))})
				}
				qt.Persons = append(qt.Persons, pt)
			}
			qt.Outcome = "共 " + itoa(len(lines)) + " 张有效评议票"
			for _, l := range lines {
				if c := l.Answers[i].Comment; c != "" {
					qt.Comments = append(qt.Comments, c)
				}
			}
			sort.Strings(qt.Comments)
		}
		t.Questions = append(t.Questions, qt)
	}
	return t
}

// elect counts an election: a candidate is elected with votes past the
// pass line, best first, up to the seats; a tie across the last seat
// elects neither and says a further round is needed.
func elect(h Header, q Question, i int, lines []Line, quorum bool, base int) ([]Count, string) {
	n := map[string]int{}
	for _, l := range lines {
		for _, p := range l.Answers[i].Picks {
			n[p]++
		}
	}
	counts := make([]Count, len(q.Options))
	for j, c := range q.Options {
		counts[j] = Count{Name: c, Votes: n[c], Percent: percent(n[c], base), Outcome: NotElected}
	}
	if !quorum {
		for j := range counts {
			counts[j].Outcome = ""
		}
		return counts, OutcomeNoQuota
	}
	var passing []int
	for j := range counts {
		if h.Pass.Met(counts[j].Votes, h.Electorate, h.Voted) {
			passing = append(passing, j)
		}
	}
	sort.SliceStable(passing, func(a, b int) bool { return counts[passing[a]].Votes > counts[passing[b]].Votes })
	seats, elected := q.Max, 0
	for k := 0; k < len(passing); {
		// the group of candidates tied with passing[k]
		end := k
		for end < len(passing) && counts[passing[end]].Votes == counts[passing[k]].Votes {
			end++
		}
		if elected+end-k <= seats {
			for _, j := range passing[k:end] {
				counts[j].Outcome = Elected
			}
			elected += end - k
		} else if elected < seats {
			for _, j := range passing[k:end] {
				counts[j].Outcome = Tied
			}
		}
		k = end
	}
	out := "当选 " + itoa(elected) + " 人（应选 " + itoa(seats) + " 人）"
	for _, c := range counts {
		if c.Outcome == Tied {
			out += "；有候选人" + Tied
			break
		}
	}
	return counts, out
}

// Verify recounts a published result from its own lines: it checks every
// answer fits the questions, recomputes the seed from the header, every
// chain hash and the head, and the tally, and returns the recount. Any
// difference is an EINVALID that says where.
func Verify(p *Published) (*Tally, error) {
	if p.Format != Format {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtVerifyFormat, p.Format, Format)
	}
	b := &Ballot{Questions: p.Ballot.Questions}
	if s := seed(p.Ballot); s != p.Seed {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtVerifySeed, s, p.Seed)
	}
	if len(p.Lines) != p.Ballot.Voted {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtVerifyCount, len(p.Lines), p.Ballot.Voted)
	}
	prev, seen := p.Seed, map[string]bool{}
	for i, l := range p.Lines {
		if err := b.CheckAnswers(l.Answers); err != nil {
			return nil, unionbot.Errorf(unionbot.EINVALID, txtVerifyAnswer, i+1, ShowReceipt(l.Receipt), unionbot.ErrorMessage(err))
		}
		if seen[l.Receipt] || (i > 0 && l.Receipt < p.Lines[i-1].Receipt) {
			return nil, unionbot.Errorf(unionbot.EINVALID, txtVerifyOrder, i+1, ShowReceipt(l.Receipt))
		}
		seen[l.Receipt] = true
		prev = link(prev, l.Receipt, l.Answers)
		if prev != l.Hash {
			return nil, unionbot.Errorf(unionbot.EINVALID, txtVerifyHash, i+1, ShowReceipt(l.Receipt))
		}
	}
	if prev != p.Head {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtVerifyChainHead, prev, p.Head)
	}
	t := Recount(p.Ballot, p.Lines)
	got, _ := json.Marshal(t)
	want, _ := json.Marshal(p.Tally)
	if string(got) != string(want) {
		return &t, unionbot.Errorf(unionbot.EINVALID, "%s", txtVerifyTally)
	}
	return &t, nil
}
