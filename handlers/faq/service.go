package faq

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode"

	"unionbot"
	"unionbot/handlers/audit"
)

// checkEvery is how often a replica asks the store whether the knowledge
// base changed (a cheap count and latest change), so an import, an
// attached question or a switch on another replica reaches this one within
// that time; reloadEvery rebuilds regardless, as a backstop.
const (
	checkEvery  = 2 * time.Second
	reloadEvery = 10 * time.Minute
)

// Service is the FAQ feature: it keeps the engine's index in step with the
// store and answers questions for the chat and the admin API.
type Service struct {
	Store  Store
	Engine *Engine
	Admins []string // who gets 转人工 questions
	Logger *slog.Logger
	Now    func() time.Time
	// Events and Calendar answer "when / where is …" from the open sign-ups
	// and the annual plan before the Q&A; either may be nil.
	Events   Events
	Calendar Calendar
	Location *time.Location
	// Audit records staff changes (nil: none).
	Audit *audit.Service

	// cal keeps the open events' titles and the plan's items a moment.
	cal calendarCache

	mu        sync.Mutex
	loadedAt  time.Time
	checkedAt time.Time
	version   string
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
		for _, d := range defaults {
			d.Source = SourceStarter
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
	version, err := s.Store.FAQVersion(ctx)
	if err != nil {
		return err
	}
	list, err := s.Store.ListFAQ(ctx)
	if err != nil {
		return err
	}
	s.Engine.Load(list)
	s.mu.Lock()
	s.loadedAt, s.checkedAt, s.version = s.Now(), s.Now(), version
	s.mu.Unlock()
	return nil
}

// maybeReload rebuilds the index when another replica (or this one)
// changed the knowledge base since it was loaded.
func (s *Service) maybeReload(ctx context.Context) {
	now := s.Now()
	s.mu.Lock()
	due := now.Sub(s.checkedAt) >= checkEvery
	stale := now.Sub(s.loadedAt) > reloadEvery
	if due {
		s.checkedAt = now
	}
	known := s.version
	s.mu.Unlock()
	if !due {
		return
	}
	if !stale {
		v, err := s.Store.FAQVersion(ctx)
		if err != nil {
			s.Logger.Warn("faq: version", "err", err)
			return
		}
		stale = v != known
	}
	if stale {
		if err := s.Reload(ctx); err != nil {
			s.Logger.Warn("faq: reload", "err", err)
		}
	}
}

// SetEnabled turns an entry on or off (a disabled entry is kept but never
// answered) and reloads the index.
func (s *Service) SetEnabled(ctx context.Context, id int64, enabled bool, by string) (*Entry, error) {
	ctx, rec := s.Audit.Begin(ctx, "faq.enabled", fmt.Sprintf("faq:%d", id))
	rec.Before(map[string]bool{"enabled": !enabled})
	rec.After(map[string]bool{"enabled": enabled})
	e, err := s.Store.SetFAQEnabled(ctx, id, enabled, by)
	s.Audit.Finish(ctx, rec, err)
	if err != nil {
		return nil, err
	}
	return e, s.Reload(ctx)
}

// UseOwnOnly is the console's 只用本校问答: every starter entry is switched
// off (on again with own=false) and the index reloaded. It returns how many
// entries changed.
func (s *Service) UseOwnOnly(ctx context.Context, own bool, by string) (int, error) {
	ctx, rec := s.Audit.Begin(ctx, "faq.own_only", "faq:"+SourceStarter)
	rec.Before(map[string]bool{"starter_enabled": own})
	rec.After(map[string]bool{"starter_enabled": !own})
	n, err := s.Store.SetFAQSourceEnabled(ctx, SourceStarter, !own, by)
	rec.Note(fmt.Sprintf("%d 条", n))
	s.Audit.Finish(ctx, rec, err)
	if err != nil {
		return 0, err
	}
	return n, s.Reload(ctx)
}

// Ask matches a question against the current knowledge base.
func (s *Service) Ask(ctx context.Context, question string) Match {
	return s.ask(ctx, question, s.normal(question))
}

// ask is Ask of a question normalised already (nq).
func (s *Service) ask(ctx context.Context, question string, nq normalQuestion) Match {
	s.maybeReload(ctx)
	return s.Engine.ask(question, nq)
}

// normal is question's normal forms in the engine's script conversion.
func (s *Service) normal(question string) normalQuestion {
	return normalQuestionOf(s.Engine.Script, question)
}

// Import modes of POST /api/faq/import.
const (
	ModeMerge   = "merge"   // add and update by standard question; keep the rest
	ModeReplace = "replace" // the file becomes the union's own entries: the others are deleted
)

// ImportResult says what an import changed.
type ImportResult struct {
	Mode    string `json:"mode"`
	Created int    `json:"created"`
	Updated int    `json:"updated"`
	Removed int    `json:"removed"`
	Entries int    `json:"entries"` // entries the bot answers from now
}

// Import creates or updates the union's entries by standard question and
// reloads. mode is ModeMerge ("" too) or ModeReplace, which also deletes
// the union's entries the file lacks; the starter set is never deleted.
// EINVALID for an empty list, an unknown mode or a bad entry.
func (s *Service) Import(ctx context.Context, entries []*Entry, by, mode string) (ImportResult, error) {
	return s.importAs(ctx, "faq.import", entries, by, mode)
}

// SaveEntry creates or updates one of the union's entries by its standard
// question (the console's form, an admin's 存为问答); see Import.
func (s *Service) SaveEntry(ctx context.Context, e *Entry, by string) error {
	_, err := s.importAs(ctx, "faq.entry", []*Entry{e}, by, ModeMerge)
	return err
}

// importAs is Import recorded in the audit log as action.
func (s *Service) importAs(ctx context.Context, action string, entries []*Entry, by, mode string) (ImportResult, error) {
	if mode == "" {
		mode = ModeMerge
	}
	r := ImportResult{Mode: mode}
	if mode != ModeMerge && mode != ModeReplace {
		return r, unionbot.Errorf(unionbot.EINVALID, "mode 应为 merge（合并，默认）或 replace（替换本校问答）。")
	}
	if len(entries) == 0 {
		return r, unionbot.Errorf(unionbot.EINVALID, "文件里没有问答条目。")
	}
	if len(entries) > MaxImportEntries {
		return r, unionbot.Errorf(unionbot.EINVALID, textImportTooMany, MaxImportEntries, len(entries))
	}
	for _, e := range entries {
		if e.Source == "" {
			e.Source = SourceUnion
		}
	}
	ctx, rec := s.Audit.Begin(ctx, action, "faq")
	imported := make([]map[string]string, len(entries))
	for i, e := range entries {
		imported[i] = map[string]string{"question": e.Question, "answer": e.Answer}
	}
	rec.After(map[string]any{"mode": mode, "entries": imported})
	var err error
	defer func() { s.Audit.Finish(ctx, rec, err) }()
	if mode == ModeReplace {
		r.Created, r.Updated, r.Removed, err = s.Store.ReplaceFAQ(ctx, entries, by)
	} else {
		r.Created, r.Updated, err = s.Store.UpsertFAQ(ctx, entries, by)
	}
	if err != nil {
		return r, err
	}
	err = s.Reload(ctx)
	r.Entries = s.Engine.Len()
	return r, err
}

// Attach makes a logged question (unanswered, unhelpful or handed over) an
// alternate of the entry that should have answered it, and reloads: the
// entry answers it from the next message on, on every replica within
// checkEvery. ENOTFOUND for an unknown question or entry.
func (s *Service) Attach(ctx context.Context, questionID, entryID int64, by string) (*Entry, error) {
	ctx, rec := s.Audit.Begin(ctx, "faq.attach", fmt.Sprintf("faq:%d", entryID))
	rec.After(map[string]int64{"question": questionID, "entry": entryID})
	e, err := s.Store.AttachQuestion(ctx, questionID, entryID, by)
	s.Audit.Finish(ctx, rec, err)
	if err != nil {
		return nil, err
	}
	return e, s.Reload(ctx)
}

// Feedback lists what staff should look at, newest first: questions handed
// to a person, questions the bot could not answer and answers teachers
// said were no use (limit each).
func (s *Service) Feedback(ctx context.Context, limit int) ([]*Question, error) {
	var out []*Question
	for _, status := range []string{StatusHanded, StatusUnanswered, StatusUnhelpful} {
		list, err := s.Store.ListQuestions(ctx, status, limit)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
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
	b.WriteString("\n" + s.say(s.pick(textSuggestTail, textSuggestTailNoAdmin), m.Traditional))
	return b.String()
}

// MaxImportEntries caps one import; the file itself is capped in bytes by
// the faces that read it (web.MaxFAQFile).
const MaxImportEntries = 2000

// Entries lists every entry, starter and the union's own, for the API, the
// console and the export.
func (s *Service) Entries(ctx context.Context) ([]*Entry, error) { return s.Store.ListFAQ(ctx) }

// Questions lists the logged questions of a status ("" for all), newest
// first, at most limit.
func (s *Service) Questions(ctx context.Context, status string, limit int) ([]*Question, error) {
	return s.Store.ListQuestions(ctx, status, limit)
}

// Ignore dismisses questions from the list staff look at (忽略): a question
// that is not one (asdfgh, ？？？) or one already dealt with.
func (s *Service) Ignore(ctx context.Context, ids []int64) error {
	ctx, rec := s.Audit.Begin(ctx, "faq.ignore", "faq-questions")
	rec.After(map[string]any{"questions": ids, "status": StatusIgnored})
	err := s.Store.SetQuestionStatus(ctx, ids, StatusIgnored)
	s.Audit.Finish(ctx, rec, err)
	return err
}

// SameQuestion is the key that groups questions asked in the same words
// (punctuation, spaces and script aside), for the console.
func (s *Service) SameQuestion(text string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, s.Engine.Script.ToSimplified(fold(text)))
}

// worthLogging reports whether text looks like a question at all: two
// Chinese characters at least (not ？？？, asdfgh or a row of emoji).
func worthLogging(text string) bool {
	n := 0
	for _, r := range text {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n >= 2
}
