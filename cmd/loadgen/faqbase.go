package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"gopkg.in/yaml.v3"

	"unionbot/handlers/faq/faqtest"
)

// runFAQBase imports a school-sized Q&A into a running bot through its
// admin API (POST /api/faq/import), as a union that typed up its own
// hundreds of questions would, for measuring the Q&A beyond the starter
// set: loadgen faqbase -url http://127.0.0.1:8080/wecom/callback -entries 880.
// The entries are made of the clauses of a real union work plan, as the
// engine's BenchmarkAsk1000 makes its base (faqtest.PlanEntries).
func runFAQBase(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("loadgen faqbase", flag.ContinueOnError)
	var t target
	t.flags(fs, getenv)
	n := fs.Int("entries", 880, "entries to import (with the 41 of the starter set, about 920)")
	text := fs.String("text", "handlers/faq/testdata/seed-plans.txt", "the plan text the entries are made of")
	token := fs.String("admin-token", getenv("UNIONBOT_ADMIN_TOKEN"), "admin API token (UNIONBOT_ADMIN_TOKEN)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	data, err := os.ReadFile(*text)
	if err != nil {
		return err
	}
	body, err := faqBaseYAML(string(data), *n)
	if err != nil {
		return err
	}
	api, err := adminAPI(t, *token)
	if err != nil {
		return err
	}
	var res struct {
		Created, Entries int
	}
	if err := api.do("POST", "/api/faq/import?format=yaml&mode=merge", body, &res); err != nil {
		return fmt.Errorf("import the Q&A: %w", err)
	}
	fmt.Fprintf(out, "imported %d Q&A entries; the bot answers from %d\n", res.Created, res.Entries)
	return nil
}

// faqBaseYAML is n entries made of text's clauses (faqtest.PlanEntries),
// as the import reads them.
func faqBaseYAML(text string, n int) (string, error) {
	entries, err := faqtest.PlanEntries(text, n)
	if err != nil {
		return "", err
	}
	type entry struct {
		Question   string   `yaml:"question"`
		Alternates []string `yaml:"alternates"`
		Keywords   []string `yaml:"keywords"`
		Answer     string   `yaml:"answer"`
	}
	out := make([]entry, len(entries))
	for i, e := range entries {
		out[i] = entry{e.Question, e.Alternates, e.Keywords, e.Answer}
	}
	b, err := yaml.Marshal(out)
	return string(b), err
}
