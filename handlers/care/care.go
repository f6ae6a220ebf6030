// Package care is the union's care ledger (送温暖): cases of 五必访 and other
// care visits reported by teachers or staff, their assignment, visit,
// payment of 慰问金 or 慰问品 under the school's yearly money rules, and the
// year's ledger. Only staff holding the care role see cases; every read is
// logged. Storage runs the money rules (CheckPayment) inside the payment's
// transaction, under a row lock on the member's yearly ledger.
package care

import (
	"fmt"
	"time"
)

// RoleCare is the role that lets a staff member see and work cases. It is
// granted by an admin and is separate from the admin role: an admin
// without it sees no case.
const RoleCare = "care"

// Case statuses, in the order a case moves through them.
const (
	StatusReported = "待受理"
	StatusAssigned = "已受理"
	StatusVisited  = "已探望"
	StatusPaid     = "已发放"
	StatusClosed   = "已结案"
)

// Actions written to a case's log.
const (
	ActReport   = "报告"
	ActAssign   = "指派"
	ActVisit    = "探望"
	ActPay      = "发放"
	ActOverride = "超标准发放"
	ActClose    = "结案"
	ActRead     = "查看"
	ActList     = "查看列表"
	ActLedger   = "查看台账"
	ActGrant    = "授予关怀权限"
	ActRevoke   = "撤销关怀权限"
)

// Case is one care matter: a member in hospital, a wedding, a birth, a
// bereavement, a retirement, an accident, hardship, a festival visit.
type Case struct {
	ID          int64
	Kind        string
	SubjectID   string // the member concerned; "" when only a name is known
	SubjectName string
	Department  string
	ReporterID  string // the teacher or staff member who reported it
	AssigneeID  string // the staff member who takes care of it
	Status      string
	Summary     string    // what happened, as reported
	OccurredOn  time.Time // the day it happened (midnight UTC of that date)
	ActedAt     time.Time // when staff first acted on it (assigned); zero before
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Log         []LogEntry
}

// MemberKey is whom the yearly rules count against: the member's user id,
// or "name:" and the name when the member is known only by name.
func (c *Case) MemberKey() string {
	if c.SubjectID != "" {
		return c.SubjectID
	}
	return "name:" + c.SubjectName
}

// LogEntry is one step of a case, in an insert-only log.
type LogEntry struct {
	ID     int64     `json:"id"`
	CaseID int64     `json:"case_id"`
	At     time.Time `json:"at"`
	By     string    `json:"by"`
	Action string    `json:"action"`
	Note   string    `json:"note"`
}

// Payment is 慰问金 (AmountFen, in 分) or 慰问品 (Goods, with its value in
// AmountFen, possibly 0) paid on a case.
type Payment struct {
	ID         int64     `json:"id"`
	CaseID     int64     `json:"case_id"`
	MemberKey  string    `json:"member_key"`
	Name       string    `json:"name"`
	Department string    `json:"department"`
	Kind       string    `json:"kind"`
	Year       int       `json:"year"`
	PaidOn     time.Time `json:"paid_on"` // the day paid (midnight UTC of that date)
	AmountFen  int64     `json:"amount_fen"`
	Goods      string    `json:"goods"`
	Handler    string    `json:"handler"`    // 经办人
	ReceiptNo  string    `json:"receipt_no"` // 票据号
	Note       string    `json:"note"`
	Override   string    `json:"override"` // the admin's reason for paying past a rule; "" when within the rules
	Broken     string    `json:"broken"`   // the rule an override passed
	CreatedBy  string    `json:"created_by"`
	CreatedAt  time.Time `json:"created_at"`
}

// Read is one look at a record by a staff member, for the access log.
type Read struct {
	Ref    string    `json:"ref"` // "case:12", or "staff:<user id>" for a grant
	By     string    `json:"by"`
	Action string    `json:"action"` // ActRead, ActGrant, ActRevoke
	At     time.Time `json:"at"`
}

// Yuan shows an amount in 分 as 元, e.g. 15000 → "150元", 15050 → "150.50元".
func Yuan(fen int64) string {
	if fen%100 == 0 {
		return fmt.Sprintf("%d元", fen/100)
	}
	return fmt.Sprintf("%d.%02d元", fen/100, fen%100)
}
