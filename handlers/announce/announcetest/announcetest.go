// Package announcetest turns a plan text into the files unions really
// have, for tests: a Word .docx of paragraphs, a .docx whose month schedule
// is a table with a merged semester column, GBK and UTF-16 copies, and a
// copy as pasted from a document-sharing site (pinyin ruby, site lines).
package announcetest

import (
	"regexp"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"unionbot/handlers/announce/docx/docxtest"
)

// MustDocx is text as a .docx, one paragraph a line, each split into runs.
func MustDocx(tb testing.TB, text string) []byte {
	tb.Helper()
	var blocks []docxtest.Block
	for _, l := range lines(text) {
		blocks = append(blocks, docxtest.Para(l))
	}
	return docxtest.MustBuild(tb, 3, blocks...)
}

var (
	// scheduleHead and scheduleItem find a schedule in a seed the way a
	// person retyping it into a Word table would, independently of the
	// parser: month headings (三月份: 十二、一月份 元月至二月 七至八月份) and
	// the numbered lines below them.
	scheduleHead = regexp.MustCompile(`^[元一二三四五六七八九十\d]+月?(?:[、至][元一二三四五六七八九十\d]+)*月份?\s*[:：]?$`)
	scheduleItem = regexp.MustCompile(`^\d{1,2}\s*[、.]`)
)

// TableHeader is the header row MustDocxTable writes.
var TableHeader = []string{"学期", "月份", "主要工作", "负责人"}

// MustDocxTable is text as a .docx in which every month schedule is a
// table 学期 | 月份 | 主要工作 | 负责人: one row a month heading, its items
// as paragraphs of the work cell, the 学期 column and the 负责人 column
// (owner on every row) merged down with <w:vMerge/>. The rest of the text
// stays paragraphs.
func MustDocxTable(tb testing.TB, text, owner string) []byte {
	tb.Helper()
	ls := lines(text)
	var blocks []docxtest.Block
	var table [][]docxtest.Cell
	flush := func() {
		if table != nil {
			blocks = append(blocks, docxtest.Block{Table: table})
			table = nil
		}
	}
	for i := 0; i < len(ls); i++ {
		if !scheduleHead.MatchString(ls[i]) {
			flush()
			blocks = append(blocks, docxtest.Para(ls[i]))
			continue
		}
		if table == nil {
			var head []docxtest.Cell
			for _, h := range TableHeader {
				head = append(head, docxtest.Cell{Paragraphs: []string{h}})
			}
			table = [][]docxtest.Cell{head}
		}
		month := strings.TrimRight(ls[i], ":： ")
		var work []string
		for i+1 < len(ls) && !scheduleHead.MatchString(ls[i+1]) &&
			(scheduleItem.MatchString(ls[i+1]) || len(work) == 0 && len([]rune(ls[i+1])) <= 30) {
			i++
			work = append(work, ls[i])
		}
		term := semester(month)
		first := len(table) == 1 || table[len(table)-1][0].Paragraphs[0] != term
		table = append(table, []docxtest.Cell{
			{Paragraphs: []string{term}, Restart: first, Continue: !first},
			{Paragraphs: []string{month}},
			{Paragraphs: work},
			{Paragraphs: []string{owner}, Restart: len(table) == 1, Continue: len(table) > 1},
		})
	}
	flush()
	return docxtest.MustBuild(tb, 4, blocks...)
}

// semester is the school term of a month heading: February to July the
// second term, August to January the first.
func semester(month string) string {
	for _, pre := range []string{"二", "三", "四", "五", "六", "七", "2", "3", "4", "5", "6", "7"} {
		if strings.HasPrefix(month, pre) && !strings.HasPrefix(month, "十") {
			return "第二学期"
		}
	}
	return "第一学期"
}

// MustGBK is text in GBK (GB18030) bytes.
func MustGBK(tb testing.TB, text string) []byte {
	tb.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(text))
	if err != nil {
		tb.Fatalf("encode GBK: %v", err)
	}
	return b
}

// MustUTF16 is text in UTF-16 little endian with a BOM, as Windows Notepad
// saves "Unicode".
func MustUTF16(tb testing.TB, text string) []byte {
	tb.Helper()
	b, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte(text))
	if err != nil {
		tb.Fatalf("encode UTF-16: %v", err)
	}
	return b
}

// Furniture are the site lines WebPaste adds.
var Furniture = []string{
	"当前位置：首页 > 范文大全 > 工作计划 > 工会工作计划",
	"下载文档前请自行甄别文档内容的完整性，平台不提供额外的编辑、内容补充、找答案等附加服务。",
	"猜你喜欢：学校工会工作总结范文（精选5篇）",
	"上一篇：学校工会工作总结",
}

// ruby are the readings WebPaste puts after characters: tone marks, and a
// tone number for 节 and 动, as the sites do.
var ruby = map[rune]string{
	'联': "lián", '谊': "yì", '职': "zhí", '业': "yè", '设': "shè", '建': "jiàn",
	'月': "yuè", '会': "huì", '节': "jie2", '动': "dong4", '聯': "lián", '誼': "yì",
}

// WebPaste is text as pasted from a document-sharing site: pinyin after
// some characters (联(lián)谊(yì)会(huì), 月(yuè)份), the site's breadcrumb
// and download notice first, a teaser in the middle, more site lines last.
func WebPaste(text string) string {
	var b strings.Builder
	for _, r := range text {
		b.WriteRune(r)
		if py, ok := ruby[r]; ok {
			b.WriteString("(" + py + ")")
		}
	}
	ls := strings.Split(b.String(), "\n")
	mid := len(ls) / 2
	out := append([]string{Furniture[0], Furniture[1]}, ls[:mid]...)
	out = append(out, Furniture[2])
	out = append(out, ls[mid:]...)
	out = append(out, Furniture[3])
	return strings.Join(out, "\n")
}

func lines(text string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}
