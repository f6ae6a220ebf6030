package bot

import (
	"strconv"
	"strings"
)

// MaxReplyBytes is the most one reply page may hold. WeCom text messages
// hold about 2,048 bytes; the page footer needs some of them.
const MaxReplyBytes = 1900

// page joins the replies and cuts them into WeCom-sized pages at line
// breaks; pages after the first wait in the session for 下一页.
func (b *Bot) page(c *Context) string {
	if moreWords[b.Router.fold(normalize(c.Msg.Text))] {
		if len(c.session.More) > 0 && len(c.replies) == 0 {
			next := c.session.More[0]
			c.session.More = c.session.More[1:]
			b.saveMore(c)
			return next
		}
	}
	text := strings.Join(append(c.notices, c.replies...), "\n\n")
	if sc := b.Router.Script; sc != nil && sc.IsTraditional(c.Msg.Text) {
		text = sc.ToTraditional(text) // answer in the script the teacher wrote in
	}
	if len(text) <= MaxReplyBytes {
		return text
	}
	pages := splitPages(text, MaxReplyBytes-60)
	for i := range pages {
		footer := "\n（第" + strconv.Itoa(i+1) + "/" + strconv.Itoa(len(pages)) + "页"
		if i < len(pages)-1 {
			footer += "，回复“下一页”继续"
		}
		pages[i] += footer + "）"
	}
	c.session.More = pages[1:]
	b.saveMore(c)
	return pages[0]
}

func (b *Bot) saveMore(c *Context) {
	c.session.UpdatedAt = b.now()
	if err := b.saveSession(c.ctx, c.session); err != nil {
		b.logger().WarnContext(c.ctx, "save reply pages", "user", c.Msg.UserID, "err", err)
	}
}

// splitPages cuts text into pieces of at most max bytes: at a blank line
// (between paragraphs, say the months of 全年安排) when that leaves the page
// at least half full, else at a line break, and at rune boundaries when a
// single line is longer.
func splitPages(text string, max int) []string {
	var pages []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimRight(cur.String(), "\n"); s != "" {
			pages = append(pages, s)
		}
		cur.Reset()
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		for len(line) > max {
			cut := max
			for cut > 0 && !isRuneStart(line[cut]) {
				cut--
			}
			flush()
			pages = append(pages, line[:cut])
			line = line[cut:]
		}
		if cur.Len()+len(line) > max {
			page := cur.String()
			if i := strings.LastIndex(page, "\n\n"); i >= max/2 {
				cur.Reset()
				cur.WriteString(page[:i])
				flush()
				cur.WriteString(strings.TrimLeft(page[i:], "\n"))
			}
			if cur.Len()+len(line) > max {
				flush()
			}
		}
		cur.WriteString(line)
	}
	flush()
	return pages
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }
