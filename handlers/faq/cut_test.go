package faq

import (
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/go-ego/gse"
)

// TestCutSameAsGse holds the segmenter's own word graph to gse's Cut(text,
// true), the library it replaces on the hot path: the same words for every
// line of every school's entries and questions in testdata (as typed and as
// Terms normalises them), every dictionary word run together with its
// neighbours, and random mixes of Han characters, Latin letters, digits,
// punctuation and spaces.
func TestCutSameAsGse(t *testing.T) {
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	s := e.seg
	checked := 0
	for _, text := range cutTexts(t, s) {
		want := s.seg.Cut(text, true)
		got := s.cut(text)
		if len(want) == 0 && len(got) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("cut(%q) = %q, gse: %q", text, got, want)
		}
		checked++
	}
	if checked < 30000 {
		t.Fatalf("only %d texts compared", checked)
	}
	t.Logf("%d texts cut as gse cuts them", checked)
}

// TestLightDictCutsAsFull holds the dictionary as loadDict loads it (without
// gse's CalcToken) to the dictionary as gse's own LoadDictStr loads it: the
// same words and frequencies, and gse's Cut(text, true) on the one gives
// what it gives on the other for every text TestCutSameAsGse has.
func TestLightDictCutsAsFull(t *testing.T) {
	e, err := NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	light := &e.seg.seg
	var full gse.Segmenter
	full.SkipLog = true
	if err := full.LoadDictStr(dictText + "\n" + unionWords); err != nil {
		t.Fatal(err)
	}
	if l, f := light.Dict.NumTokens(), full.Dict.NumTokens(); l != f || l < 20000 {
		t.Fatalf("light dictionary has %d words, full %d", l, f)
	}
	if l, f := light.Dict.TotalFreq(), full.Dict.TotalFreq(); l != f {
		t.Fatalf("light dictionary's total frequency %v, full %v", l, f)
	}
	for i := range full.Dict.Tokens {
		tok := &full.Dict.Tokens[i]
		if lf, lp, ok := light.Dict.Find([]byte(tok.Text())); !ok || lf != tok.Freq() || lp != tok.Pos() {
			t.Fatalf("word %d %q: light %v %q %v, full %v %q", i, tok.Text(), lf, lp, ok, tok.Freq(), tok.Pos())
		}
	}
	checked := 0
	for _, text := range cutTexts(t, e.seg) {
		if got, want := light.Cut(text, true), full.Cut(text, true); !reflect.DeepEqual(got, want) {
			t.Fatalf("Cut(%q) on the light dictionary = %q, on the full one %q", text, got, want)
		}
		checked++
	}
	t.Logf("%d words and %d texts the same", full.Dict.NumTokens(), checked)
}

// cutTexts is every line of testdata (as typed and as Terms normalises
// it), every dictionary word run together with its neighbours, random
// mixes of Han characters, Latin letters, digits, punctuation and spaces,
// and a few edge cases.
func cutTexts(t *testing.T, s *Segmenter) []string {
	t.Helper()
	var texts []string
	files, _ := filepath.Glob("testdata/*")
	if len(files) < 40 {
		t.Fatalf("found %d files in testdata", len(files))
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			texts = append(texts, line, normalizeSynonyms(s.script.ToSimplified(fold(line))))
		}
	}
	var words []string
	for _, line := range strings.Split(dictText+"\n"+unionWords, "\n") {
		if w, _, _ := strings.Cut(strings.TrimSpace(line), " "); w != "" {
			words = append(words, w)
		}
	}
	for i := 0; i+3 < len(words); i += 3 {
		texts = append(texts, words[i]+words[i+1]+words[i+2]+words[i+3])
	}
	rng := rand.New(rand.NewSource(1))
	var han []rune
	for _, w := range words {
		for _, r := range w {
			han = append(han, r)
		}
	}
	other := []rune("abcXYZ019 ，。？！?!.-_（）《》、:：会費體檢")
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for j := rng.Intn(30); j >= 0; j-- {
			if rng.Intn(4) == 0 {
				b.WriteRune(other[rng.Intn(len(other))])
			} else {
				b.WriteRune(han[rng.Intn(len(han))])
			}
		}
		texts = append(texts, b.String())
	}
	return append(texts, "", " ", "A", "ABC工会Def", strings.Repeat("工会会员", 40), "\xff会费\xfe怎么交")
}

// BenchmarkCut is the load generator's six questions, normalised as Terms
// normalises them, cut by gse's Cut and by the segmenter's own word graph.
//
//	go test ./handlers/faq/ -run '^$' -bench Cut -benchmem
func BenchmarkCut(b *testing.B) {
	e, err := NewEngine()
	if err != nil {
		b.Fatal(err)
	}
	var texts []string
	for _, q := range []string{"体检什么时候", "会费怎么交", "會費怎麼交", "工会会员生日有什么慰问", "生病住院工会有补助吗", "教代会什么时候开"} {
		texts = append(texts, normalizeSynonyms(e.seg.script.ToSimplified(fold(q))))
	}
	b.Run("gse", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			e.seg.seg.Cut(texts[i%len(texts)], true)
		}
	})
	b.Run("own", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			e.seg.cut(texts[i%len(texts)])
		}
	})
}
