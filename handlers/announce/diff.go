package announce

import (
	"sort"
	"unicode/utf8"
)

// Diff is what importing a plan changes in the calendar's imported items of
// its year: a revised plan is applied as this diff, never added on top.
type Diff struct {
	Added   []*Item  `json:"added"`
	Changed []Change `json:"changed"`
	Removed []*Item  `json:"removed"`
	// Unchanged counts the items the plan and the calendar agree on; Same
	// are they, with the plan's positions.
	Unchanged int     `json:"unchanged"`
	Same      []*Item `json:"-"`
}

// Change is a calendar item the revised plan words differently (the same
// month, a similar title or the same day), or one the plan no longer has
// although its month was announced already: that one stays in the calendar,
// marked changed, because members were told of it (Kept).
type Change struct {
	Item *Item  `json:"item"` // the calendar's item, with the plan's new wording
	From string `json:"from"` // the title before
	Kept bool   `json:"kept"`
}

// DiffPlan compares the imported items of a plan year in the calendar (old)
// with the items of the revised plan (items). An item whose month is
// announced is never removed; a changed one is marked. Positions follow the
// plan.
func DiffPlan(old, items []*Item, announced func(YM) bool) *Diff {
	d := &Diff{Added: []*Item{}, Changed: []Change{}, Removed: []*Item{}}
	type key struct {
		ym    YM
		title string
	}
	byKey := map[key]*Item{}
	for _, it := range old {
		byKey[key{YM{it.Year, it.Month}, it.Title}] = it
	}
	used := map[*Item]bool{}
	var rest []*Item
	for _, it := range items {
		if o := byKey[key{YM{it.Year, it.Month}, it.Title}]; o != nil && !used[o] {
			used[o] = true
			it.ID, it.Changed = o.ID, o.Changed
			d.Unchanged++
			d.Same = append(d.Same, it)
			continue
		}
		rest = append(rest, it)
	}
	// Pair what is left month by month, most similar first.
	type pair struct {
		o, n  *Item
		score float64
	}
	var pairs []pair
	for _, n := range rest {
		for _, o := range old {
			if used[o] || o.Year != n.Year || o.Month != n.Month {
				continue
			}
			s := similarity(o.Title, n.Title)
			if o.Day > 0 && o.Day == n.Day {
				s += 0.5
			}
			if s >= 0.4 {
				pairs = append(pairs, pair{o, n, s})
			}
		}
	}
	sort.SliceStable(pairs, func(i, j int) bool { return pairs[i].score > pairs[j].score })
	paired := map[*Item]bool{}
	for _, p := range pairs {
		if used[p.o] || paired[p.n] {
			continue
		}
		used[p.o], paired[p.n] = true, true
		p.n.ID = p.o.ID
		p.n.Changed = p.o.Changed || announced(YM{p.o.Year, p.o.Month})
		d.Changed = append(d.Changed, Change{Item: p.n, From: p.o.Title})
	}
	for _, n := range rest {
		if !paired[n] {
			d.Added = append(d.Added, n)
		}
	}
	for _, o := range old {
		if used[o] {
			continue
		}
		if announced(YM{o.Year, o.Month}) {
			kept := *o
			kept.Changed = true
			d.Changed = append(d.Changed, Change{Item: &kept, From: o.Title, Kept: true})
			continue
		}
		d.Removed = append(d.Removed, o)
	}
	return d
}

// similarity is the Dice coefficient of the two titles' character bigrams:
// 1 for the same title, 0 for nothing in common.
func similarity(a, b string) float64 {
	ga, gb := bigrams(a), bigrams(b)
	if len(ga) == 0 || len(gb) == 0 {
		if a == b {
			return 1
		}
		return 0
	}
	common := 0
	for g, n := range ga {
		common += min(n, gb[g])
	}
	return 2 * float64(common) / float64(utf8.RuneCountInString(a)-1+utf8.RuneCountInString(b)-1)
}

func bigrams(s string) map[string]int {
	rs := []rune(s)
	out := map[string]int{}
	for i := 0; i+1 < len(rs); i++ {
		out[string(rs[i:i+2])]++
	}
	return out
}

// Counts is the diff in numbers, for summaries.
func (d *Diff) Counts() (added, changed, removed int) {
	return len(d.Added), len(d.Changed), len(d.Removed)
}
