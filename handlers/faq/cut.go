package faq

import (
	"math"
	"strings"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// cut splits text into words exactly as gse's Cut(text, true) does (the
// most probable path through the dictionary's words, and gse's HMM for a
// run of characters no word covers), on gse's own dictionary and HMM, but
// without gse's per-call maps and string conversions: gse builds a map of
// the word graph and a map of routes and converts every candidate to a
// string twice, which was two thirds of a question's cost. The graph here
// is two small slices, and every word is a slice of text.
// TestCutSameAsGse holds it to gse on every text the tests have.
func (s *Segmenter) cut(text string) []string {
	if !utf8.ValidString(text) {
		return s.seg.Cut(text, true) // gse reads bad bytes as U+FFFD: its own way
	}
	if gse.ToLower {
		text = strings.ToLower(text) // as gse: returns text itself when nothing changes
	}
	// at[k] is the byte offset of rune k; at[n] is len(text).
	var atBuf [64]int
	at := atBuf[:0]
	for i := range text {
		at = append(at, i)
	}
	n := len(at)
	at = append(at, len(text))
	dict := s.seg.Dict
	b := []byte(text) // the dictionary looks words up as bytes

	// edge is a word from rune k to rune end (inclusive) and its frequency
	// as gse's Find gives it (found false: not even a prefix).
	type edge struct {
		end   int
		freq  float64
		found bool
	}
	var edgeBuf [128]edge
	edges := edgeBuf[:0]
	var firstBuf [65]int
	first := firstBuf[:0] // edges of rune k are edges[first[k]:first[k+1]]
	for k := 0; k < n; k++ {
		first = append(first, len(edges))
		from := len(edges)
		for i := k; i < n; i++ {
			freq, _, ok := dict.Find(b[at[k]:at[i+1]])
			if !ok {
				break
			}
			if freq > 0 {
				edges = append(edges, edge{i, freq, true})
			}
		}
		if len(edges) == from { // no word starts here: the character alone
			freq, _, ok := dict.Find(b[at[k]:at[k+1]])
			edges = append(edges, edge{k, freq, ok})
		}
	}
	first = append(first, len(edges))

	// The best route from each rune to the end, as gse's calc: the sum of
	// log probabilities, ties to the longer word.
	type route struct {
		freq  float64
		index int
	}
	var routeBuf [65]route
	routes := routeBuf[:0]
	for k := 0; k <= n; k++ {
		routes = append(routes, route{})
	}
	logT := math.Log(dict.TotalFreq())
	for idx := n - 1; idx >= 0; idx-- {
		set := false
		for _, e := range edges[first[idx]:first[idx+1]] {
			var f float64
			if e.found {
				f = math.Log(e.freq) - logT + routes[e.end+1].freq
			} else {
				f = math.Log(1.0) - logT + routes[e.end+1].freq
			}
			r := route{f, e.end}
			if v := routes[idx]; !set {
				routes[idx], set = r, true
			} else if v.freq < r.freq || (v.freq == r.freq && v.index < r.index) {
				routes[idx] = r
			}
		}
	}

	// Words along the route; runs of one-character words go through gse's
	// HMM together, as in gse.
	out := make([]string, 0, n/2+1)
	run := -1 // byte offset where the current run of single characters starts
	flush := func(end int) {
		if run < 0 {
			return
		}
		w := text[run:end]
		if utf8.RuneCountInString(w) == 1 {
			out = append(out, w)
		} else if v, _, ok := dict.Find(b[run:end]); !ok || v == 0 {
			out = append(out, s.seg.HMMCut(w)...)
		} else {
			for _, r := range w {
				out = append(out, string(r))
			}
		}
		run = -1
	}
	for x := 0; x < n; {
		y := routes[x].index + 1
		if y-x == 1 {
			if run < 0 {
				run = at[x]
			}
		} else {
			flush(at[x])
			out = append(out, text[at[x]:at[y]])
		}
		x = y
	}
	flush(len(text))
	return out
}
