package announce

import (
	"fmt"
	"sort"
	"strings"

	"unionbot"
)

// What the parser hands back: the months merged and by plan, the lines it
// left out, and the checks on a parsed plan.

func (p *parser) plan() (*Plan, error) {
	out := &Plan{Warnings: p.warnings, Unplaced: p.unplaced, Lines: p.lines, placed: p.placed}
	if out.Unplaced == nil {
		out.Unplaced = []Unplaced{}
	}
	// A line both placed and unplaced (an item every month had already)
	// counts as unplaced.
	un := map[int]bool{}
	for _, u := range out.Unplaced {
		un[u.Line] = true
	}
	for _, no := range p.placed {
		if !un[no] {
			out.Placed++
		}
	}
	merged := map[[2]int]*Month{}
	seen := map[[2]int]map[string]bool{}
	found := false
	var parts []Part
	for _, pt := range p.parts {
		months := sortedMonths(pt.months)
		if pt.line > 0 || len(months) > 0 {
			parts = append(parts, Part{Title: pt.title, Line: pt.line, Months: months})
		}
		for _, m := range months {
			k := [2]int{m.Year, m.Month}
			if merged[k] == nil {
				merged[k] = &Month{Year: m.Year, Month: m.Month, Items: []string{}}
				seen[k] = map[string]bool{}
			}
			for _, it := range m.Items {
				if !seen[k][it] {
					seen[k][it] = true
					merged[k].Items = append(merged[k].Items, it)
				}
			}
			found = true
		}
	}
	out.Months = sortedMonths(merged)
	if len(parts) > 1 {
		for i := range parts {
			parts[i].No = i + 1
			if parts[i].Title == "" {
				parts[i].Title = msgPreamble
			}
		}
		out.Parts = parts
	}
	for _, m := range out.Months {
		if len(m.Items) == 0 {
			out.Warnings = append(out.Warnings, fmt.Sprintf(msgEmptyMonth, m.Year, m.Month))
		}
	}
	if out.Warnings == nil {
		out.Warnings = []string{}
	}
	if !found {
		return out, ErrNoSchedule
	}
	return out, nil
}

func sortedMonths(ms map[[2]int]*Month) []Month {
	out := make([]Month, 0, len(ms))
	for _, m := range ms {
		out = append(out, *m)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		return a.Year*12+a.Month < b.Year*12+b.Month
	})
	return out
}

// ItemCount is the number of (month, item) pairs.
func (p *Plan) ItemCount() int { return countItems(p.Months) }

func countItems(ms []Month) int {
	n := 0
	for _, m := range ms {
		n += len(m.Items)
	}
	return n
}

// Pick returns the plan to import: the whole plan, or part no (1-based) of
// a collection. A collection without a choice, or a part that does not
// exist or has no months, returns EINVALID.
func (p *Plan) Pick(no int) ([]Month, error) {
	switch {
	case no == 0 && len(p.Parts) > 1:
		var names []string
		for _, pt := range p.Parts {
			if len(pt.Months) > 0 {
				names = append(names, fmt.Sprintf("%d（%s）", pt.No, clip(pt.Title, 16)))
			}
		}
		return nil, unionbot.Errorf(unionbot.EINVALID, msgPickPart, len(p.Parts), strings.Join(names, "、"))
	case no == 0:
		return p.Months, nil
	case no < 0 || no > len(p.Parts) && !(no == 1 && len(p.Parts) == 0):
		return nil, unionbot.Errorf(unionbot.EINVALID, msgNoSuchPart, no, max(len(p.Parts), 1))
	case len(p.Parts) == 0:
		return p.Months, nil
	case len(p.Parts[no-1].Months) == 0:
		return nil, unionbot.Errorf(unionbot.EINVALID, msgPartEmpty, no)
	}
	return p.Parts[no-1].Months, nil
}

// AccountFor reports the first non-empty line of doc that the plan neither
// placed nor listed as unplaced (0 when every line is accounted for): the
// parser's promise that nothing is dropped silently.
func (p *Plan) AccountFor(doc *Document) int {
	seen := map[int]bool{}
	for _, no := range p.placed {
		seen[no] = true
	}
	for _, u := range p.Unplaced {
		seen[u.Line] = true
	}
	for i, l := range doc.Lines {
		if (l.Row != nil || cleanLine(l.Text) != "") && !seen[i+1] {
			return i + 1
		}
	}
	return 0
}
