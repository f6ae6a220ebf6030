package faq

import (
	"strings"
	"unicode/utf8"
)

// replacer does what strings.NewReplacer's generic algorithm does with the
// same pairs (at each position the old strings are tried in argument
// order; a match is replaced and skipped, no overlaps), but gives back its
// input, without allocating, when nothing changes. Most questions hold no
// colloquial word, and a synonym's canonical word is replaced by itself so
// that it is not read as two others (工会费 is not 工+会费): the standard
// Replacer built a new string for each question either way, three
// allocations a call. TestReplacerAsStrings holds it to strings.Replacer.
type replacer struct {
	// byFirst lists the pairs by their old string's first rune, in
	// argument order.
	byFirst map[rune][]replacePair
}

type replacePair struct{ old, new string }

// newReplacer takes old, new pairs as strings.NewReplacer does. An empty
// old string, which strings.Replacer matches everywhere, is not allowed.
func newReplacer(oldnew ...string) *replacer {
	if len(oldnew)%2 == 1 {
		panic("faq.newReplacer: odd argument count")
	}
	r := &replacer{byFirst: map[rune][]replacePair{}}
	for i := 0; i < len(oldnew); i += 2 {
		old := oldnew[i]
		if old == "" {
			panic("faq.newReplacer: empty old string")
		}
		c, _ := utf8.DecodeRuneInString(old)
		r.byFirst[c] = append(r.byFirst[c], replacePair{old, oldnew[i+1]})
	}
	return r
}

// Replace returns s with the replacements made; s itself when none
// changes it.
func (r *replacer) Replace(s string) string {
	var out []byte // nil until the first change
	done := 0      // s[:done] is in out
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		// A key starts with a whole rune, so stepping a rune at a time (a
		// byte for one that is not valid UTF-8) passes no place a key
		// could start, as strings.Replacer's byte steps would not either.
		step := size
		for _, p := range r.byFirst[c] {
			if !strings.HasPrefix(s[i:], p.old) {
				continue
			}
			if p.new != p.old {
				if out == nil {
					out = make([]byte, 0, len(s)+len(p.new))
				}
				out = append(out, s[done:i]...)
				out = append(out, p.new...)
				done = i + len(p.old)
			}
			step = len(p.old)
			break
		}
		i += step
	}
	if out == nil {
		return s
	}
	return string(append(out, s[done:]...))
}
