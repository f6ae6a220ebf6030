package signup

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"unionbot"
)

// Bounds of the allocation settings.
const (
	MaxConfirmWithin = 30 * 24 * time.Hour
	MinConfirmWithin = 10 * time.Minute
	MaxLookbackYears = 20
)

// validateAllocation checks and defaults the confirmation window and the
// allocation rule: a rotation event needs a sign-up deadline, since the
// draw takes place when it passes.
func (e *Event) validateAllocation() error {
	switch {
	case e.ConfirmWithin < 0 || e.ConfirmWithin > MaxConfirmWithin ||
		(e.ConfirmWithin > 0 && e.ConfirmWithin < MinConfirmWithin):
		return unionbot.Errorf(unionbot.EINVALID, "%s", txtBadWindow)
	case e.LookbackYears < 0 || e.LookbackYears > MaxLookbackYears:
		return unionbot.Errorf(unionbot.EINVALID, txtBadLookback, MaxLookbackYears)
	}
	if e.LookbackYears == 0 {
		e.LookbackYears = DefaultLookbackYears
	}
	switch e.Allocation {
	case "":
		e.Allocation = AllocFIFO
	case AllocFIFO:
	case AllocRotation:
		if e.SignupClosesAt.IsZero() {
			return unionbot.Errorf(unionbot.EINVALID, "%s", txtRotationNeedsDeadline)
		}
	default:
		return unionbot.Errorf(unionbot.EINVALID, "%s", txtBadAllocation)
	}
	return nil
}

// Rotation reports whether the event's places are shared out by a draw.
func (e *Event) Rotation() bool { return e.Allocation == AllocRotation }

// ParseWindow reads a confirmation window as staff write it: a Go
// duration ("24h", "90m", "1h30m"), a number of days ("2d"), or "", "0"
// and "off" for none. EINVALID otherwise.
func ParseWindow(s string) (time.Duration, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	switch s {
	case "", "0", "off", "无", "不需要":
		return 0, nil
	}
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 {
			return 0, unionbot.Errorf(unionbot.EINVALID, "%s", txtBadWindow)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, unionbot.Errorf(unionbot.EINVALID, "%s", txtBadWindow)
	}
	return d, nil
}

// FormatWindow writes a window as ParseWindow reads it: "24h", "90m", ""
// for none.
func FormatWindow(d time.Duration) string {
	switch {
	case d <= 0:
		return ""
	case d%time.Hour == 0:
		return fmt.Sprintf("%dh", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("%dm", d/time.Minute)
	}
	return d.String()
}

// Candidate is one teacher in a rotation draw. Last is the year they last
// went to an event of the same kind within the look-back span, 0 for
// none; a smaller year goes first.
type Candidate struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Last   int    `json:"last_year"`
}

// Ticket is a candidate's lottery number for a seed: the hex SHA-256 of
// "seed:user id". Anyone can recompute it (echo -n 'seed:t1' | sha256sum).
func Ticket(seed, userID string) string {
	sum := sha256.Sum256([]byte(seed + ":" + userID))
	return hex.EncodeToString(sum[:])
}

// Draw orders a rotation event's candidates: first those who have gone
// least recently to an event of the same kind (never within the look-back
// span first, then by the year they last went), and within each group by
// lottery ticket for seed. It is a pure function of its arguments, so a
// published draw can be re-run by anyone and must give the same list.
func Draw(seed string, candidates []Candidate) []Candidate {
	out := append([]Candidate(nil), candidates...)
	tickets := make(map[string]string, len(out))
	for _, c := range out {
		tickets[c.UserID] = Ticket(seed, c.UserID)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Last != b.Last {
			return a.Last < b.Last
		}
		if tickets[a.UserID] != tickets[b.UserID] {
			return tickets[a.UserID] < tickets[b.UserID]
		}
		return a.UserID < b.UserID
	})
	return out
}

// Published is a draw as the console and GET /api/events/{id}/draw
// publish it: the seed, the candidates with the history the draw used
// (in user id order), and the resulting order with each one's outcome.
type Published struct {
	EventID       int64       `json:"event_id"`
	Title         string      `json:"title"`
	Kind          string      `json:"kind"`
	LookbackYears int         `json:"lookback_years"`
	DrawnAt       time.Time   `json:"drawn_at"`
	Seed          string      `json:"seed"`
	Candidates    []Candidate `json:"candidates"`
	Order         []Placed    `json:"order"`
}

// Placed is one line of a published draw's order.
type Placed struct {
	UserID  string `json:"user_id"`
	Name    string `json:"name"`
	Last    int    `json:"last_year"`
	Ticket  string `json:"ticket"`
	Outcome string `json:"outcome"` // 已报名, 候补, 未获名额 (as drawn; later cancellations do not change it)
}

// Verify re-runs a published draw from its seed and candidates and
// reports whether it gives the published order (EINVALID naming the first
// difference otherwise).
func Verify(p *Published) error {
	got := Draw(p.Seed, p.Candidates)
	if len(got) != len(p.Order) {
		return unionbot.Errorf(unionbot.EINVALID, txtVerifyCount, len(got), len(p.Order))
	}
	for i, c := range got {
		if c.UserID != p.Order[i].UserID {
			return unionbot.Errorf(unionbot.EINVALID, txtVerifyDiffers, i+1, c.UserID, p.Order[i].UserID)
		}
	}
	return nil
}
