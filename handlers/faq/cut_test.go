package faq

import (
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
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
	texts = append(texts, "", " ", "A", "ABC工会Def", strings.Repeat("工会会员", 40), "\xff会费\xfe怎么交")
	checked := 0
	for _, text := range texts {
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
