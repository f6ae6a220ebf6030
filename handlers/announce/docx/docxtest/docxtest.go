// Package docxtest writes .docx files for tests: paragraphs and tables,
// with cells merged down (<w:vMerge/>) and text split across several runs,
// as Word itself writes them.
package docxtest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
)

// Block is a paragraph (Table nil) or a table.
type Block struct {
	Text  string
	Table [][]Cell
}

// Cell is a table cell: its paragraphs, and whether it starts (Restart) or
// continues (Continue) a vertical merge. A continuing cell is written empty,
// as Word does, whatever its Paragraphs.
type Cell struct {
	Paragraphs []string
	Restart    bool
	Continue   bool
}

// Para is a paragraph block.
func Para(text string) Block { return Block{Text: text} }

// MustBuild returns the bytes of a .docx holding blocks. Every paragraph's
// text is split into runs of at most runeRun characters (0: one run),
// alternating bold and plain, so that a reader must join runs.
func MustBuild(tb testing.TB, runeRun int, blocks ...Block) []byte {
	tb.Helper()
	var body strings.Builder
	for _, b := range blocks {
		if b.Table == nil {
			para(&body, b.Text, runeRun)
			continue
		}
		body.WriteString(`<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr><w:tblGrid>`)
		for range b.Table[0] {
			body.WriteString(`<w:gridCol w:w="2000"/>`)
		}
		body.WriteString(`</w:tblGrid>`)
		for _, row := range b.Table {
			body.WriteString(`<w:tr>`)
			for _, c := range row {
				body.WriteString(`<w:tc><w:tcPr><w:tcW w:w="2000" w:type="dxa"/>`)
				switch {
				case c.Restart:
					body.WriteString(`<w:vMerge w:val="restart"/>`)
				case c.Continue:
					body.WriteString(`<w:vMerge/>`)
				}
				body.WriteString(`</w:tcPr>`)
				if len(c.Paragraphs) == 0 || c.Continue {
					body.WriteString(`<w:p/>`) // Word writes an empty paragraph in every cell
				} else {
					for _, p := range c.Paragraphs {
						para(&body, p, runeRun)
					}
				}
				body.WriteString(`</w:tc>`)
			}
			body.WriteString(`</w:tr>`)
		}
		body.WriteString(`</w:tbl>`)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range []struct{ name, text string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rels},
		{"word/document.xml", docHead + body.String() + docTail},
	} {
		w, err := zw.Create(f.name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(f.text)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

func para(b *strings.Builder, text string, runeRun int) {
	b.WriteString(`<w:p><w:pPr><w:spacing w:after="0"/></w:pPr>`)
	rs := []rune(text)
	if runeRun <= 0 {
		runeRun = len(rs) + 1
	}
	for i, n := 0, 0; i < len(rs); i, n = i+runeRun, n+1 {
		j := min(i+runeRun, len(rs))
		b.WriteString(`<w:r>`)
		if n%2 == 1 {
			b.WriteString(`<w:rPr><w:b/><w:rFonts w:hint="eastAsia"/></w:rPr>`)
		}
		b.WriteString(`<w:t xml:space="preserve">`)
		xml.EscapeText(b, []byte(string(rs[i:j])))
		b.WriteString(`</w:t></w:r>`)
	}
	b.WriteString(`</w:p>`)
}

const (
	contentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`
	rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`
	docHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>`
	docTail = `<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>`
)
