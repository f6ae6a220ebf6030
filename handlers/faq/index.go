package faq

import (
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
)

// BM25 parameters and the weights of a character bigram and a single
// character relative to a word.
const (
	bm25K1        = 1.2
	bm25B         = 0.75
	bigramWeight  = 0.35
	unigramWeight = 0.2
	answerWeight  = 0.2
	// answerCoverage is how much a question term found only in the answer
	// counts toward coverage: teachers ask in the answer's words ("工资里扣
	// 会费吗" of an answer that says 由学校财务从工资代扣) but the answer
	// also holds words nobody asks by.
	answerCoverage = 0.5
	// unknownShare is how much of the rarest known term's weight a question
	// term that no entry holds adds to the question's information, against
	// which coverage is measured. Chosen on the tuning schools (it moved
	// none of their top-1 answers and made none confidently wrong; more of
	// the right ones are answered or offered instead of 转人工).
	unknownShare = 0.5
)

// Index is an immutable BM25 index over the enabled entries.
type Index struct {
	seg     *Segmenter
	entries []*Entry
	starter []bool                // entries[d] is from the starter set: read without reaching the entry
	terms   map[string]*indexTerm // one lookup a question term
	maxIDF  float64
	exact   map[string][]int32 // word key of a question or alternate -> entries
	accums  sync.Pool          // *accum, one question's scratch
}

// indexTerm is a term's IDF and the entries that hold it.
type indexTerm struct {
	idf      float64
	postings []posting
}

// accum is one question's scratch, reused through Index.accums: its
// weighted terms (a map made afresh was four of a question's fourteen
// allocations) and dense accumulators over the entries (allocating them was
// most of a question's garbage, 20 KB over 1,000 entries). An entry's sums
// lie side by side (docSums), so a posting touches one cache line, not one
// in each of four arrays. touched lists the entries to clear after.
type accum struct {
	terms   map[string]float64
	docs    []docSums
	touched []int32
}

// maxPooledTerms: a term map that a long question grew past this is not
// kept, since ranging over an emptied map still walks all the room it once
// took (why stop 30's pooled map, kept whatever its size, lost).
const maxPooledTerms = 128

// docSums is one entry's sums for a question: its BM25 score, the
// question's information it holds (for Coverage), the question's words it
// holds, and whether any term has reached it. The sums are in fixed point
// (fixedOne): the question's terms come out of their map in a different
// order each time, and floating-point sums made in that order differed in
// their last bits from one asking to the next, enough to swap two entries
// that tie; integer sums are the same in any order.
type docSums struct {
	score, got int64
	words      int32
	seen       bool
}

// fixedOne is 1 in docSums' fixed point: 2^-40 is far below any difference
// between two scores that means something, and a question's sums stay far
// below 2^23.
const fixedOne = 1 << 40

// fixed is x in fixed point (truncated: the sums need to be the same each
// time, not rounded).
func fixed(x float64) int64 { return int64(x * fixedOne) }

func (ix *Index) getAccum() *accum {
	if a, ok := ix.accums.Get().(*accum); ok {
		return a
	}
	return &accum{terms: make(map[string]float64, 64), docs: make([]docSums, len(ix.entries))}
}

func (ix *Index) putAccum(a *accum) {
	for _, d := range a.touched {
		a.docs[d] = docSums{}
	}
	a.touched = a.touched[:0]
	if len(a.terms) > maxPooledTerms {
		a.terms = make(map[string]float64, 64)
	} else {
		clear(a.terms)
	}
	ix.accums.Put(a)
}

// posting is one entry holding a term, with BM25's saturated frequency of
// the term in it, f(k1+1)/(f+norm), worked out once when the index is built
// (f is the term's weighted frequency, norm the entry's length
// normalisation); asked is false when the term is only in the answer,
// which ranks fully but counts only answerCoverage toward coverage.
type posting struct {
	doc   int32
	asked bool
	tf    float64
}

// wordKey is the sorted words (no bigrams or characters) of terms: two
// texts with one key say the same thing in the base's words.
func wordKey(terms map[string]float64) string {
	var ws []string
	for t := range terms {
		if isWordTerm(t) {
			ws = append(ws, t)
		}
	}
	return string(appendWordKey(nil, ws))
}

