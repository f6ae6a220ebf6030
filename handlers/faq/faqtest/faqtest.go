// Package faqtest makes Q&A bases for measuring the engine and the bot
// beyond the starter set: the engine's benchmarks and the load generator's
// school-sized base (loadgen faqbase) are made the same way.
package faqtest

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"unionbot/handlers/faq"
)

// PlanEntries returns n enabled union entries made of text's clauses (a
// union's work plan, say): each entry's question is one clause (numbered,
// so no two are alike), its alternate another, its keyword a third and its
// answer the first two, so the vocabulary is the union's own and a
// question reaches many entries through their characters. An error when
// text has fewer than 20 clauses of 6 to 40 characters.
func PlanEntries(text string, n int) ([]*faq.Entry, error) {
	var clauses []string
	for _, c := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune("，。；！？,;!?\n:：、", r) }) {
		if c = strings.TrimSpace(c); utf8.RuneCountInString(c) >= 6 && utf8.RuneCountInString(c) <= 40 {
			clauses = append(clauses, c)
		}
	}
	if len(clauses) < 20 {
		return nil, fmt.Errorf("the text has %d clauses of 6 to 40 characters; want 20 or more", len(clauses))
	}
	entries := make([]*faq.Entry, n)
	for i := range entries {
		a, b := clauses[i%len(clauses)], clauses[(i*7+3)%len(clauses)]
		entries[i] = &faq.Entry{Question: fmt.Sprintf("%s（%d）", a, i), Alternates: []string{b},
			Keywords: []string{clauses[(i*13+5)%len(clauses)]}, Answer: a + b, Enabled: true}
	}
	return entries, nil
}
