package faq

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"unionbot"
)

// reloadEvery is how often the index is rebuilt from the store, so that an
// import on another replica reaches this one.
const reloadEvery = time.Minute

// Service is the FAQ feature: it keeps the engine's index in step with the
// store and answers questions for the chat and the admin API.
type Service struct {
	Store  Store
	Engine *Engine
	Admins []string // who gets 转人工 questions
	Logger *slog.Logger
	Now    func() time.Time

	mu       sync.Mutex
	loadedAt time.Time
}

// NewService builds the engine (dictionaries) for store.
func NewService(store Store, admins []string, logger *slog.Logger) (*Service, error) {
	e, err := NewEngine()
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.Default()
	}
	return &Service{Store: store, Engine: e, Admins: admins, Logger: logger, Now: time.Now}, nil
}

// Start seeds the default knowledge base into an empty store and loads the
// index.
func (s *Service) Start(ctx context.Context) error {
	list, err := s.Store.ListFAQ(ctx)
	if err != nil {
		return err
	}
	if len(list) == 0 {
		defaults, err := DefaultEntries()
		if err != nil {
			return fmt.Errorf("faq: default entries: %w", err)
		}
		_, _, err = s.Store.UpsertFAQ(ctx, defaults, "default")
		switch {
		case unionbot.ErrorCode(err) == unionbot.ECONFLICT:
			// Another replica seeded at the same moment; its rows are ours.
		case err != nil:
			return fmt.Errorf("faq: seed defaults: %w", err)
		default:
			s.Logger.Info("faq: seeded the default knowledge base", "entries", len(defaults))
		}
	}
	return s.Reload(ctx)
}

// Reload rebuilds the index from the store.
func (s *Service) Reload(ctx context.Context) error {
	list, err := s.Store.ListFAQ(ctx)
	if err != nil {
		return err
	}
	s.Engine.Load(list)
	s.mu.Lock()
	s.loadedAt = s.Now()
	s.mu.Unlock()
	return nil
}

func (s *Service) maybeReload(ctx context.Context) {
	s.mu.Lock()
	stale := s.Now().Sub(s.loadedAt) > reloadEvery
	s.mu.Unlock()
	if stale {
		if err := s.Reload(ctx); err != nil {
			s.Logger.Warn("faq: reload", "err", err)
		}
	}
}

// SetEnabled turns an entry on or off (a disabled entry is kept but never
// answered) and reloads the index.
func (s *Service) SetEnabled(ctx context.Context, id int64, enabled bool, by string) (*Entry, error) {
	e, err := s.Store.SetFAQEnabled(ctx, id, enabled, by)
	if err != nil {
		return nil, err
	}
	return e, s.Reload(ctx)
}

// Ask matches a question against the current knowledge base.
func (s *Service) Ask(ctx context.Context, question string) Match {
	s.maybeReload(ctx)
	return s.Engine.Ask(question)
}

// Import creates or updates entries by standard question and reloads.
func (s *Service) Import(ctx context.Context, entries []*Entry, by string) (created, updated int, err error) {
	if len(entries) == 0 {
		return 0, 0, unionbot.Errorf(unionbot.EINVALID, "文件里没有问答条目。")
	}
	created, updated, err = s.Store.UpsertFAQ(ctx, entries, by)
	if err != nil {
		return 0, 0, err
	}
	return created, updated, s.Reload(ctx)
}

// AskResult is the admin API's view of a match.
type AskResult struct {
	Answer       string        `json:"answer"`
	FAQID        int64         `json:"faq_id"`
	Question     string        `json:"question"`
	Score        float64       `json:"score"`
	Confidence   Confidence    `json:"confidence"`
	Alternatives []Alternative `json:"alternatives"`
}

// Alternative is a runner-up entry.
type Alternative struct {
	FAQID    int64   `json:"faq_id"`
	Question string  `json:"question"`
	Score    float64 `json:"score"`
}

// Result renders a match for the API. Score is the coverage, 0..1; the
// answer is empty when the confidence is low.
func (s *Service) Result(m Match) AskResult {
	r := AskResult{Confidence: m.Confidence, Alternatives: []Alternative{}}
	for i, h := range m.Hits {
		if i == 0 {
			r.FAQID, r.Score = h.Entry.ID, round(h.Coverage)
			r.Question = s.Engine.QuestionText(h.Entry, m.Traditional)
			if m.Confidence != Low {
				r.Answer = s.Engine.AnswerText(h.Entry, m.Traditional)
			}
			continue
		}
		r.Alternatives = append(r.Alternatives, Alternative{FAQID: h.Entry.ID,
			Question: s.Engine.QuestionText(h.Entry, m.Traditional), Score: round(h.Coverage)})
	}
	return r
}

func round(f float64) float64 { return float64(int(f*1000+0.5)) / 1000 }

// suggestion renders 您是不是想问 with numbered questions.
func (s *Service) suggestion(m Match) string {
	var b strings.Builder
	b.WriteString(s.say(textSuggestHead, m.Traditional))
	for i, h := range m.Hits {
		fmt.Fprintf(&b, "\n%d. %s", i+1, s.Engine.QuestionText(h.Entry, m.Traditional))
	}
	b.WriteString("\n" + s.say(textSuggestTail, m.Traditional))
	return b.String()
}