// isWordTerm reports whether a term is a word, not a character pair (#)
// or a character (@).
func isWordTerm(t string) bool {
	return !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "@")
}

// appendWordKey appends the word key of the words ws (sorted in place) to
// buf: a question's words and key fit in arrays on the caller's stack, and
// ix.exact[string(key)] looks the key up without making a string of it.
func appendWordKey(buf []byte, ws []string) []byte {
	slices.Sort(ws)
	for i, w := range ws {
		if i > 0 {
			buf = append(buf, ' ')
		}
		buf = append(buf, w...)
	}
	return buf
}

// NewIndex indexes the standard question, the alternates and the keywords of
// each enabled entry. Keywords count twice: the union chose them. The answer
// counts a fifth: it names things teachers ask by (12351, 劳动仲裁) that the
// question does not.
func NewIndex(seg *Segmenter, entries []*Entry) *Index {
	ix := &Index{seg: seg, terms: map[string]*indexTerm{}, exact: map[string][]int32{}}
	type raw struct { // a posting before the lengths are known
		doc   int32
		freq  float32
		asked bool
	}
	postings := map[string][]raw{}
	var lens []float64 // each entry's length, its terms' weighted frequencies
	total := 0.0
	for _, e := range entries {
		if !e.Enabled {
			continue
		}
		id := int32(len(ix.entries))
		doc, asked := map[string]float64{}, map[string]bool{}
		add := func(text string, w float64, isAsked, isQuestion bool) {
			terms := seg.Terms(text)
			for t, f := range terms {
				doc[t] += f * w
				asked[t] = asked[t] || isAsked
			}
			if k := wordKey(terms); isQuestion && k != "" {
				ix.exact[k] = append(ix.exact[k], id)
			}
		}
		add(e.Question, 1, true, true)
		for _, a := range e.Alternates {
			add(a, 1, true, true)
		}
		for _, k := range e.Keywords {
			add(k, 2, true, false)
		}
		add(e.Answer, answerWeight, false, false)
		// In the terms' order, so that the entry's length, and every
		// score through it, is the same to the last bit in every index
		// built from these entries (another process's, or after a reload).
		l := 0.0
		for _, t := range slices.Sorted(maps.Keys(doc)) {
			postings[t] = append(postings[t], raw{doc: id, freq: float32(doc[t]), asked: asked[t]})
			l += doc[t]
		}
		ix.entries = append(ix.entries, e)
		ix.starter = append(ix.starter, e.Source == SourceStarter)
		lens = append(lens, l)
		total += l
	}
	n := float64(len(ix.entries))
	avgLen := 0.0
	if n > 0 {
		avgLen = total / n
	}
	ix.maxIDF = math.Log(1 + (n+0.5)/0.5)
	norms := make([]float64, len(lens)) // BM25's length normalisation per entry
	for i, l := range lens {
		norms[i] = bm25K1 * (1 - bm25B + bm25B*l/avgLen)
	}
	for t, rs := range postings {
		d := float64(len(rs))
		it := &indexTerm{idf: math.Log(1 + (n-d+0.5)/(d+0.5)), postings: make([]posting, len(rs))}
		for i, r := range rs {
			f := float64(r.freq)
			it.postings[i] = posting{doc: r.doc, asked: r.asked, tf: f * (bm25K1 + 1) / (f + norms[r.doc])}
		}
		ix.terms[t] = it
	}
	return ix
}

// Len is the number of indexed entries.
func (ix *Index) Len() int { return len(ix.entries) }

// Hit is one ranked entry. Score is BM25; Coverage is the share of the
// question's information (IDF-weighted terms) that the entry holds, 0..1.
type Hit struct {
	Entry    *Entry
	Score    float64
	Coverage float64
	Words    int     // distinct words (not bigrams) of the question the entry holds
	Exact    bool    // the question says what a standard question or alternate says
	key      float64 // rank(), worked out once for the comparisons of SearchOwn
}

// Search ranks the entries for a question and returns the best n.
func (ix *Index) Search(question string, n int) []Hit {
	all, _ := ix.SearchOwn(question, n)
	return all
}

// SearchOwn returns the best n entries and, apart, the best n of the
// union's own entries (those not from the starter set), in one pass.
func (ix *Index) SearchOwn(question string, n int) (all, own []Hit) {
	return ix.searchOwn(normalQuestionOf(ix.seg.script, question), n)
}

