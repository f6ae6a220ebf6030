package announce

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"unionbot/handlers/announce/docx"
)

// Unions often keep the month schedule as a Word table: 学期 | 月份 |
// 主要工作 | 负责人, the 学期 column (and sometimes the month) merged down
// several rows. tableLines finds the month and work columns; a table
// without them is read as paragraphs, cell by cell.

var (
	headMonth = regexp.MustCompile(`月份|月|时间|日期|時間`)
	headWork  = regexp.MustCompile(`工作|内容|事项|活动|安排|项目|任务|內容|事項|活動|安排|項目`)
	headOwner = regexp.MustCompile(`负责|責任|负責|责任|承办|牵头|部门|执行|負責|部門`)
)

func tableLines(t *docx.Table) []Line {
	if len(t.Rows) == 0 {
		return nil
	}
	month, work, owner, header := scheduleColumns(t)
	if month < 0 || work < 0 {
		var out []Line
		for _, row := range t.Rows {
			for _, c := range row {
				if c.Merged || c.Spanned {
					continue
				}
				for _, para := range c.Paragraphs {
					out = append(out, Line{Text: para})
				}
			}
		}
		return out
	}
	var out []Line
	for i, row := range t.Rows {
		text := rowText(row)
		if strings.TrimSpace(text) == "" {
			continue
		}
		if i == 0 && header {
			out = append(out, Line{Text: text, Row: &TableRow{Header: true}})
			continue
		}
		r := &TableRow{}
		if c := cell(row, month); !c.Merged {
			r.Month = c.Text()
		}
		if c := cell(row, work); !c.Spanned {
			r.Work, r.WorkMerged = c.Paragraphs, c.Merged
		}
		if owner >= 0 {
			r.Owner = strings.Join(cell(row, owner).Paragraphs, "、")
		}
		out = append(out, Line{Text: text, Row: r})
	}
	return out
}

// scheduleColumns finds the month, work and owner columns (-1 when there
// is none) by the header row's words, else by the cells: the month column
// is the one whose cells are months, the work column the one with the most
// text.
func scheduleColumns(t *docx.Table) (month, work, owner int, header bool) {
	month, work, owner = -1, -1, -1
	for i, c := range t.Rows[0] {
		h := strings.TrimSpace(c.Text())
		if utf8.RuneCountInString(h) > 8 || c.Spanned {
			continue
		}
		switch {
		case month < 0 && headMonth.MatchString(h) && !isMonthCell(h):
			month = i
		case owner < 0 && headOwner.MatchString(h):
			owner = i
		case work < 0 && headWork.MatchString(h):
			work = i
		}
	}
	header = month >= 0 || work >= 0
	if month >= 0 && work >= 0 {
		return month, work, owner, true
	}
	// No header words: the month column is the one whose cells are months.
	body := t.Rows
	if header {
		body = body[1:]
	}
	best, bestRunes := -1, 0
	for col := 0; col < len(t.Rows[0]); col++ {
		months, filled, runes := 0, 0, 0
		for _, row := range body {
			c := cell(row, col)
			if c.Merged || c.Spanned || strings.TrimSpace(c.Text()) == "" {
				continue
			}
			filled++
			runes += utf8.RuneCountInString(c.Text())
			if isMonthCell(c.Text()) {
				months++
			}
		}
		switch {
		case month < 0 && filled > 0 && months*2 >= filled:
			month = col
		case col != owner && runes > bestRunes:
			best, bestRunes = col, runes
		}
	}
	if work < 0 {
		work = best
	}
	if month == work {
		work = -1
	}
	return month, work, owner, header
}

func isMonthCell(s string) bool {
	s = cleanLine(s)
	return s != "" && utf8.RuneCountInString(s) <= 12 && (monthHead.MatchString(s) || monthInCell.MatchString(s))
}

func cell(row []docx.Cell, i int) docx.Cell {
	if i < 0 || i >= len(row) {
		return docx.Cell{}
	}
	return row[i]
}

func rowText(row []docx.Cell) string {
	var cells []string
	for _, c := range row {
		if !c.Spanned {
			cells = append(cells, strings.ReplaceAll(c.Text(), "\n", " "))
		}
	}
	return strings.Join(cells, " | ")
}

// row reads one row of a schedule table: its month (or the month above
// when the cell is empty or merged) and one item per paragraph of its work
// cell, with the person in charge.
func (p *parser) row(no int, l Line) {
	r := l.Row
	p.lines++
	p.flushPending(false)
	if r.Header {
		p.end()
		p.skip(no, l.Text, reasonHeader)
		return
	}
	if !p.table {
		p.end()
		p.in, p.table = true, true
	}
	if m := cleanLine(r.Month); m != "" {
		if h := monthHead.FindStringSubmatch(m); h != nil {
			p.open(h[1], h[2])
		} else if f := monthInCell.FindStringSubmatch(m); f != nil {
			p.open(f[1], "")
		} else {
			p.cur = nil
		}
	}
	if p.cur == nil {
		p.skip(no, l.Text, reasonNoMonth)
		return
	}
	took := false
	for _, para := range r.Work {
		for _, it := range splitCell(cleanLine(para)) {
			it = cleanItem(it)
			if it == "" {
				continue
			}
			if owner := strings.TrimSpace(cleanLine(r.Owner)); owner != "" {
				it += "（负责人：" + owner + "）"
			}
			if p.addItem(no, it) {
				took = true
			}
		}
	}
	switch {
	case took || r.WorkMerged && len(r.Work) > 0:
		p.place(no)
	case len(r.Work) == 0:
		p.skip(no, l.Text, reasonEmptyRow)
	default:
		p.skip(no, l.Text, reasonDuplicate)
	}
}

// splitCell splits a paragraph of a work cell into its items: one, or
// several numbered on one line (1、组织春游 2、慰问退休教师).
func splitCell(s string) []string {
	if loc := numbered.FindStringIndex(s); loc != nil {
		s = s[loc[1]:]
	}
	return inlineNumber.Split(s, -1)
}
