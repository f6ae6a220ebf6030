package faq

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The script tables are generated once from OpenCC 1.1.6 (Apache-2.0): every
// CJK character run through t2s and s2tw (Taiwan standard characters, which
// is what teachers who type traditional use: 群, not 羣), plus the common
// words whose s2tw conversion differs from the character-by-character one
// (头发→頭髮, 干净→乾淨). No Go port of OpenCC is served by the module proxy, so the
// tables are embedded here; see README for how they were made.
var (
	//go:embed t2s.txt
	t2sText string
	//go:embed s2t.txt
	s2tText string
	//go:embed s2t_phrases.txt
	s2tPhraseText string
)

// Script converts between simplified and traditional Chinese. Matching uses
// ToSimplified only (many-to-one, so 著/着 and 乾/干 fold together, which is
// what matching wants); ToTraditional is for showing a stored simplified
// answer to a teacher who wrote in traditional characters.
type Script struct {
	t2s       map[rune]rune
	s2t       map[rune]rune
	phrases   map[string]string // simplified word -> traditional word
	phraseLen map[rune]int      // the longest word (in runes) that starts with a character
}

// ownPhrases are words the bot's own replies use that the generated table
// lacks (too rare in gse's frequencies): without them 回复数字 would become
// 回複數 by way of 复数 (plural).
var ownPhrases = map[string]string{"回复": "回覆", "答复": "答覆"}

// NewScript loads the embedded tables.
func NewScript() *Script {
	sc := &Script{t2s: map[rune]rune{}, s2t: map[rune]rune{}, phrases: map[string]string{}, phraseLen: map[rune]int{}}
	loadPairs(t2sText, sc.t2s)
	loadPairs(s2tText, sc.s2t)
	for _, line := range strings.Split(s2tPhraseText, "\n") {
		s, t, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			continue
		}
		sc.phrases[s] = t
	}
	for s, t := range ownPhrases {
		sc.phrases[s] = t
	}
	for s := range sc.phrases {
		first, _ := utf8.DecodeRuneInString(s)
		sc.phraseLen[first] = max(sc.phraseLen[first], utf8.RuneCountInString(s))
	}
	return sc
}

func loadPairs(text string, m map[rune]rune) {
	for _, line := range strings.Split(text, "\n") {
		r := []rune(line)
		if len(r) == 2 {
			m[r[0]] = r[1]
		}
	}
}

// matchFold folds characters OpenCC leaves alone because they are also
// simplified (著 in 著作), but which traditional writers use where
// simplified has another character (穿著/穿着). Matching only: both the
// question and the entries are folded, so 著作 meets 着作 harmlessly.
// 覆 too: traditional 回覆/答覆 are simplified 回复/答复 (an admin's 回覆
// JY-… must reach 回复).
var matchFold = map[rune]rune{'著': '着', '裡': '里', '瞭': '了', '覆': '复'}

// ToSimplified maps every traditional character to its simplified form, for
// matching (see matchFold).
func (sc *Script) ToSimplified(s string) string {
	return strings.Map(func(r rune) rune {
		if t, ok := sc.t2s[r]; ok {
			return t
		}
		if t, ok := matchFold[r]; ok {
			return t
		}
		return r
	}, s)
}

// ToTraditional converts simplified text, word table first (longest match),
// then character by character. Words are looked up as substrings of s, and
// only from characters some word starts with: the answers shown in
// traditional go through here whole.
func (sc *Script) ToTraditional(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var ends [8]int // byte ends of the next runes, for the word lookups
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if longest := min(sc.phraseLen[r], len(ends)); longest >= 2 {
			n := 0
			for j := i; n < longest && j < len(s); n++ {
				_, sz := utf8.DecodeRuneInString(s[j:])
				j += sz
				ends[n] = j
			}
			matched := false
			for k := n - 1; k >= 1; k-- {
				if t, ok := sc.phrases[s[i:ends[k]]]; ok {
					b.WriteString(t)
					i, matched = ends[k], true
					break
				}
			}
			if matched {
				continue
			}
		}
		if t, ok := sc.s2t[r]; ok {
			r = t
		}
		b.WriteRune(r)
		i += size
	}
	return b.String()
}

// IsTraditional reports whether s is written in traditional characters: it
// holds more characters that exist only in traditional than only in
// simplified.
func (sc *Script) IsTraditional(s string) bool {
	trad, simp := 0, 0
	for _, r := range s {
		if _, ok := sc.t2s[r]; ok {
			trad++
		} else if _, ok := sc.s2t[r]; ok {
			simp++
		}
	}
	return trad > simp
}

// normalQuestion is a question's normal forms, made once for everything
// that reads it (the small talk, the calendar, the Q&A's terms): each
// folded and converted to simplified characters again was ~1 µs a
// question.
type normalQuestion struct {
	simplified string // fold, then simplified characters
	colloquial string // simplified, its colloquial words replaced
}

// normalQuestionOf normalises question in sc's script conversion.
func normalQuestionOf(sc *Script, question string) normalQuestion {
	simp := sc.ToSimplified(fold(question))
	return normalQuestion{simplified: simp, colloquial: colloquialReplacer.Replace(simp)}
}

// fold makes full-width ASCII half-width and lowers Latin letters, so
// "ＱＱ群" and "qq群" are one word.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 0xFF01 && r <= 0xFF5E {
			r -= 0xFEE0
		}
		if r == 0x3000 {
			r = ' '
		}
		return unicode.ToLower(r)
	}, s)
}
