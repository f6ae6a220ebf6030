package faq_test

import (
	"math"
	"slices"
	"testing"
)

// TestAskIsRepeatable asks every tuning question many times and wants the
// same hits with the same scores to the last bit each time: a question's
// terms come out of a map in a different order on every call, and sums
// made in that order differed in their last bits, so two entries that tie
// could swap places between one asking and the next.
func TestAskIsRepeatable(t *testing.T) {
	e := MustSchoolEngine(t, "testdata/tuning_faq.yaml")
	cases := mustSchoolCases(t, "testdata/tuning_questions.yaml")
	if len(cases) < 40 {
		t.Fatalf("only %d tuning questions", len(cases))
	}
	type seen struct {
		id              int64
		score, coverage uint64
	}
	differed := 0
	for _, c := range cases {
		var first []seen
		for i := 0; i < 40; i++ {
			m := e.Ask(c.Q)
			got := make([]seen, len(m.Hits))
			for j, h := range m.Hits {
				got[j] = seen{h.Entry.ID, math.Float64bits(h.Score), math.Float64bits(h.Coverage)}
			}
			if i == 0 {
				first = got
				continue
			}
			if !slices.Equal(first, got) {
				differed++
				t.Errorf("%q: asked again, hits %v, first %v", c.Q, got, first)
				break
			}
		}
	}
	t.Logf("%d questions, each asked 40 times; %d answered differently", len(cases), differed)
}
