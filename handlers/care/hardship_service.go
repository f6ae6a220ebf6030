package care

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"unionbot"
)

// OpenHardship files a household's 困难职工档案 at 申请; care staff only.
// The member must be known; a second record for the household is
// ECONFLICT (一户一档).
func (s *Service) OpenHardship(ctx context.Context, by string, h *Hardship) error {
	if err := s.staff(ctx, by); err != nil {
		return err
	}
	if err := h.Validate(); err != nil {
		return err
	}
	m, err := s.Members.FindMember(ctx, h.MemberID)
	if err != nil {
		return err
	}
	h.Name, h.Department, h.Stage = m.DisplayName(), m.Department, StageApplied
	h.CheckedAt, h.ClosedAt, h.CloseReason = time.Time{}, time.Time{}, ""
	ctx, rec := s.Audit.Begin(ctx, "care.hardship", "")
	rec.TargetOf(func() string { return fmt.Sprintf("care-hardship:%d", h.ID) })
	rec.After(hardshipLater{h})
	err = s.Store.CreateHardship(ctx, h, by)
	s.Audit.Finish(ctx, rec, err)
	return err
}

// Hardship shows one record to care staff, and records the read.
func (s *Service) Hardship(ctx context.Context, by string, id int64) (*Hardship, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	return s.Store.GetHardship(ctx, id, by)
}

// Hardships lists the records for care staff.
func (s *Service) Hardships(ctx context.Context, by string) ([]*Hardship, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	if err := s.Store.LogAccess(ctx, RefHardships, by, ActList); err != nil {
		return nil, err
	}
	return s.Store.ListHardship(ctx)
}

// HardshipReads lists who read record id, and when.
func (s *Service) HardshipReads(ctx context.Context, by string, id int64) ([]Read, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	return s.Store.ListReads(ctx, hardshipRef(id))
}

// MoveHardship moves record id to stage to (Move's table), with reason
// for 脱困 and 退档. With update, the yearly re-check (or any move) also
// replaces the tier, causes, household and income, after validation.
func (s *Service) MoveHardship(ctx context.Context, by string, id int64, to, reason string, update *Hardship) (*Hardship, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	if update != nil {
		if err := update.Validate(); err != nil {
			return nil, err
		}
	}
	now := s.now()
	ctx, rec := s.Audit.Begin(ctx, "care.hardship", fmt.Sprintf("care-hardship:%d", id))
	out, err := s.Store.UpdateHardship(ctx, id, func(h *Hardship) (*LogEntry, error) {
		rec.Before(hardshipView(h))
		action, err := Move(h, to, reason, now)
		if err != nil {
			return nil, err
		}
		rec.After(hardshipLater{h})
		rec.Note(action)
		if update != nil {
			h.Tier, h.MainCause, h.SubCauses, h.Household, h.IncomeFen = update.Tier, update.MainCause, update.SubCauses, update.Household, update.IncomeFen
		}
		return &LogEntry{By: by, Action: action, Note: strings.TrimSpace(reason)}, nil
	})
	s.Audit.Finish(ctx, rec, err)
	return out, err
}

// HardshipJob reminds the care staff, once each, of every record on file
// a year after its last check (年度复核) and of every closed record six
// months after it closed (回访). It runs daily on the scheduler's clock.
func (s *Service) HardshipJob(ctx context.Context, now time.Time) error {
	staff, err := s.Store.ListCareStaff(ctx)
	if err != nil || len(staff) == 0 {
		return err
	}
	all, err := s.Store.ListHardship(ctx)
	if err != nil {
		return err
	}
	for _, h := range all {
		var key, text string
		switch {
		case h.Stage == StageOnFile && !h.CheckedAt.IsZero() && !now.Before(h.CheckedAt.Add(RecheckEvery)):
			key = fmt.Sprintf("%s:recheck:%d", hardshipRef(h.ID), h.CheckedAt.Unix())
			text = fmt.Sprintf(txtRecheckDue, h.ID, h.Name, h.Tier)
		case !h.Open() && !h.ClosedAt.IsZero() && !now.Before(h.ClosedAt.Add(RevisitAfter)):
			key = fmt.Sprintf("%s:revisit:%d", hardshipRef(h.ID), h.ClosedAt.Unix())
			text = fmt.Sprintf(txtRevisitDue, h.ID, h.Name, h.ClosedAt.In(s.loc()).Format("2006年1月2日"), h.Stage)
		default:
			continue
		}
		n := &unionbot.Notice{ToUsers: staff, Kind: "care", Ref: hardshipRef(h.ID), Text: text}
		if _, err := s.Store.QueueCareReminder(ctx, key, n); err != nil {
			return fmt.Errorf("hardship reminder %d: %w", h.ID, err)
		}
	}
	return nil
}

func hardshipRef(id int64) string { return "hardship:" + strconv.FormatInt(id, 10) }
