package announce

import (
	"context"
	"fmt"
)

// ImportRequest is one plan import as uploaded or pasted.
type ImportRequest struct {
	Name   string // the file's name, "" for pasted text
	Data   []byte // the file, or the pasted text
	Year   int    // the year of the plan's first month
	Part   int    // 1-based plan of a collection (篇二 is 2); 0 for a single plan
	DryRun bool   // preview: compare with the calendar, change nothing
}

// ImportReport is what an import read and what it changes (or, on a dry
// run, would change) in the calendar.
type ImportReport struct {
	Plan   *Plan
	Format string // how the file was read: docx, utf-8, utf-16, gb18030
	// Diff against the calendar's imported items of the year; nil when a
	// collection was previewed without choosing a part.
	Diff *Diff
}

// ImportFile reads a plan file, parses its month schedule and, unless it
// is a dry run, applies it to the calendar as a diff against the previous
// import of that year: added, changed (in place) and removed items; an item
// whose month was announced is kept and marked changed instead of removed.
// It returns EINVALID for a file it cannot read (with what to do), a bad
// year, a collection without a chosen part, or a text without a schedule
// (ErrNoSchedule, with the report of what every line was).
func (s *Service) ImportFile(ctx context.Context, req ImportRequest) (*ImportReport, error) {
	doc, err := ReadPlanFile(req.Name, req.Data)
	if err != nil {
		return nil, err
	}
	p, err := ParseDocument(doc, req.Year)
	if p == nil {
		return nil, err
	}
	rep := &ImportReport{Plan: p, Format: doc.Format}
	if err != nil {
		return rep, err
	}
	if req.DryRun && req.Part == 0 && len(p.Parts) > 1 {
		return rep, nil // the preview shows the plans to pick from
	}
	months, err := p.Pick(req.Part)
	if err != nil {
		return rep, err
	}
	items := ItemsFromMonths(months, req.Year)
	announced, err := s.announcedMonths(ctx)
	if err != nil {
		return nil, err
	}
	if req.DryRun {
		old, err := s.Store.ImportedItems(ctx, req.Year)
		if err != nil {
			return nil, err
		}
		rep.Diff = DiffPlan(old, items, announced)
		return rep, nil
	}
	ctx, rec := s.Audit.Begin(ctx, "plan.import", fmt.Sprintf("plan:%d", req.Year))
	rec.Note(req.Name)
	rep.Diff, err = s.Store.ImportPlan(ctx, req.Year, func(old []*Item) *Diff {
		rec.Before(itemTitles(old))
		d := DiffPlan(old, items, announced)
		rec.After(d)
		return d
	})
	s.planVersion.Add(1)
	s.Audit.Finish(ctx, rec, err)
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// announcedMonths reports the months whose announcement went out.
func (s *Service) announcedMonths(ctx context.Context) (func(YM) bool, error) {
	ds, err := s.Store.ListDeliveries(ctx, 120)
	if err != nil {
		return nil, fmt.Errorf("announced months: %w", err)
	}
	sent := map[YM]bool{}
	for _, d := range ds {
		sent[d.Month] = true
	}
	return func(ym YM) bool { return sent[ym] }, nil
}

// itemTitles is what the audit log keeps of a calendar: month, day, title.
func itemTitles(items []*Item) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = fmt.Sprintf("%d-%02d-%02d %s", it.Year, it.Month, it.Day, it.Title)
	}
	return out
}
