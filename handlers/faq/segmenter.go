package faq

import (
	_ "embed"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// dictText is a small segmentation dictionary: the ~20,000 words of gse's
// simplified dictionary with frequency ≥ 200 plus the union's own words
// (words.txt). gse's full dictionaries are never loaded.
var (
	//go:embed dict.txt
	dictText string
	//go:embed words.txt
	unionWords string
)

// Segmenter turns text into matching terms: words from gse, folded to
// simplified script, synonyms mapped to one canonical word, question words
// dropped, and character bigrams and (lighter) single characters so that a
// typo (疗样, 体捡) or an unknown word still shares something with the entry.
type Segmenter struct {
	seg    gse.Segmenter
	script *Script
}

// NewSegmenter loads the embedded dictionary.
func NewSegmenter(script *Script) (*Segmenter, error) {
	s := &Segmenter{script: script}
	s.seg.SkipLog = true
	loadDict(&s.seg, dictText+"\n"+unionWords)
	return s, nil
}

// loadDict adds the words of a gse dictionary text (a word, its frequency
// and its part of speech a line) to seg as gse's LoadDictStr does, line for
// line, but without LoadDictStr's last step, CalcToken, which works out
// every word's sub-words for gse's search mode and its own segmenter:
// neither is used here (cut reads the words and frequencies, and gse's HMM
// and Cut(text, true) do too, TestLightDictCutsAsFull), and the sub-words
// were 7.5 MiB of pointers that every garbage collection walked through,
// most of the bot's live heap.
func loadDict(seg *gse.Segmenter, dict string) {
	if seg.Dict == nil {
		seg.Dict = gse.NewDict()
		seg.Init()
	}
	for _, line := range strings.Split(dict, "\n") {
		f := strings.Split(line, seg.DictSep+" ")
		text, freqText := strings.TrimSpace(f[0]), ""
		if len(f) > 1 {
			freqText = strings.TrimSpace(f[1])
		}
		freq := seg.Size(len(f), text, freqText)
		if freq == 0 {
			continue
		}
		pos := ""
		if len(f) > 2 {
			pos = strings.TrimSpace(strings.Trim(f[2], "\n"))
		}
		seg.AddToken(text, freq, pos) // an error, as in LoadDictStr, leaves the word out
	}
}

// Terms returns the weighted terms of text (weights of repeated terms add).
// The one-character and character-pair terms ("@扣", "#代扣") are written
// into one buffer and taken as slices of one string made from it, so a
// question costs one allocation for them and not one a term.
// The scratch of a text of ordinary length (the run of Han characters, the
// term buffer and its spans) lives on the stack.
func (s *Segmenter) Terms(text string) map[string]float64 {
	return s.termsOf(normalQuestionOf(s.script, text), nil)
}

// termsOf is Terms of a text already normalised (normalQuestionOf),
// written into out, an empty map (Index.searchOwn passes the one its
// pooled scratch keeps); nil makes one.
func (s *Segmenter) termsOf(q normalQuestion, out map[string]float64) map[string]float64 {
	text := synonymReplacer.Replace(q.colloquial)
	words := s.cut(text)
	if out == nil {
		out = make(map[string]float64, len(words)+2*utf8.RuneCountInString(text))
	}
	type span struct {
		from, to int
		w        float64
	}
	var (
		bufArr  [768]byte
		spanArr [96]span
		runArr  [64]int
		buf     = bufArr[:0]
		spans   = spanArr[:0]
	)
	if n := 3 * len(text); n > len(bufArr) {
		buf = make([]byte, 0, n)
	}
	if n := 2*len(text)/3 + len(words); n > len(spanArr) {
		spans = make([]span, 0, n)
	}
	add := func(w float64, prefix byte, parts ...string) {
		from := len(buf)
		buf = append(buf, prefix)
		for _, p := range parts {
			buf = append(buf, p...)
		}
		spans = append(spans, span{from, len(buf), w})
	}
	for _, w := range words {
		w = strings.TrimSpace(w)
		if w == "" || stopWords[w] || !hasLetter(w) {
			continue
		}
		if r, size := utf8.DecodeRuneInString(w); size == len(w) && unicode.Is(unicode.Han, r) {
			// A one-character word (扣, 交) is its character: it then meets
			// the words that hold it (代扣, 缴交) however they were cut.
			add(1, '@', w)
			continue
		}
		out[w]++
	}
	// Bigrams over each run of Han characters, skipping pure stop
	// characters. A run is kept as the byte offsets of its characters.
	run := runArr[:0]
	flush := func() {
		for k, at := range run {
			if r, size := utf8.DecodeRuneInString(text[at:]); !isStopChar(r) {
				add(unigramWeight, '@', text[at:at+size])
			}
			if k+1 < len(run) {
				r1, _ := utf8.DecodeRuneInString(text[at:])
				r2, size2 := utf8.DecodeRuneInString(text[run[k+1]:])
				if isStopChar(r1) && isStopChar(r2) {
					continue
				}
				add(bigramWeight, '#', text[at:run[k+1]+size2])
			}
		}
		run = run[:0]
	}
	for at, r := range text {
		if unicode.Is(unicode.Han, r) {
			run = append(run, at)
		} else {
			flush()
		}
	}
	flush()
	keys := string(buf)
	for _, sp := range spans {
		out[keys[sp.from:sp.to]] += sp.w
	}
	return out
}

func hasLetter(w string) bool {
	for _, r := range w {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
