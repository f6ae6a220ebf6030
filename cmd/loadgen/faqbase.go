package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"unicode/utf8"

	"gopkg.in/yaml.v3"
)

// runFAQBase imports a school-sized Q&A into a running bot through its
// admin API (POST /api/faq/import), as a union that typed up its own
// hundreds of questions would, for measuring the Q&A beyond the starter
// set: loadgen faqbase -url http://127.0.0.1:8080/wecom/callback -entries 880.
// The entries are made of the clauses of a real union work plan (the
// engine's benchmark does the same, BenchmarkAsk1000), two clauses each,
// so the vocabulary is a union's own and a question touches many entries.
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
	u, err := url.Parse(t.URL)
	if err != nil {
		return fmt.Errorf("-url: %w", err)
	}
	api := &apiClient{base: u.Scheme + "://" + u.Host, token: *token}
	var res struct {
		Created, Entries int
	}
	if err := api.do("POST", "/api/faq/import?format=yaml&mode=merge", body, &res); err != nil {
		return fmt.Errorf("import the Q&A: %w", err)
	}
	fmt.Fprintf(out, "imported %d Q&A entries; the bot answers from %d\n", res.Created, res.Entries)
	return nil
}

// faqBaseYAML is n entries made of text's clauses, as the import reads them.
func faqBaseYAML(text string, n int) (string, error) {
	var clauses []string
	for _, c := range strings.FieldsFunc(text, func(r rune) bool { return strings.ContainsRune("，。；！？,;!?\n:：、", r) }) {
		if c = strings.TrimSpace(c); utf8.RuneCountInString(c) >= 6 && utf8.RuneCountInString(c) <= 40 {
			clauses = append(clauses, c)
		}
	}
	if len(clauses) < 20 {
		return "", fmt.Errorf("the text has %d clauses of 6 to 40 characters; want 20 or more", len(clauses))
	}
	type entry struct {
		Question   string   `yaml:"question"`
		Alternates []string `yaml:"alternates"`
		Keywords   []string `yaml:"keywords"`
		Answer     string   `yaml:"answer"`
	}
	entries := make([]entry, n)
	for i := range entries {
		a, b := clauses[i%len(clauses)], clauses[(i*7+3)%len(clauses)]
		entries[i] = entry{Question: fmt.Sprintf("%s（%d）", a, i), Alternates: []string{b},
			Keywords: []string{clauses[(i*13+5)%len(clauses)]}, Answer: a + b}
	}
	out, err := yaml.Marshal(entries)
	return string(out), err
}
