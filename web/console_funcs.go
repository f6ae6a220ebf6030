package web

import (
	"fmt"
	"html"
	"html/template"
	"sort"
	"strings"
	"unionbot/handlers/care"
	"unionbot/handlers/signup"
)

// consoleFuncs are the helpers the console's templates use beside the
// typed views' fields and the page's methods (When, Channel …).
var consoleFuncs = template.FuncMap{
	"fill":  fillBar,
	"chart": barChart,
	"inc":   func(i int) int { return i + 1 },
	"clip":  clipText,
	"yuan":  care.Yuan,
	"day":   day,
	// window writes a confirmation window as staff typed it: 24h, 90m.
	"window": signup.FormatWindow,
}

// clipText shows the first n characters of a long text and the rest behind
// 展开, so one long question does not fill the screen.
func clipText(s string, n int) template.HTML {
	r := []rune(s)
	if len(r) <= n {
		return template.HTML(html.EscapeString(s))
	}
	return template.HTML(html.EscapeString(string(r[:n])) + `…<details class="more"><summary>展开</summary>` +
		html.EscapeString(s) + `</details>`)
}

// fillBar draws confirmed / capacity with the waitlist beyond it.
func fillBar(confirmed, capacity, waitlist int) template.HTML {
	c, cp, wl := float64(confirmed), float64(capacity), float64(waitlist)
	total := cp
	if total <= 0 { // no limit: the bar is the sign-ups themselves
		total = c
	}
	if c+wl > total {
		total = c + wl
	}
	if total <= 0 {
		total = 1
	}
	const w = 240.0
	cw, ww := w*c/total, w*wl/total
	capText := "不限"
	if cp > 0 {
		capText = fmt.Sprintf("%.0f", cp)
	}
	label := fmt.Sprintf("已报名 %.0f / 名额 %s，候补 %.0f", c, capText, wl)
	return template.HTML(fmt.Sprintf(`<svg class="fill" viewBox="0 0 %.0f 18" width="100%%" role="img" aria-label="%s"><rect width="%.0f" height="18" rx="4" fill="#e8edf3"/><rect width="%.1f" height="18" rx="4" fill="#2f7d32"/><rect x="%.1f" width="%.1f" height="18" fill="#f0a030"/></svg><div class="muted">%s</div>`,
		w, html.EscapeString(label), w, cw, cw, ww, html.EscapeString(label)))
}

// barChart draws a horizontal bar chart of counts, largest first.
func barChart(title string, counts map[string]int) template.HTML {
	type kv struct {
		k string
		v int
	}
	var rows []kv
	max := 0
	for k, v := range counts {
		rows = append(rows, kv{k, v})
		if v > max {
			max = v
		}
	}
	if len(rows) == 0 {
		return template.HTML(`<p class="muted">暂无数据</p>`)
	}
	sort.Slice(rows, func(i, j int) bool {
		if rows[i].v != rows[j].v {
			return rows[i].v > rows[j].v
		}
		return rows[i].k < rows[j].k
	})
	const lw, bw, rh = 110.0, 180.0, 24.0
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %.0f %.0f" width="100%%" role="img" aria-label="%s">`, lw+bw+40, rh*float64(len(rows))+4, html.EscapeString(title))
	for i, r := range rows {
		y := float64(i)*rh + 2
		wd := bw * float64(r.v) / float64(max)
		k := []rune(r.k)
		if len(k) > 8 {
			k = append(k[:7], '…')
		}
		fmt.Fprintf(&b, `<text x="%.0f" y="%.0f" text-anchor="end" font-size="12">%s</text><rect x="%.0f" y="%.0f" width="%.1f" height="%.0f" rx="3" fill="#1565c0"/><text x="%.1f" y="%.0f" font-size="12">%d</text>`,
			lw-6, y+15, html.EscapeString(string(k)), lw, y+3, wd, rh-8, lw+wd+4, y+15, r.v)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
