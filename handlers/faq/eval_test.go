package faq_test

import (
	"os"
	"testing"

	"gopkg.in/yaml.v3"

	"unionbot/handlers/faq"
)

// MustEngine returns an engine loaded with the default knowledge base.
func MustEngine(tb testing.TB) *faq.Engine {
	tb.Helper()
	e, err := faq.NewEngine()
	if err != nil {
		tb.Fatal(err)
	}
	entries, err := faq.DefaultEntries()
	if err != nil {
		tb.Fatal(err)
	}
	for i, en := range entries {
		en.ID, en.Source = int64(i+1), faq.SourceStarter
	}
	e.Load(entries)
	return e
}

// TestEval runs testdata/eval.yaml: top-1 accuracy must be at least 90% and
// confident wrong answers (including answering a question the base has no
// entry for) under 3%.
func TestEval(t *testing.T) { runEval(t, "testdata/eval.yaml", 0.90) }

// TestHoldout runs 30 questions written after the engine was tuned on
// eval.yaml (73.3% then; one later change, indexing answers, was checked on
// it too). It guards against regressions: below 70%, or any rise of
// confident wrong answers to 3%, fails.
func TestHoldout(t *testing.T) { runEval(t, "testdata/holdout.yaml", 0.70) }

func runEval(t *testing.T, path string, minAccuracy float64) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Q    string `yaml:"q"`
		Want string `yaml:"want"`
		Trad bool   `yaml:"traditional"`
	}
	if err := yaml.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	e := MustEngine(t)
	var inBase, top1, confident, confidentWrong, trad, tradTop1 int
	levels := map[faq.Confidence]int{}
	for _, c := range cases {
		m := e.Ask(c.Q)
		got := ""
		if b := m.Best(); b != nil {
			got = b.Entry.Question
		}
		levels[m.Confidence]++
		if m.Confidence == faq.High {
			confident++
			if got != c.Want || c.Want == "" {
				confidentWrong++
				t.Logf("confident and wrong: %q -> %q, want %q", c.Q, got, c.Want)
			}
		}
		if c.Want == "" {
			continue
		}
		inBase++
		if c.Trad {
			trad++
		}
		if got == c.Want {
			top1++
			if c.Trad {
				tradTop1++
			}
		} else {
			cov := 0.0
			if b := m.Best(); b != nil {
				cov = b.Coverage
			}
			t.Logf("miss: %q -> %q (%.2f), want %q", c.Q, got, cov, c.Want)
		}
	}
	acc := float64(top1) / float64(inBase)
	wrong := float64(confidentWrong) / float64(len(cases))
	t.Logf("%s: %d questions (%d in base, %d traditional); top-1 %d/%d = %.1f%% (traditional %d/%d); levels high=%d middle=%d low=%d; confident wrong %d = %.1f%%",
		path, len(cases), inBase, trad, top1, inBase, 100*acc, tradTop1, trad, levels[faq.High], levels[faq.Middle], levels[faq.Low], confidentWrong, 100*wrong)
	if acc < minAccuracy {
		t.Errorf("top-1 accuracy %.1f%%, want ≥ %.0f%%", 100*acc, 100*minAccuracy)
	}
	if wrong >= 0.03 {
		t.Errorf("confident wrong answers %.1f%%, want < 3%%", 100*wrong)
	}
}
