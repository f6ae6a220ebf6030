package care

import (
	"fmt"
	"strings"

	"unionbot"
)

// Kind is a kind of case and its money rule. Amounts, in 分, is the
// standard amount (one element: the same each time) or a sequence within a
// year (150/100/50元: the first, second and third time; no fourth). No
// amounts: no standard, any amount within the yearly caps.
type Kind struct {
	Name       string  `json:"name"`
	AmountsFen []int64 `json:"amounts_fen"`
}

// Rules are the school's money rules: per kind, and per member per year
// across kinds. Zero caps mean no cap.
type Rules struct {
	Kinds          []Kind `json:"kinds"`
	YearCount      int    `json:"year_count"`        // at most this many payments a member a year
	YearTotalFen   int64  `json:"year_total_fen"`    // at most this much a member a year, in 分
	OnePaidPerYear bool   `json:"one_paid_per_year"` // 同一职工同一年内只能享受一次公款慰问
}

// DefaultKinds are the kinds a union starts with, without amounts; the
// union edits them (PUT /api/care/rules).
var DefaultKinds = []string{"生病住院", "结婚", "生育", "直系亲属去世", "退休", "意外", "生活困难", "节日慰问", "金秋助学"}

// DefaultRules are the rules before the union sets its own.
func DefaultRules() Rules {
	var r Rules
	for _, k := range DefaultKinds {
		r.Kinds = append(r.Kinds, Kind{Name: k})
	}
	return r
}

// Kind returns the kind named name, or nil.
func (r *Rules) Kind(name string) *Kind {
	for i := range r.Kinds {
		if r.Kinds[i].Name == name {
			return &r.Kinds[i]
		}
	}
	return nil
}

// Names lists the kinds' names in order.
func (r *Rules) Names() []string {
	out := make([]string, len(r.Kinds))
	for i, k := range r.Kinds {
		out[i] = k.Name
	}
	return out
}

// Validate checks the rules an admin set.
func (r *Rules) Validate() error {
	if len(r.Kinds) == 0 {
		return unionbot.Errorf(unionbot.EINVALID, "%s", txtNoKinds)
	}
	seen := map[string]bool{}
	for i := range r.Kinds {
		k := &r.Kinds[i]
		k.Name = strings.TrimSpace(k.Name)
		if k.Name == "" || len([]rune(k.Name)) > 16 || seen[k.Name] {
			return unionbot.Errorf(unionbot.EINVALID, txtBadKindName, i+1)
		}
		seen[k.Name] = true
		for _, a := range k.AmountsFen {
			if a <= 0 || a > MaxAmountFen {
				return unionbot.Errorf(unionbot.EINVALID, txtBadAmount, k.Name, Yuan(MaxAmountFen))
			}
		}
	}
	if r.YearCount < 0 || r.YearTotalFen < 0 {
		return unionbot.Errorf(unionbot.EINVALID, "%s", txtBadCap)
	}
	return nil
}

// MaxAmountFen is the largest single payment the ledger accepts (10万元).
const MaxAmountFen = 10_000_000

// Describe says a kind's rule in a sentence, e.g. "生病住院：一年内第1次150元、第2次100元、第3次50元".
func (k *Kind) Describe() string {
	switch len(k.AmountsFen) {
	case 0:
		return k.Name + "：" + txtNoStandard
	case 1:
		return k.Name + "：" + txtStandard + Yuan(k.AmountsFen[0])
	}
	var parts []string
	for i, a := range k.AmountsFen {
		parts = append(parts, fmt.Sprintf(txtNth, i+1, Yuan(a)))
	}
	return k.Name + "：" + txtWithinYear + strings.Join(parts, "、")
}

// CheckPayment is the money rule, run by storage inside the payment's
// transaction under the lock on the member's yearly ledger: earlier holds
// the member's payments of p.Year as they stand under that lock. It fills
// p.AmountFen from the kind's standard when it is 0 and money is paid.
// A payment past a rule is EFORBIDDEN with the rule in the sentence,
// unless p.Override holds an admin's reason; then p.Broken names the rule
// it passed, for the ledger and the case's log.
func CheckPayment(r Rules, earlier []Payment, p *Payment) error {
	k := r.Kind(p.Kind)
	if k == nil {
		return unionbot.Errorf(unionbot.EINVALID, txtUnknownKind, p.Kind, strings.Join(r.Names(), "、"))
	}
	sameKind := 0
	var total int64
	for _, e := range earlier {
		if e.Kind == p.Kind {
			sameKind++
		}
		total += e.AmountFen
	}
	var broken string
	switch n := len(k.AmountsFen); {
	case n == 0:
	case n > 1 && sameKind >= n:
		broken = fmt.Sprintf(txtRuleSequence, p.Name, p.Year, p.Kind, sameKind, k.Describe())
	default:
		std := k.AmountsFen[min(sameKind, n-1)]
		if p.AmountFen == 0 && p.Goods == "" {
			p.AmountFen = std
		} else if p.AmountFen > std {
			broken = fmt.Sprintf(txtRuleAmount, Yuan(p.AmountFen), p.Name, sameKind+1, p.Kind, Yuan(std), k.Describe())
		}
	}
	if p.AmountFen == 0 && p.Goods == "" && broken == "" {
		return unionbot.Errorf(unionbot.EINVALID, "%s", txtNoAmount)
	}
	switch {
	case broken != "":
	case r.OnePaidPerYear && len(earlier) > 0:
		broken = fmt.Sprintf(txtRuleOnePerYear, p.Name, p.Year)
	case r.YearCount > 0 && len(earlier) >= r.YearCount:
		broken = fmt.Sprintf(txtRuleYearCount, p.Name, p.Year, len(earlier), r.YearCount)
	case r.YearTotalFen > 0 && total+p.AmountFen > r.YearTotalFen:
		broken = fmt.Sprintf(txtRuleYearTotal, p.Name, p.Year, Yuan(total), Yuan(p.AmountFen), Yuan(r.YearTotalFen))
	}
	p.Broken = broken
	if broken == "" {
		p.Override = ""
		return nil
	}
	if strings.TrimSpace(p.Override) != "" {
		return nil
	}
	return unionbot.Errorf(unionbot.EFORBIDDEN, "%s%s", broken, txtOverrideHint)
}

// DescribeCaps says the yearly caps in a sentence.
func (r *Rules) DescribeCaps() string {
	var parts []string
	if r.OnePaidPerYear {
		parts = append(parts, txtCapOne)
	}
	if r.YearCount > 0 {
		parts = append(parts, fmt.Sprintf(txtCapCount, r.YearCount))
	}
	if r.YearTotalFen > 0 {
		parts = append(parts, fmt.Sprintf(txtCapTotal, Yuan(r.YearTotalFen)))
	}
	if len(parts) == 0 {
		return txtCapsNone
	}
	return strings.Join(parts, "；") + "。"
}

// FlashGranted is the console's note after a grant or a revocation.
func FlashGranted(userID string, on bool) string {
	if on {
		return fmt.Sprintf(txtGranted, userID)
	}
	return fmt.Sprintf(txtRevoked, userID)
}
