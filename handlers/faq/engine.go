package faq

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

//go:embed default_faq.yaml
var defaultFAQ []byte

// DefaultEntries returns the knowledge base the bot ships with.
func DefaultEntries() ([]*Entry, error) {
	return ParseYAML(defaultFAQ)
}

// Confidence says what the bot does with a match.
type Confidence string

// Confidence levels.
const (
	High   Confidence = "high"   // answer
	Middle Confidence = "middle" // offer the best few: 您是不是想问
	Low    Confidence = "low"    // say so, offer 转人工, log the question
)

// Thresholds on a hit's coverage (the share of the question's IDF-weighted
// terms found in the entry) and on its lead over the runner-up; an answer
// also needs two words of the question in the entry, so one generic word
// (咨询, 会费) gets choices, not an answer — unless the question says, in
// the base's words, exactly what one standard question or alternate says. Chosen on
// the evaluation set's score distribution, see eval_test.go.
const (
	highCoverage   = 0.55
	highLead       = 1.25 // best BM25 score at least this many times the second's
	middleCoverage = 0.25
	// relatedCoverage is the least a low-confidence hit needs to be listed
	// as related under the 不会回答 reply.
	relatedCoverage = 0.1
	maxChoices      = 3
)

// Match is the outcome of a question.
type Match struct {
	Confidence  Confidence
	Hits        []Hit // best first; at most maxChoices
	Traditional bool  // the teacher wrote in traditional characters
}

// Best is the top hit, or nil.
func (m Match) Best() *Hit {
	if len(m.Hits) == 0 {
		return nil
	}
	return &m.Hits[0]
}

// Engine holds the current index; it is safe for concurrent use and is
// rebuilt whole when the knowledge base changes.
type Engine struct {
	Script *Script
	seg    *Segmenter

	mu sync.RWMutex
	ix *Index
}

// NewEngine loads the dictionaries; Load gives it entries.
func NewEngine() (*Engine, error) {
	sc := NewScript()
	seg, err := NewSegmenter(sc)
	if err != nil {
		return nil, fmt.Errorf("faq: load segmentation dictionary: %w", err)
	}
	e := &Engine{Script: sc, seg: seg}
	e.ix = NewIndex(seg, nil)
	return e, nil
}

// Load replaces the index with one over entries (disabled ones are skipped).
func (e *Engine) Load(entries []*Entry) {
	ix := NewIndex(e.seg, entries)
	e.mu.Lock()
	e.ix = ix
	e.mu.Unlock()
}

// Len is the number of entries the bot can answer from.
func (e *Engine) Len() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.ix.Len()
}

// Ask matches a question against the knowledge base.
func (e *Engine) Ask(question string) Match {
	e.mu.RLock()
	ix := e.ix
	e.mu.RUnlock()
	m := Match{Confidence: Low, Traditional: e.Script.IsTraditional(question)}
	m.Hits = ix.Search(question, maxChoices)
	if len(m.Hits) == 0 {
		return m
	}
	best := m.Hits[0]
	lead := true
	if len(m.Hits) > 1 {
		lead = best.Score >= highLead*m.Hits[1].Score
	}
	exactlyOne := best.Exact && (len(m.Hits) == 1 || !m.Hits[1].Exact)
	switch {
	case exactlyOne:
		m.Confidence = High
	case best.Coverage >= highCoverage && lead && best.Words >= 2:
		m.Confidence = High
	case best.Coverage >= middleCoverage:
		m.Confidence = Middle
	}
	return m
}

// AnswerText is an entry's answer in the script the teacher wrote in: the
// stored text as it is, or converted to traditional when the teacher wrote
// traditional and the stored text is simplified.
func (e *Engine) AnswerText(en *Entry, traditional bool) string {
	if traditional && !e.Script.IsTraditional(en.Answer) {
		return e.Script.ToTraditional(en.Answer)
	}
	return en.Answer
}

// QuestionText is an entry's standard question in the teacher's script.
func (e *Engine) QuestionText(en *Entry, traditional bool) string {
	if traditional && !e.Script.IsTraditional(en.Question) {
		return e.Script.ToTraditional(en.Question)
	}
	return en.Question
}

// ParseYAML reads entries: a list of {question, answer, alternates,
// keywords, category}; alternates and keywords may be a list or one
// |-separated string. EINVALID-worthy problems come back as plain errors
// naming the entry; the caller wraps them.
func ParseYAML(data []byte) ([]*Entry, error) {
	var raw []struct {
		Question   string    `yaml:"question"`
		Answer     string    `yaml:"answer"`
		Alternates yaml.Node `yaml:"alternates"`
		Keywords   yaml.Node `yaml:"keywords"`
		Category   string    `yaml:"category"`
	}
	if err := yaml.Unmarshal(data, &raw); err != nil {
		return nil, fmt.Errorf("YAML 格式有误：%v", err)
	}
	var out []*Entry
	for i, r := range raw {
		alts, err := listField(&r.Alternates)
		if err != nil {
			return nil, fmt.Errorf("第 %d 条的 alternates %v", i+1, err)
		}
		kws, err := listField(&r.Keywords)
		if err != nil {
			return nil, fmt.Errorf("第 %d 条的 keywords %v", i+1, err)
		}
		out = append(out, &Entry{Question: r.Question, Answer: r.Answer, Alternates: alts,
			Keywords: kws, Category: r.Category, Enabled: true})
	}
	return out, nil
}

func listField(n *yaml.Node) ([]string, error) {
	switch n.Kind {
	case 0:
		return nil, nil
	case yaml.ScalarNode:
		return SplitList(n.Value), nil
	case yaml.SequenceNode:
		var items []string
		if err := n.Decode(&items); err != nil {
			return nil, fmt.Errorf("应为文字列表")
		}
		return cleanList(items), nil
	}
	return nil, fmt.Errorf("应为列表或以 | 分隔的文字")
}

// SplitList splits a |-separated field (full-width ｜ too).
func SplitList(s string) []string {
	return cleanList(strings.FieldsFunc(s, func(r rune) bool { return r == '|' || r == '｜' }))
}

func cleanList(items []string) []string {
	var out []string
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

// Entry returns the indexed entry with id, or nil.
func (e *Engine) Entry(id int64) *Entry {
	e.mu.RLock()
	defer e.mu.RUnlock()
	for _, en := range e.ix.entries {
		if en.ID == id {
			return en
		}
	}
	return nil
}
