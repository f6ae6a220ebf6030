package faq

import (
	"math/rand"
	"strings"
	"testing"
)

// TestReplacerAsStrings holds the replacer to strings.NewReplacer with the
// same pairs: the colloquial and synonym tables, and the two in a row as
// the Q&A applies them, on every line of the tuning and held-out sets
// (raw and normalised), dictionary words run together, random mixes, and
// random strings made of the tables' own words and pieces of them (so
// that matches meet, overlap and are cut short), some not valid UTF-8.
func TestReplacerAsStrings(t *testing.T) {
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	texts := cutTexts(t, e.seg)
	var pieces []string
	for _, args := range [][]string{colloquialArgs(), synonymArgs()} {
		for _, a := range args {
			pieces = append(pieces, a)
			if r := []rune(a); len(r) > 1 {
				pieces = append(pieces, string(r[:len(r)-1]), string(r[1:]))
			}
		}
	}
	pieces = append(pieces, "的", "怎么", " ", "?", "\xe5", "\x80", "会")
	rng := rand.New(rand.NewSource(7))
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for j := rng.Intn(8); j >= 0; j-- {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		texts = append(texts, b.String())
	}
	changed := map[string]int{}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"colloquial", colloquialArgs()},
		{"synonyms", synonymArgs()},
	} {
		ours, std := newReplacer(tc.args...), strings.NewReplacer(tc.args...)
		for _, text := range texts {
			got, want := ours.Replace(text), std.Replace(text)
			if got != want {
				t.Fatalf("%s: Replace(%q) = %q, strings.Replacer: %q", tc.name, text, got, want)
			}
			if got != text {
				changed[tc.name]++
			}
		}
	}
	stdColloquial, stdSynonyms := strings.NewReplacer(colloquialArgs()...), strings.NewReplacer(synonymArgs()...)
	for _, text := range texts {
		if got, want := normalizeSynonyms(text), stdSynonyms.Replace(stdColloquial.Replace(text)); got != want {
			t.Fatalf("normalizeSynonyms(%q) = %q, strings.Replacer: %q", text, got, want)
		}
	}
	// Both tables must have been exercised, not just passed through.
	if changed["colloquial"] < 1000 || changed["synonyms"] < 1000 {
		t.Fatalf("too few texts changed: %v of %d", changed, len(texts))
	}
	t.Logf("%d texts replaced as strings.Replacer does (changed: %v)", len(texts), changed)
}

// TestReplacerUnchangedAllocatesNothing: a question with no colloquial word,
// or only canonical words, comes back as it was, with no allocation.
func TestReplacerUnchangedAllocatesNothing(t *testing.T) {
	for _, q := range []string{"工会会员生日有什么慰问", "生病工会有补助吗", "工会费怎么交"} {
		if got := synonymReplacer.Replace(colloquialReplacer.Replace(q)); got != q {
			t.Fatalf("%q changed to %q", q, got)
		}
		if n := testing.AllocsPerRun(100, func() { synonymReplacer.Replace(colloquialReplacer.Replace(q)) }); n != 0 {
			t.Errorf("%q: %v allocations", q, n)
		}
	}
	if got := colloquialReplacer.Replace("会费咋交"); got != "会费怎么交" {
		t.Errorf("colloquial: %q", got)
	}
	if got := synonymReplacer.Replace("会费怎么交"); got != "工会费怎么交" {
		t.Errorf("synonyms: %q", got)
	}
}
