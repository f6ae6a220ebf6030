package faq_test

import (
	"os"
	"runtime"
	"testing"

	"unionbot/handlers/faq"
	"unionbot/handlers/faq/faqtest"
)

// syntheticEntries returns n entries: the default base as the starter set, then union entries whose
// questions are clauses of a real union work plan (testdata/seed-plans.txt),
// two clauses each, so the vocabulary is the union's own.
func syntheticEntries(tb testing.TB, n int) []*faq.Entry {
	tb.Helper()
	entries, err := faq.DefaultEntries()
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		e.Source = faq.SourceStarter // the rest are the union's own: both rankings run
	}
	data, err := os.ReadFile("testdata/seed-plans.txt")
	if err != nil {
		tb.Fatal(err)
	}
	union, err := faqtest.PlanEntries(string(data), n-len(entries))
	if err != nil {
		tb.Fatal(err)
	}
	entries = append(entries, union...)
	for i, e := range entries {
		e.ID = int64(i + 1)
	}
	return entries
}

// BenchmarkAsk1000 is one question against 1,000 entries.
//
//	go test ./handlers/faq/ -run '^$' -bench Ask1000 -benchmem
func BenchmarkAsk1000(b *testing.B) {
	e, err := faq.NewEngine()
	if err != nil {
		b.Fatal(err)
	}
	e.Load(syntheticEntries(b, 1000))
	questions := []string{"生孩子工会有慰问金吗", "體檢什麼時候", "会费一个月扣多少", "工会组织教职工开展文体活动"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Ask(questions[i%len(questions)])
	}
}

// TestIndexMemory reports the heap the segmenter and a 1,000-entry index take.
//
//	go test ./handlers/faq/ -run IndexMemory -v
func TestIndexMemory(t *testing.T) {
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	entries := syntheticEntries(t, 1000)
	for _, e := range entries {
		e.Source = faq.SourceUnion // none covered by another: all 1,000 indexed
	}
	before := heap()
	e, err := faq.NewEngine()
	if err != nil {
		t.Fatal(err)
	}
	withDict := heap()
	e.Load(entries)
	withIndex := heap()
	t.Logf("segmenter + script tables: %.1f MiB; index of %d entries: %.1f MiB",
		float64(withDict-before)/(1<<20), e.Len(), float64(withIndex-withDict)/(1<<20))
	runtime.KeepAlive(e)
	if e.Len() != 1000 {
		t.Fatalf("indexed %d entries, want 1000", e.Len())
	}
}

// BenchmarkNewEngine is the start-up cost: loading the embedded dictionary
// and script tables.
func BenchmarkNewEngine(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := faq.NewEngine(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAskStarter is one question against the starter set alone, the
// load generator's Q&A questions: the engine's share of a Q&A message.
//
//	go test ./handlers/faq/ -run '^$' -bench AskStarter -benchmem
func BenchmarkAskStarter(b *testing.B) {
	e := MustEngine(b)
	questions := []string{"体检什么时候", "会费怎么交", "會費怎麼交", "工会会员生日有什么慰问", "生病住院工会有补助吗", "教代会什么时候开"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Ask(questions[i%len(questions)])
	}
}
