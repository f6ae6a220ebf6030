package care

import (
	"strings"
	"time"

	"unionbot"
)

// Hardship tiers (困难职工档案的困难类型).
const (
	TierDeep     = "深度困难"
	TierRelative = "相对困难"
	TierAccident = "意外致困"
)

// Hardship stages: 申请 → 审核 → 公示 → 审批 → 在档, then 脱困 or 退档.
const (
	StageApplied   = "申请"
	StageReviewed  = "审核"
	StagePublished = "公示"
	StageApproved  = "审批"
	StageOnFile    = "在档"
	StageOut       = "脱困"
	StageWithdrawn = "退档"
)

// ActRecheck is the yearly re-check of a record on file (在档 → 在档).
const ActRecheck = "年度复核"

// Hardship is a 困难职工档案: one per household (一户一档), keyed by the
// member who heads it.
type Hardship struct {
	ID          int64             `json:"id"`
	MemberID    string            `json:"member_id"`
	Name        string            `json:"name"`
	Department  string            `json:"department"`
	Tier        string            `json:"tier"`
	MainCause   string            `json:"main_cause"`
	SubCauses   []string          `json:"sub_causes"`
	Household   []HouseholdMember `json:"household"`
	IncomeFen   int64             `json:"income_fen"` // the household's yearly income, in 分
	Stage       string            `json:"stage"`
	CheckedAt   time.Time         `json:"checked_at"` // last approved or re-checked
	ClosedAt    time.Time         `json:"closed_at"`
	CloseReason string            `json:"close_reason"` // 脱困, 退休, 离职, 去世 …
	CreatedAt   time.Time         `json:"created_at"`
	Log         []LogEntry        `json:"log,omitempty"`
}

// HouseholdMember is one person of the household.
type HouseholdMember struct {
	Name      string `json:"name"`
	Relation  string `json:"relation"`
	IncomeFen int64  `json:"income_fen"` // yearly, in 分
	Note      string `json:"note"`
}

// Open reports whether the record is still active (not 脱困 or 退档).
func (h *Hardship) Open() bool { return h.Stage != StageOut && h.Stage != StageWithdrawn }

// stageMoves are the legal moves between stages.
var stageMoves = map[string][]string{
	StageApplied:   {StageReviewed, StageWithdrawn},
	StageReviewed:  {StagePublished, StageWithdrawn},
	StagePublished: {StageApproved, StageWithdrawn},
	StageApproved:  {StageOnFile, StageWithdrawn},
	StageOnFile:    {StageOnFile, StageOut, StageWithdrawn},
	StageOut:       {StageApplied},
	StageWithdrawn: {StageApplied},
}

// Move is the stage rule, run by storage under the record's row lock: it
// moves h to stage to at now, or refuses (ECONFLICT) with the moves open.
// 在档 → 在档 is the yearly re-check; leaving for 脱困 or 退档 needs a reason.
func Move(h *Hardship, to, reason string, now time.Time) (action string, err error) {
	if !contains(stageMoves[h.Stage], to) {
		return "", unionbot.Errorf(unionbot.ECONFLICT, txtBadMove, h.Stage, to, strings.Join(stageMoves[h.Stage], "、"))
	}
	action = to
	switch to {
	case StageOnFile:
		if h.Stage == StageOnFile {
			action = ActRecheck
		}
		h.CheckedAt = now
	case StageOut, StageWithdrawn:
		if strings.TrimSpace(reason) == "" {
			return "", unionbot.Errorf(unionbot.EINVALID, txtNeedReason, to)
		}
		h.ClosedAt, h.CloseReason = now, strings.TrimSpace(reason)
	case StageApplied:
		h.ClosedAt, h.CloseReason = time.Time{}, ""
	}
	h.Stage = to
	return action, nil
}

// Validate checks a record's tier, causes and household.
func (h *Hardship) Validate() error {
	switch h.Tier {
	case TierDeep, TierRelative, TierAccident:
	default:
		return unionbot.Errorf(unionbot.EINVALID, txtBadTier, h.Tier)
	}
	if strings.TrimSpace(h.MainCause) == "" || len(h.SubCauses) > 3 {
		return unionbot.Errorf(unionbot.EINVALID, "%s", txtBadCauses)
	}
	if h.IncomeFen < 0 {
		return unionbot.Errorf(unionbot.EINVALID, "%s", txtBadIncome)
	}
	for _, m := range h.Household {
		if strings.TrimSpace(m.Name) == "" || m.IncomeFen < 0 {
			return unionbot.Errorf(unionbot.EINVALID, "%s", txtBadHousehold)
		}
	}
	return nil
}

// Due reminders of hardship records, for HardshipJob.
const (
	RecheckEvery = 365 * 24 * time.Hour    // a record on file is re-checked yearly
	RevisitAfter = 6 * 30 * 24 * time.Hour // a closed record gets a 回访 after about 6 months
)
