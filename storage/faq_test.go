package storage_test

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"unionbot"
	"unionbot/handlers/faq"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

func TestFAQUpsert(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		entries := []*faq.Entry{
			{Question: "体检什么时候？", Alternates: []string{"今年体检几月", "体检去哪个医院"}, Keywords: []string{"体检"},
				Answer: "看通知。", Category: "健康", Enabled: true},
			{Question: "会费交多少？", Answer: "0.5%。", Enabled: true},
		}
		created, updated, err := db.UpsertFAQ(ctx, entries, "admin01")
		if err != nil || created != 2 || updated != 0 {
			t.Fatalf("UpsertFAQ = %d, %d, %v; want 2, 0, nil", created, updated, err)
		}
		// Re-importing the same question updates it, in place.
		again := []*faq.Entry{{Question: "体检什么时候？", Answer: "十月。", Alternates: []string{"体检几月"}, Enabled: true}}
		created, updated, err = db.UpsertFAQ(ctx, again, "admin02")
		if err != nil || created != 0 || updated != 1 {
			t.Fatalf("re-import = %d, %d, %v; want 0, 1, nil", created, updated, err)
		}
		list, err := db.ListFAQ(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(list), 2; got != want {
			t.Fatalf("entries = %d, want %d", got, want)
		}
		got := list[0]
		if got.ID != entries[0].ID || got.Answer != "十月。" || got.UpdatedBy != "admin02" || !got.Enabled {
			t.Fatalf("entry = %+v", got)
		}
		if diff := cmp.Diff([]string{"体检几月"}, got.Alternates); diff != "" {
			t.Fatalf("alternates (-want +got):\n%s", diff)
		}
		_, _, err = db.UpsertFAQ(ctx, []*faq.Entry{{Question: "没有答案"}}, "admin01")
		if unionbot.ErrorCode(err) != unionbot.EINVALID {
			t.Fatalf("entry without answer: err = %v, want EINVALID", err)
		}
	})
}

func TestFAQQuestions(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		q := &faq.Question{UserID: "t001", Text: "食堂几点开饭"}
		if err := db.LogQuestion(ctx, q); err != nil || q.ID == 0 || q.Status != faq.StatusUnanswered {
			t.Fatalf("LogQuestion = %+v, %v", q, err)
		}
		err := db.HandOff(ctx, q, func(id int64) []*unionbot.Notice {
			return []*unionbot.Notice{{ToUsers: []string{"admin01"}, Text: "转人工", Kind: "faq", Ref: "faq-q"}}
		})
		if err != nil || q.Status != faq.StatusHanded {
			t.Fatalf("HandOff = %+v, %v", q, err)
		}
		n := &unionbot.Notice{ToUsers: []string{"t001"}, Text: "十一点半。", Kind: "faq"}
		if err := db.AnswerQuestion(ctx, q.ID, "admin01", "十一点半。", n); err != nil {
			t.Fatal(err)
		}
		got, err := db.GetQuestion(ctx, q.ID)
		if err != nil || got.Status != faq.StatusAnswered || got.Reply != "十一点半。" || got.AnsweredAt.IsZero() {
			t.Fatalf("GetQuestion = %+v, %v", got, err)
		}
		if err := db.AnswerQuestion(ctx, 9999, "admin01", "x", n); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			t.Fatalf("answer missing: err = %v, want ENOTFOUND", err)
		}
		notices, err := db.ListNotices(ctx, "faq", 10)
		if err != nil || len(notices) != 2 {
			t.Fatalf("faq notices = %d, %v; want 2", len(notices), err)
		}
		open, err := db.ListQuestions(ctx, faq.StatusHanded, 10)
		if err != nil || len(open) != 0 {
			t.Fatalf("handed questions = %d, %v; want 0", len(open), err)
		}
	})
}
