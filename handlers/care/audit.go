package care

import (
	"context"
	"encoding/json"
	"fmt"

	"unionbot"
)

// The audit log (handlers/audit) records every care step by staff: which
// case or record, the step, and the status and assignee before and after.
// It never copies a case's details (who, why, amounts, notes): those stay
// behind the care role, and every look at them is in the care access log
// (care_access: GET /api/care/access, each case's 查看记录).

type caseStep = func(*Case) (*LogEntry, []*unionbot.Notice, error)

func caseView(c *Case) map[string]any {
	return map[string]any{"id": c.ID, "status": c.Status, "assignee": c.AssigneeID}
}

// updateCase is Store.UpdateCase with the step in the audit log, written
// in the step's transaction.
func (s *Service) updateCase(ctx context.Context, id int64, step caseStep) (*Case, error) {
	ctx, rec := s.Audit.Begin(ctx, "care.case", fmt.Sprintf("care-case:%d", id))
	c, err := s.Store.UpdateCase(ctx, id, func(c *Case) (*LogEntry, []*unionbot.Notice, error) {
		rec.Before(caseView(c))
		e, ns, err := step(c)
		if err == nil && e != nil {
			rec.After(caseView(c))
			rec.Note(e.Action)
		}
		return e, ns, err
	})
	s.Audit.Finish(ctx, rec, err)
	return c, err
}

// hardshipView is what the audit log keeps of a hardship record.
func hardshipView(h *Hardship) map[string]any {
	return map[string]any{"id": h.ID, "stage": h.Stage, "tier": h.Tier}
}

// caseLater and hardshipLater are the views read when the entry is written.
type caseLater struct{ c *Case }

func (v caseLater) MarshalJSON() ([]byte, error) { return json.Marshal(caseView(v.c)) }

type hardshipLater struct{ h *Hardship }

func (v hardshipLater) MarshalJSON() ([]byte, error) { return json.Marshal(hardshipView(v.h)) }
