package bot

import (
	"fmt"
	"strings"
	"testing"
)

// A year's plan is months separated by blank lines; a page should end
// between months when it can, so that page 2 starts with a month's heading
// and not in the middle of its list.
func TestSplitPagesAtParagraphs(t *testing.T) {
	var b strings.Builder
	b.WriteString("【2027年工会活动安排】")
	for m := 1; m <= 12; m++ {
		fmt.Fprintf(&b, "\n\n%d月", m)
		for i := 1; i <= 6; i++ {
			fmt.Fprintf(&b, "\n· %d月%d日 第%d项活动（地点：学校体育馆）", m, i*3, i)
		}
	}
	text := b.String()
	const max = 600
	pages := splitPages(text, max)
	if len(pages) < 3 {
		t.Fatalf("%d pages for %d bytes at %d a page", len(pages), len(text), max)
	}
	for i, p := range pages {
		if len(p) > max {
			t.Errorf("page %d has %d bytes, more than %d", i+1, len(p), max)
		}
		if i > 0 && !strings.HasSuffix(strings.SplitN(p, "\n", 2)[0], "月") {
			t.Errorf("page %d starts %q, not with a month", i+1, strings.SplitN(p, "\n", 2)[0])
		}
	}
	squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
	if got := squash(strings.Join(pages, "\n")); got != squash(text) {
		t.Errorf("pages lost or changed text:\n%s", strings.Join(pages, "\n----\n"))
	}
}

// Text without paragraphs still fits, cut at lines, and a line longer than
// a page is cut at rune boundaries.
func TestSplitPagesLongLines(t *testing.T) {
	text := strings.Repeat("工会", 400) + "\n" + strings.Repeat("第一行\n", 100)
	pages := splitPages(text, 500)
	for i, p := range pages {
		if len(p) > 500 {
			t.Errorf("page %d: %d bytes", i+1, len(p))
		}
		if strings.ToValidUTF8(p, "?") != p {
			t.Errorf("page %d cut inside a character", i+1)
		}
	}
	if got := strings.Join(pages, ""); strings.ReplaceAll(got, "\n", "") != strings.ReplaceAll(text, "\n", "") {
		t.Error("pages lost text")
	}
}
