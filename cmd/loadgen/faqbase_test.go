package main

import (
	"os"
	"testing"

	"unionbot/handlers/faq"
)

// TestFAQBaseYAML: the generated base is what the import reads, entry for
// entry, each with its question, alternate, keyword and answer, and no two
// questions alike (the import merges by question).
func TestFAQBaseYAML(t *testing.T) {
	data, err := os.ReadFile("../../handlers/faq/testdata/seed-plans.txt")
	if err != nil {
		t.Fatal(err)
	}
	body, err := faqBaseYAML(string(data), 880)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := faq.ParseFile([]byte(body), "yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 880 {
		t.Fatalf("%d entries read, want 880", len(entries))
	}
	seen := map[string]bool{}
	for _, e := range entries {
		if e.Question == "" || e.Answer == "" || len(e.Alternates) != 1 || len(e.Keywords) != 1 || seen[e.Question] {
			t.Fatalf("entry %+v", e)
		}
		seen[e.Question] = true
	}
	if _, err := faqBaseYAML("太短了。", 10); err == nil {
		t.Fatal("a text without clauses made a base")
	}
}
