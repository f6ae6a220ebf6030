package storage_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"unionbot"
	"unionbot/handlers/announce"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// counts is an import's diff in numbers.
type counts struct{ added, changed, removed, unchanged int }

// mustImport imports text as the plan of 2026; announced are the months
// already announced.
func mustImport(t *testing.T, db *storage.DB, text string, announced ...announce.YM) counts {
	t.Helper()
	p, err := announce.ParsePlan(text, 2026)
	if err != nil {
		t.Fatal(err)
	}
	items := announce.ItemsFromPlan(p, 2026)
	d, err := db.ImportPlan(context.Background(), 2026, func(old []*announce.Item) *announce.Diff {
		return announce.DiffPlan(old, items, func(ym announce.YM) bool {
			for _, a := range announced {
				if a == ym {
					return true
				}
			}
			return false
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return counts{len(d.Added), len(d.Changed), len(d.Removed), d.Unchanged}
}

func titles(t *testing.T, db *storage.DB, year, month int) []string {
	t.Helper()
	items, err := db.ListItems(context.Background(), year, month)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range items {
		out = append(out, it.Title)
	}
	return out
}

func TestImportItems(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		plan := "三月份：\n1、庆祝三八妇女节\n2、学习新《婚姻法》\n十二、一月份\n1、迎新年联欢"
		if got, want := mustImport(t, db, plan), (counts{added: 4}); got != want {
			t.Fatalf("first import = %+v, want %+v", got, want)
		}
		manual := &announce.Item{Year: 2026, Month: 3, Day: 12, Title: "植树节义务劳动", Audience: "department:语文组"}
		if err := db.AddItem(ctx, manual); err != nil {
			t.Fatal(err)
		}
		if got, want := mustImport(t, db, plan), (counts{unchanged: 4}); got != want {
			t.Fatalf("same import again = %+v, want %+v (nothing changed)", got, want)
		}
		corrected := "三月份：\n1、庆祝三八妇女节\n2、学习新《民法典》\n十二月份\n1、迎新年联欢"
		// 《婚姻法》 → 《民法典》 is a change in place; January 2027 is gone.
		if got, want := mustImport(t, db, corrected), (counts{changed: 1, removed: 1, unchanged: 2}); got != want {
			t.Fatalf("corrected import = %+v, want %+v", got, want)
		}
		if diff := cmp.Diff([]string{"庆祝三八妇女节", "学习新《民法典》", "植树节义务劳动"}, titles(t, db, 2026, 3)); diff != "" {
			t.Fatalf("March after the corrected import (-want +got):\n%s", diff)
		}
		if got := titles(t, db, 2027, 1); len(got) != 0 {
			t.Fatalf("January 2027 = %q, want it gone with the correction", got)
		}
		items, _ := db.ListItems(ctx, 2026, 3)
		if got := items[2]; got.Source != announce.SourceManual || got.Day != 12 || got.Audience != "department:语文组" {
			t.Fatalf("manual item = %+v", got)
		}
	})
}

// TestImportPlanAnnounced: a revised plan changes items in place; an item
// of a month already announced that the plan drops stays, marked changed,
// and a changed one is marked too.
func TestImportPlanAnnounced(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		mustImport(t, db, "三月份：\n1、3月8日 庆祝三八妇女节\n2、植树节义务劳动\n四月份：\n1、教工运动会\n2、春游")
		march := announce.YM{Year: 2026, Month: 3}
		got := mustImport(t, db, "三月份：\n1、3月8日 庆祝三八妇女节暨表彰会\n四月份：\n1、教工运动会\n2、教工登山", march)
		// 三八 changed (marked, March announced), 植树 kept (marked), 春游 removed, 登山 added.
		if want := (counts{added: 1, changed: 2, removed: 1, unchanged: 1}); got != want {
			t.Fatalf("re-import = %+v, want %+v", got, want)
		}
		items, err := db.ListItems(ctx, 2026, 0)
		if err != nil {
			t.Fatal(err)
		}
		var rows []string
		for _, it := range items {
			rows = append(rows, fmt.Sprintf("%d-%d %s changed=%v", it.Month, it.Day, it.Title, it.Changed))
		}
		want := []string{"3-0 植树节义务劳动 changed=true", "3-8 庆祝三八妇女节暨表彰会 changed=true", "4-0 教工运动会 changed=false", "4-0 教工登山 changed=false"}
		if diff := cmp.Diff(want, rows); diff != "" {
			t.Fatalf("calendar (-want +got):\n%s", diff)
		}
		if got := mustImport(t, db, "三月份：\n1、3月8日 庆祝三八妇女节暨表彰会\n四月份：\n1、教工运动会\n2、教工登山", march); got != (counts{changed: 1, unchanged: 3}) {
			t.Fatalf("same plan again = %+v, want only the kept item reported", got)
		}
	})
}

func TestCreateDeliveryOncePerMonth(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		ym := announce.YM{Year: 2026, Month: 12}
		var wg sync.WaitGroup
		results := make(chan error, 8)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				n := &unionbot.Notice{ToUsers: []string{"@all"}, Text: "十二月安排", Kind: "announce", Ref: ym.Ref()}
				results <- db.CreateDelivery(ctx, &announce.Delivery{Month: ym, Trigger: "schedule", Items: 1}, []*unionbot.Notice{n})
			}()
		}
		wg.Wait()
		close(results)
		ok, conflict := 0, 0
		for err := range results {
			switch unionbot.ErrorCode(err) {
			case "":
				ok++
			case unionbot.ECONFLICT:
				conflict++
			default:
				t.Fatalf("CreateDelivery: %v", err)
			}
		}
		if ok != 1 || conflict != 7 {
			t.Fatalf("ok=%d conflict=%d, want 1 and 7", ok, conflict)
		}
		ns, err := db.ListNotices(ctx, "announce", 0)
		if err != nil || len(ns) != 1 {
			t.Fatalf("announce notices = %d, %v; want 1 (queued with the one delivery)", len(ns), err)
		}
		ds, err := db.ListDeliveries(ctx, 10)
		if err != nil || len(ds) != 1 || len(ds[0].Notices) != 1 || ds[0].Month != ym {
			t.Fatalf("ListDeliveries = %+v, %v", ds, err)
		}
		if _, err := db.FindDelivery(ctx, announce.YM{Year: 2026, Month: 11}); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			t.Fatalf("FindDelivery(November) code=%q, want not_found", unionbot.ErrorCode(err))
		}
	})
}
