package storage

import (
	"context"
	"path/filepath"
	"testing"

	"unionbot/handlers/faq"
)

// TestMigrateFAQSource: on a database from before migration 8, the entries
// still as seeded are the starter set and everything a union imported or
// edited is its own.
func TestMigrateFAQSource(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "old.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	defaults, err := faq.DefaultEntries()
	if err != nil {
		t.Fatal(err)
	}
	seeded := []*faq.Entry{defaults[0], defaults[1]}
	if _, _, err := db.UpsertFAQ(ctx, seeded, "default"); err != nil {
		t.Fatal(err)
	}
	edited := []*faq.Entry{{Question: defaults[2].Question, Answer: "本校：每月工资的0.5%。", Enabled: true},
		{Question: "食堂几点开饭？", Answer: "十一点半。", Enabled: true}}
	if _, _, err := db.UpsertFAQ(ctx, edited, "api"); err != nil {
		t.Fatal(err)
	}
	// As the rows were before: no source yet (the column's default).
	if err := db.conn(ctx).Model(&faqRow{}).Where("1 = 1").Update("source", faq.SourceUnion).Error; err != nil {
		t.Fatal(err)
	}
	if err := migrateFAQSource(db.conn(ctx)); err != nil {
		t.Fatal(err)
	}
	list, err := db.ListFAQ(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{defaults[0].Question: faq.SourceStarter, defaults[1].Question: faq.SourceStarter,
		defaults[2].Question: faq.SourceUnion, "食堂几点开饭？": faq.SourceUnion}
	for _, e := range list {
		if e.Source != want[e.Question] {
			t.Errorf("%q source = %q, want %q", e.Question, e.Source, want[e.Question])
		}
	}
}
