package care

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"unionbot"
)

// Pay records 慰问金 or 慰问品 on case id. The money rules are checked by
// storage inside the payment's transaction (CheckPayment under the lock on
// the member's yearly ledger). A payment past a rule is EFORBIDDEN with
// the rule named, unless p.Override holds a reason and by is an admin;
// then the rule and the reason are logged with the payment.
func (s *Service) Pay(ctx context.Context, by string, id int64, p *Payment) (*Case, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	p.Override = strings.TrimSpace(p.Override)
	if p.Override != "" && (s.IsAdmin == nil || !s.IsAdmin(ctx, by)) {
		return nil, unionbot.Errorf(unionbot.EFORBIDDEN, "%s", txtOverrideAdmin)
	}
	if p.AmountFen < 0 || p.AmountFen > MaxAmountFen {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtBadPayAmount, Yuan(MaxAmountFen))
	}
	p.Handler, p.Goods, p.ReceiptNo = strings.TrimSpace(p.Handler), strings.TrimSpace(p.Goods), strings.TrimSpace(p.ReceiptNo)
	if p.Handler == "" {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtNoHandler)
	}
	if p.PaidOn.IsZero() {
		p.PaidOn = s.day(s.now())
	}
	p.Year, p.CreatedBy = p.PaidOn.Year(), by
	rules, err := s.Rules(ctx)
	if err != nil {
		return nil, err
	}
	ctx, rec := s.Audit.Begin(ctx, "care.case", fmt.Sprintf("care-case:%d", id))
	rec.Note(ActPay)
	c, err := s.Store.PayCase(ctx, id, p, func(c *Case, earlier []Payment, p *Payment) (*LogEntry, []*unionbot.Notice, error) {
		rec.Before(caseView(c))
		rec.After(caseLater{c})
		if c.Status == StatusReported || c.Status == StatusClosed {
			return nil, nil, unionbot.Errorf(unionbot.ECONFLICT, txtWrongStatus, c.Status, ActPay)
		}
		p.CaseID, p.MemberKey, p.Name, p.Department, p.Kind = c.ID, c.MemberKey(), c.SubjectName, c.Department, c.Kind
		if err := CheckPayment(rules, earlier, p); err != nil {
			return nil, nil, err
		}
		c.Status = StatusPaid
		what := p.What()
		entry := &LogEntry{By: by, Action: ActPay, Note: strings.TrimSpace(what + " 经办人" + p.Handler + " 票据号" + p.ReceiptNo + " " + p.Note)}
		if p.Override != "" {
			entry.Action, entry.Note = ActOverride, entry.Note+"；"+fmt.Sprintf(txtOverrideNote, p.Broken, p.Override)
		}
		return entry, s.tell(c, by, fmt.Sprintf(txtNoticePaid, c.ID, c.SubjectName, c.Kind, what)), nil
	})
	s.Audit.Finish(ctx, rec, err)
	return c, err
}

// What says what was paid: "150元", "慰问品（水果篮）", or both.
func (p *Payment) What() string {
	var parts []string
	if p.AmountFen > 0 {
		parts = append(parts, Yuan(p.AmountFen))
	}
	if p.Goods != "" {
		parts = append(parts, fmt.Sprintf(txtGoods, p.Goods))
	}
	return strings.Join(parts, "、")
}

// Ledger is a year's 慰问金台账 with its totals.
type Ledger struct {
	Year         int
	Payments     []Payment
	TotalFen     int64
	ByKind       []Total
	ByDepartment []Total
}

// Total is a sum of payments under one name.
type Total struct {
	Name     string `json:"name"`
	Count    int    `json:"count"`
	TotalFen int64  `json:"total_fen"`
}

// Ledger returns the year's payments and their totals; care staff only.
func (s *Service) Ledger(ctx context.Context, by string, year int) (*Ledger, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	if year < 2000 || year > 2100 {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtBadYear)
	}
	if err := s.Store.LogAccess(ctx, LedgerRef(year), by, ActLedger); err != nil {
		return nil, err
	}
	ps, err := s.Store.ListPayments(ctx, year)
	if err != nil {
		return nil, err
	}
	return NewLedger(year, ps), nil
}

// NewLedger totals payments by kind and by department.
func NewLedger(year int, ps []Payment) *Ledger {
	l := &Ledger{Year: year, Payments: ps}
	kinds, depts := map[string]*Total{}, map[string]*Total{}
	add := func(m map[string]*Total, name string, p Payment) {
		t := m[name]
		if t == nil {
			t = &Total{Name: name}
			m[name] = t
		}
		t.Count++
		t.TotalFen += p.AmountFen
	}
	for _, p := range ps {
		l.TotalFen += p.AmountFen
		add(kinds, p.Kind, p)
		add(depts, p.Department, p)
	}
	l.ByKind, l.ByDepartment = sorted(kinds), sorted(depts)
	return l
}

func sorted(m map[string]*Total) []Total {
	out := make([]Total, 0, len(m))
	for _, t := range m {
		out = append(out, *t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