// searchOwn is SearchOwn of a question normalised already (nq).
func (ix *Index) searchOwn(nq normalQuestion, n int) (all, own []Hit) {
	if len(ix.entries) == 0 {
		return nil, nil
	}
	// Dense accumulators: a question touches a good share of the entries
	// through its characters, and slices beat maps there.
	acc := ix.getAccum()
	defer ix.putAccum(acc)
	q := ix.seg.termsOf(nq, acc.terms)
	if len(q) == 0 {
		return nil, nil
	}
	docs := acc.docs
	var qInfo int64 // fixed point, as docSums
	var wordsArr [16]string
	qWords := wordsArr[:0] // the question's words, for its word key
	for t, w := range q {
		if isWordTerm(t) {
			qWords = append(qWords, t)
		}
		it := ix.terms[t]
		if it == nil {
			// A term no entry knows is information the base lacks, but a
			// long question carries many (听说, 具体, 准备) that say nothing
			// about the matter asked: each counts unknownShare.
			qInfo += fixed(ix.maxIDF * unknownShare * w)
			continue
		}
		qInfo += fixed(it.idf * w)
		isWord := !strings.HasPrefix(t, "#") && (!strings.HasPrefix(t, "@") || w >= 1)
		var word int32
		if isWord {
			word = 1
		}
		// The term's weight in the question, once for its postings, and
		// what it adds to the information of an entry that holds it.
		wi := w * it.idf
		wiFixed := wi * fixedOne
		gotAsked, gotAnswer := fixed(wi), fixed(wi*answerCoverage)
		for _, p := range it.postings {
			ds := &docs[p.doc]
			if !ds.seen {
				ds.seen = true
				acc.touched = append(acc.touched, p.doc)
			}
			ds.score += int64(wiFixed * p.tf)
			if p.asked {
				ds.got += gotAsked
			} else {
				ds.got += gotAnswer
			}
			ds.words += word
		}
	}
	var exact []int32
	if len(acc.touched) > 0 {
		var buf [256]byte
		exact = ix.exact[string(appendWordKey(buf[:0], qWords))]
	}
	// One allocation for both lists; the full slice expressions keep
	// either from growing into the other.
	hits := make([]Hit, 2*(n+1))
	all, own = hits[:0:n+1], hits[n+1:n+1:2*(n+1)]
	for _, d := range acc.touched {
		ds := &docs[d]
		if ds.score <= 0 {
			continue
		}
		h := Hit{Score: float64(ds.score) / fixedOne, Coverage: float64(ds.got) / float64(qInfo)}
		h.key = h.rank()
		// Most entries a question touches rank below the n kept: they are
		// turned away on their rank, before their entry is read (a cache
		// miss each) and the rest of their hit is worked out; a tie on the
		// rank goes to insertTop, which orders by id.
		toAll := len(all) < n || h.key >= all[n-1].key
		toOwn := !ix.starter[d] && (len(own) < n || h.key >= own[n-1].key)
		if !toAll && !toOwn {
			continue
		}
		h.Entry = ix.entries[d]
		h.Words, h.Exact = int(ds.words), slices.Contains(exact, int32(d))
		if toAll {
			all = insertTop(all, h, n)
		}
		if toOwn {
			own = insertTop(own, h, n)
		}
	}
	return all, own
}

// rank is what orders hits: the BM25 score, raised by the share of the
// question the entry holds, so that of two entries scoring alike the one
// that holds more of the question comes first (生了重病自付部分很多 meets
// 生病 in one entry's question, and 大病, 自付, 最多 in another's answer).
func (h Hit) rank() float64 { return h.Score * (1 + h.Coverage) }

// better orders hits made by SearchOwn (key set): higher rank first, then
// lower id.
func better(a, b *Hit) bool {
	if a.key != b.key {
		return a.key > b.key
	}
	return a.Entry.ID < b.Entry.ID
}

// insertTop keeps the best n hits in order.
func insertTop(top []Hit, h Hit, n int) []Hit {
	if len(top) == n && !better(&h, &top[n-1]) {
		return top
	}
	i := sort.Search(len(top), func(i int) bool { return better(&h, &top[i]) })
	if len(top) < n {
		top = append(top, Hit{})
	}
	copy(top[i+1:], top[i:])
	top[i] = h
	return top
}
