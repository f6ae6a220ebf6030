package announce

import (
	"strings"
	"testing"

	"unionbot"
)

// TestPages: every page of a long announcement fits WeCom's 2,048-byte
// text message with its mark, no line is lost, and a short one is whole.
func TestPages(t *testing.T) {
	if got := Pages("短公告", MaxPageBytes); len(got) != 1 || got[0] != "短公告" {
		t.Fatalf("Pages(short) = %q", got)
	}
	var b strings.Builder
	for i := range 120 {
		b.WriteString(strings.Repeat("工会活动安排", 3) + string(rune('A'+i%26)) + "\n")
	}
	b.WriteString(strings.Repeat("长", 1000)) // one line longer than a page
	pages := Pages(b.String(), MaxPageBytes)
	if len(pages) < 3 {
		t.Fatalf("%d pages, want several", len(pages))
	}
	var joined strings.Builder
	for i, p := range pages {
		if len(p) > 2048 || len(p) > MaxPageBytes {
			t.Fatalf("page %d is %d bytes", i+1, len(p))
		}
		body, mark, ok := strings.Cut(p, "\n（第 ")
		if !ok || !strings.HasSuffix(mark, " 页）") {
			t.Fatalf("page %d has no mark: %q", i+1, p[max(0, len(p)-40):])
		}
		joined.WriteString(body)
	}
	flat := func(s string) string { return strings.ReplaceAll(s, "\n", "") }
	if flat(joined.String()) != flat(b.String()) {
		t.Fatalf("pages lose or change text")
	}
}

// TestAppNoticesCard: in card format each page is a text_notice card that
// opens CardURL, and the open events follow as button cards of at most 6
// 报名 buttons keyed signup:<id>, whose text names 报名 for those who
// cannot see cards.
func TestAppNoticesCard(t *testing.T) {
	s := &Service{Format: FormatCard, CardURL: "https://union.example.edu.cn/"}
	var open []OpenEvent
	for i := range 7 {
		open = append(open, OpenEvent{ID: int64(i + 1), Title: "活动" + string(rune('甲'+i)), Keyword: "活动"})
	}
	ns := s.appNotices(&unionbot.Notice{ToUsers: []string{"@all"}, Kind: "announce"}, "12月工会活动", "本月安排", open)
	if len(ns) != 3 {
		t.Fatalf("%d notices, want 1 page and 2 button cards", len(ns))
	}
	if c := ns[0].Card; c == nil || c.Type != unionbot.CardNotice || c.URL != s.CardURL || c.Body != "本月安排" {
		t.Fatalf("page card = %+v", ns[0].Card)
	}
	var keys []string
	for _, n := range ns[1:] {
		if n.Card == nil || n.Card.Type != unionbot.CardButtons || len(n.Card.Buttons) > 6 || !strings.Contains(n.Text, "回复“报名") {
			t.Fatalf("button notice = %+v", n)
		}
		for _, b := range n.Card.Buttons {
			keys = append(keys, b.Key)
		}
	}
	if got := strings.Join(keys, " "); got != "signup:1 signup:2 signup:3 signup:4 signup:5 signup:6 signup:7" {
		t.Fatalf("button keys = %s", got)
	}
	if ns := (&Service{}).appNotices(&unionbot.Notice{Kind: "announce"}, "t", "x", open); len(ns) != 1 || ns[0].Card != nil {
		t.Fatalf("text format = %+v, want one plain notice", ns)
	}
}
