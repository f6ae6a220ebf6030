package main

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

// TestBoundedInput: what a teacher types is bounded, each bound named in
// the refusal, and nothing oversized is stored or fanned out to admins.
func TestBoundedInput(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_RATE_LIMIT": "0"})
	ctx := t.Context()
	toAdmins := func() int {
		h.Drain(t)
		return len(h.Fake.SentTo(testAdmin))
	}
	if got := h.MustSay(t, "t1", "转人工 "+strings.Repeat("食堂的饭菜", 2600)); !strings.Contains(got, "太长") {
		t.Fatalf("a 13,000-character message: %q", got)
	}
	if got := h.MustSay(t, "t1", "转人工 "+strings.Repeat("食", 600)); !strings.Contains(got, "500 字以内") {
		t.Fatalf("a 600-character 转人工: %q", got)
	}
	if got := h.MustSay(t, "t1", strings.Repeat("请问", 150)+"？"); !strings.Contains(got, "200 字以内") {
		t.Fatalf("a 300-character question: %q", got)
	}
	if qs, err := h.Web.FAQ.Questions(ctx, "", 50); err != nil || len(qs) != 0 {
		t.Fatalf("questions stored from refused messages: %d, %v", len(qs), err)
	}
	if n := toAdmins(); n != 0 {
		t.Fatalf("admins got %d messages from refused hand-overs", n)
	}
	long := strings.Repeat("宿舍楼热水器坏了", 50) // 400 characters, within the bound
	if got := h.MustSay(t, "t1", "转人工 "+long); !strings.Contains(got, "已把您的问题转给工会老师") {
		t.Fatalf("a 400-character 转人工: %q", got)
	}
	n := toAdmins()
	sent := h.Fake.SentTo(testAdmin)
	if n != 1 || len(sent) != 1 || utf8.RuneCountInString(sent[0].Content) > 250 || !strings.Contains(sent[0].Content, "管理后台") {
		t.Fatalf("admins got %d messages (%+v); want one, clipped, pointing to the console", n, sent)
	}

	var csv strings.Builder
	csv.WriteString("question,answer\n")
	for i := 0; i < 2001; i++ {
		fmt.Fprintf(&csv, "问题%d,答案%d\n", i, i)
	}
	if b := MustAPI(t, h, "POST", "/api/faq/import?format=csv", csv.String(), 400); !strings.Contains(string(b), "最多导入 2000 条") {
		t.Fatalf("an import of 2,001 entries: %s", b)
	}
	if b := MustAPI(t, h, "POST", "/api/faq/import?format=csv", strings.Repeat("x", 2<<20), 413); !strings.Contains(string(b), "MB") {
		t.Fatalf("a 2 MB import: %s", b)
	}
}
