package storage_test

import (
	"context"
	"slices"
	"testing"

	"unionbot"
	"unionbot/handlers/faq"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// TestFAQSources: a union's file makes an entry its own (even one with a
// starter entry's question), replace deletes only the union's entries the
// file lacks, and a source is switched off in one statement.
func TestFAQSources(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		starter := []*faq.Entry{{Question: "体检什么时候？", Answer: "以本校通知为准。", Source: faq.SourceStarter, Enabled: true},
			{Question: "什么是五必访？", Answer: "五必访是……", Source: faq.SourceStarter, Enabled: true}}
		if _, _, err := db.UpsertFAQ(ctx, starter, "default"); err != nil {
			t.Fatal(err)
		}
		v1, err := db.FAQVersion(ctx)
		if err != nil {
			t.Fatal(err)
		}
		own := []*faq.Entry{{Question: "体检什么时候？", Answer: "今年体检安排在4月。", Enabled: true},
			{Question: "食堂几点开饭？", Answer: "十一点半。", Enabled: true}}
		if _, _, err := db.UpsertFAQ(ctx, own, "api"); err != nil {
			t.Fatal(err)
		}
		if own[0].Source != faq.SourceUnion || own[0].ID != starter[0].ID {
			t.Fatalf("re-imported starter question = %+v, want the same row, now the union's", own[0])
		}
		created, updated, removed, err := db.ReplaceFAQ(ctx, []*faq.Entry{{Question: "饭卡在哪充值？", Answer: "一楼。", Enabled: true}}, "api")
		if err != nil || created != 1 || updated != 0 || removed != 2 {
			t.Fatalf("ReplaceFAQ = %d, %d, %d, %v; want 1, 0, 2", created, updated, removed, err)
		}
		list, _ := db.ListFAQ(ctx)
		var got []string
		for _, e := range list {
			got = append(got, e.Source+":"+e.Question)
		}
		if want := []string{"starter:什么是五必访？", "union:饭卡在哪充值？"}; !slices.Equal(got, want) {
			t.Fatalf("after replace: %v, want %v", got, want)
		}
		if v2, _ := db.FAQVersion(ctx); v2 == v1 {
			t.Fatalf("FAQVersion did not change: %q", v2)
		}
		n, err := db.SetFAQSourceEnabled(ctx, faq.SourceStarter, false, "admin")
		if err != nil || n != 1 {
			t.Fatalf("SetFAQSourceEnabled = %d, %v; want 1", n, err)
		}
		if n, _ := db.SetFAQSourceEnabled(ctx, faq.SourceStarter, false, "admin"); n != 0 {
			t.Fatalf("switching off again changed %d, want 0", n)
		}
	})
}

// TestFAQAttach: a logged question becomes an alternate of an entry and is
// marked attached, once; unknown ids are ENOTFOUND.
func TestFAQAttach(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		entries := []*faq.Entry{{Question: "饭卡在哪充值？", Answer: "一楼。", Alternates: []string{"饭卡充值"}, Enabled: true}}
		if _, _, err := db.UpsertFAQ(ctx, entries, "api"); err != nil {
			t.Fatal(err)
		}
		q := &faq.Question{UserID: "t001", Text: "食堂卡没钱了去哪弄", Status: faq.StatusUnhelpful, EntryID: entries[0].ID}
		if err := db.LogQuestion(ctx, q); err != nil || q.EntryID != entries[0].ID || q.Status != faq.StatusUnhelpful {
			t.Fatalf("LogQuestion = %+v, %v", q, err)
		}
		for i := 0; i < 2; i++ {
			e, err := db.AttachQuestion(ctx, q.ID, entries[0].ID, "admin")
			if err != nil || !slices.Equal(e.Alternates, []string{"饭卡充值", "食堂卡没钱了去哪弄"}) {
				t.Fatalf("AttachQuestion #%d = %+v, %v", i+1, e, err)
			}
		}
		got, err := db.GetQuestion(ctx, q.ID)
		if err != nil || got.Status != faq.StatusAttached || got.EntryID != entries[0].ID {
			t.Fatalf("attached question = %+v, %v", got, err)
		}
		if _, err := db.AttachQuestion(ctx, 9999, entries[0].ID, "admin"); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			t.Fatalf("unknown question: %v", err)
		}
		if _, err := db.AttachQuestion(ctx, q.ID, 9999, "admin"); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			t.Fatalf("unknown entry: %v", err)
		}
	})
}
