package faq_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"unionbot/handlers/faq"
)

func TestScript(t *testing.T) {
	sc := faq.NewScript()
	tests := []struct {
		in, simplified, traditional string
		isTrad                      bool
	}{
		{"體檢什麼時候", "体检什么时候", "體檢什麼時候", true},
		{"会费怎么交", "会费怎么交", "會費怎麼交", false},
		{"头发干净", "头发干净", "頭髮乾淨", false},    // one-to-many: 发→髮/發, 干→乾/幹
		{"干部著作", "干部着作", "幹部著作", false},    // 著 folds to 着 for matching only
		{"穿著整齊", "穿着整齐", "穿著整齊", true},     // 著 folds to 着 for matching
		{"乾淨的教室", "干净的教室", "乾淨的教室", true},  // 乾 folds to 干
		{"工会ＱＱ群", "工会ＱＱ群", "工會ＱＱ群", false}, // no Han change to Latin
		{"", "", "", false},
	}
	for _, tt := range tests {
		if got := sc.ToSimplified(tt.in); got != tt.simplified {
			t.Errorf("ToSimplified(%q) = %q, want %q", tt.in, got, tt.simplified)
		}
		if got := sc.ToTraditional(sc.ToSimplified(tt.in)); got != tt.traditional {
			t.Errorf("ToTraditional(%q) = %q, want %q", sc.ToSimplified(tt.in), got, tt.traditional)
		}
		if got := sc.IsTraditional(tt.in); got != tt.isTrad {
			t.Errorf("IsTraditional(%q) = %v, want %v", tt.in, got, tt.isTrad)
		}
	}
}

func TestTermsFoldScriptsAndSynonyms(t *testing.T) {
	seg, err := faq.NewSegmenter(faq.NewScript())
	if err != nil {
		t.Fatal(err)
	}
	pairs := [][2]string{
		{"身体检查什么时候", "體檢啥時候"},
		{"会费交多少", "工會費交多少"},
		{"去看望生病的同事", "去慰問生病的同事"},
		{"休养怎么报名", "疗养怎么报名"},
	}
	for _, p := range pairs {
		a, b := seg.Terms(p[0]), seg.Terms(p[1])
		if diff := cmp.Diff(a, b); diff != "" {
			t.Errorf("Terms(%q) and Terms(%q) differ (-a +b):\n%s", p[0], p[1], diff)
		}
	}
	if got := seg.Terms("工会费"); got["工会费"] != 1 {
		t.Errorf("Terms(工会费) = %v, want the word 工会费 once (not 工+会费→工工会费)", got)
	}
}

// TestToTraditionalWords: the word table wins over characters, longest
// first, at any byte offset, and text it does not know passes unchanged.
func TestToTraditionalWords(t *testing.T) {
	sc := faq.NewScript()
	for in, want := range map[string]string{
		"回复数字查看答案":  "回覆數字查看答案",
		"abc回复":     "abc回覆",
		"头发发展":      "頭髮發展",
		"":          "",
		"ＱＱ群 2026年": "ＱＱ群 2026年",
	} {
		if got := sc.ToTraditional(in); got != want {
			t.Errorf("ToTraditional(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkToTraditional(b *testing.B) {
	sc := faq.NewScript()
	text := "每年10月下旬至11月上旬，工会统一组织全体在职教职工到县人民医院体检中心体检，费用由学校承担，每人标准400元（女职工另含妇科项目）。具体批次和日期在教职工群通知。"
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		sc.ToTraditional(text)
	}
}
