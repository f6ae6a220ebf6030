package care

import (
	"context"
	"strconv"
	"strings"

	"unionbot"
)

// RulesForm is the money rules as the console shows them to a chair: a
// line a kind ("生病住院 150/100/50", amounts in 元, none for no standard)
// and the yearly caps in plain numbers ("" for none).
type RulesForm struct {
	Kinds          string
	YearCount      string
	YearTotalYuan  string
	OnePaidPerYear bool
}

// FormOf is r as a RulesForm, to fill the console's form.
func FormOf(r Rules) RulesForm {
	var lines []string
	for _, k := range r.Kinds {
		var amounts []string
		for _, a := range k.AmountsFen {
			amounts = append(amounts, strings.TrimSuffix(Yuan(a), "元"))
		}
		lines = append(lines, strings.TrimSpace(k.Name+" "+strings.Join(amounts, "/")))
	}
	f := RulesForm{Kinds: strings.Join(lines, "\n"), OnePaidPerYear: r.OnePaidPerYear}
	if r.YearCount > 0 {
		f.YearCount = strconv.Itoa(r.YearCount)
	}
	if r.YearTotalFen > 0 {
		f.YearTotalYuan = strings.TrimSuffix(Yuan(r.YearTotalFen), "元")
	}
	return f
}

// Rules reads the form; a line or a number it cannot read is EINVALID
// with the line in the sentence.
func (f RulesForm) Rules() (Rules, error) {
	var r Rules
	for i, line := range strings.Split(strings.ReplaceAll(f.Kinds, "\r", ""), "\n") {
		fields := strings.Fields(strings.NewReplacer("：", " ", ":", " ", "，", " ", ",", " ").Replace(line))
		if len(fields) == 0 {
			continue
		}
		k := Kind{Name: fields[0]}
		for _, part := range fields[1:] {
			for _, a := range strings.FieldsFunc(part, func(c rune) bool { return c == '/' || c == '、' || c == '／' }) {
				fen, ok := parseFen(strings.TrimSuffix(a, "元"))
				if !ok {
					return Rules{}, unionbot.Errorf(unionbot.EINVALID, txtRulesBadLine, i+1, line)
				}
				k.AmountsFen = append(k.AmountsFen, fen)
			}
		}
		r.Kinds = append(r.Kinds, k)
	}
	if v := strings.TrimSpace(f.YearCount); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return Rules{}, unionbot.Errorf(unionbot.EINVALID, txtRulesBadCount, v)
		}
		r.YearCount = n
	}
	if v := strings.TrimSuffix(strings.TrimSpace(f.YearTotalYuan), "元"); v != "" {
		fen, ok := parseFen(v)
		if !ok {
			return Rules{}, unionbot.Errorf(unionbot.EINVALID, txtRulesBadTotal, v)
		}
		r.YearTotalFen = fen
	}
	r.OnePaidPerYear = f.OnePaidPerYear
	return r, r.Validate()
}

// SetRulesForm is SetRules from the console's form.
func (s *Service) SetRulesForm(ctx context.Context, by string, f RulesForm) (Rules, error) {
	r, err := f.Rules()
	if err != nil {
		return Rules{}, err
	}
	return s.SetRules(ctx, by, r)
}
