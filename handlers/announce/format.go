package announce

import (
	"fmt"
	"strconv"
	"strings"

	"unionbot"
)

// How the WeCom app gets the announcement and broadcasts. WeCom's
// documents say app markdown is not shown in 微工作台 (WeCom messages read
// inside WeChat), so every member reads plain text: FormatText, the
// default, in pages under the 2,048-byte text limit. FormatCard sends each
// page as a text_notice card and adds button cards with a 报名 button per
// open event (signup:<event id>), whose text says the same with 回复“报名 …”
// for members who cannot see cards.
const (
	FormatText = "text"
	FormatCard = "card"
)

// MaxPageBytes is the most one page of an announcement holds, its page
// mark included: under WeCom's 2,048 bytes for a text message.
const MaxPageBytes = 2000

// MaxRobotPageBytes is the most one group-robot message holds: WeCom's
// webhook takes markdown up to 4,096 bytes and refuses a longer one whole
// (40058, "markdown.content exceed max length 4096"), so a long month
// goes to the group as pages.
const MaxRobotPageBytes = 4096

// maxButtons is how many buttons one WeCom button card holds.
const maxButtons = 6

// appNotices are the WeCom app's messages for text: one per page, each a
// copy of base; in card format each page carries a text_notice card, and
// the open events follow as button cards.
func (s *Service) appNotices(base *unionbot.Notice, title, text string, open []OpenEvent) []*unionbot.Notice {
	pages := Pages(text, MaxPageBytes)
	var out []*unionbot.Notice
	for i, p := range pages {
		n := *base
		n.Format, n.Text = unionbot.FormatText, p
		if s.Format == FormatCard {
			t := title
			if len(pages) > 1 {
				t += fmt.Sprintf("（%d/%d）", i+1, len(pages))
			}
			n.Card = &unionbot.Card{Type: unionbot.CardNotice, TaskID: unionbot.NewTaskID(base.Kind), Source: txtCardSource,
				Title: t, Body: p, URL: s.CardURL}
		}
		out = append(out, &n)
	}
	if s.Format != FormatCard {
		return out
	}
	for start := 0; start < len(open); start += maxButtons {
		batch := open[start:min(start+maxButtons, len(open))]
		n := *base
		n.Format = unionbot.FormatText
		card := &unionbot.Card{Type: unionbot.CardButtons, TaskID: unionbot.NewTaskID(base.Kind + "-signup"), Source: txtCardSource,
			Title: headEvents}
		var lines []string
		for _, ev := range batch {
			card.Buttons = append(card.Buttons, unionbot.CardButton{Text: clipRunes(ev.Title, 10),
				Key: unionbot.CardKey(unionbot.KeySignup, strconv.FormatInt(ev.ID, 10)), Style: unionbot.StylePrimary})
			lines = append(lines, "- "+ev.Title+"　"+signupHint(ev))
		}
		n.Card, n.Text = card, headEvents+"\n"+strings.Join(lines, "\n")
		out = append(out, &n)
	}
	return out
}

// Pages cuts text into pages of at most max bytes at line breaks (inside
// a longer line at a rune boundary), each page after the first marked
// （第 i/n 页）.
func Pages(text string, max int) []string {
	const mark = len("（第 99/99 页）\n")
	if len(text) <= max {
		return []string{text}
	}
	limit := max - mark
	var pages []string
	var cur strings.Builder
	for _, line := range strings.SplitAfter(text, "\n") {
		for len(line) > limit {
			cut := limit
			for cut > 0 && line[cut]&0xC0 == 0x80 {
				cut--
			}
			if cur.Len() > 0 {
				pages = append(pages, cur.String())
				cur.Reset()
			}
			pages = append(pages, line[:cut])
			line = line[cut:]
		}
		if cur.Len() > 0 && cur.Len()+len(line) > limit {
			pages = append(pages, cur.String())
			cur.Reset()
		}
		cur.WriteString(line)
	}
	if cur.Len() > 0 {
		pages = append(pages, cur.String())
	}
	for i := range pages {
		pages[i] = strings.TrimRight(pages[i], "\n") + fmt.Sprintf("\n（第 %d/%d 页）", i+1, len(pages))
	}
	return pages
}

func clipRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
