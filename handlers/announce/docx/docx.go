// Package docx reads the text of a Word .docx file: its paragraphs and its
// tables, with vertically merged cells filled in and text split across runs
// joined. It knows nothing of what the text means; it uses only the
// standard library (archive/zip and encoding/xml), because a .docx is a zip
// of XML parts and reading text needs nothing more (see the README).
package docx

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Block is a paragraph (Table is nil) or a table of the document body, in
// document order.
type Block struct {
	Text  string
	Table *Table
}

// Table is a Word table: rows of cells laid on the table's grid, so that
// cell i of every row is the same column.
type Table struct {
	Rows [][]Cell
}

// Cell is one grid cell. A cell that continues a vertical merge (<w:vMerge/>)
// carries the paragraphs of the cell it continues, with Merged set; a cell
// spanning several grid columns (<w:gridSpan>) is followed by empty cells
// with Spanned set.
type Cell struct {
	Paragraphs []string
	Merged     bool
	Spanned    bool
}

// Text is the cell's paragraphs joined by newlines.
func (c Cell) Text() string { return strings.Join(c.Paragraphs, "\n") }

// Errors of Read; the caller words them for people.
var (
	ErrNotDocx  = errors.New("docx: not a Word document (no word/document.xml)")
	ErrTooLarge = errors.New("docx: document.xml too large")
)

// MaxDocumentXML bounds the uncompressed body read, against zip bombs.
const MaxDocumentXML = 64 << 20

// Read returns the body of the .docx in data.
func Read(data []byte) ([]Block, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNotDocx, err)
	}
	var doc *zip.File
	for _, f := range zr.File {
		if f.Name == "word/document.xml" {
			doc = f
		}
	}
	if doc == nil {
		return nil, ErrNotDocx
	}
	rc, err := doc.Open()
	if err != nil {
		return nil, fmt.Errorf("docx: open document.xml: %w", err)
	}
	defer rc.Close()
	body, err := io.ReadAll(io.LimitReader(rc, MaxDocumentXML+1))
	if err != nil {
		return nil, fmt.Errorf("docx: read document.xml: %w", err)
	}
	if len(body) > MaxDocumentXML {
		return nil, ErrTooLarge
	}
	return parse(body)
}

// tableState is a table being read; cells of nested tables are flattened
// into the cell that holds them.
type tableState struct {
	rows  [][]Cell
	row   []Cell
	cell  *Cell
	merge bool // the current cell continues a vertical merge
	span  int
}

type reader struct {
	blocks []Block
	tables []*tableState
	paras  []*strings.Builder // open paragraphs (a text box nests one in another)
	inText bool
	skip   int // depth inside mc:Fallback, deleted text and field codes
}

func parse(body []byte) ([]Block, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	r := &reader{}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("docx: document.xml: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			r.start(t)
		case xml.EndElement:
			r.end(t.Name.Local)
		case xml.CharData:
			if r.inText && r.skip == 0 && len(r.paras) > 0 {
				r.paras[len(r.paras)-1].Write(t)
			}
		}
	}
	return r.blocks, nil
}

func (r *reader) start(t xml.StartElement) {
	if t.Name.Local == "Fallback" || t.Name.Local == "del" {
		r.skip++ // mc:Fallback repeats mc:Choice; w:del is deleted text
		return
	}
	if r.skip > 0 {
		return
	}
	switch t.Name.Local {
	case "tbl":
		r.tables = append(r.tables, &tableState{})
	case "tr":
		if ts := r.table(); ts != nil {
			ts.row = nil
		}
	case "tc":
		if ts := r.table(); ts != nil {
			ts.cell, ts.merge, ts.span = &Cell{}, false, 1
		}
	case "vMerge":
		if ts := r.table(); ts != nil && ts.cell != nil {
			v := attr(t, "val")
			ts.merge = v == "" || v == "continue"
		}
	case "gridSpan":
		if ts := r.table(); ts != nil && ts.cell != nil {
			if n, err := strconv.Atoi(attr(t, "val")); err == nil && n > 1 && n < 64 {
				ts.span = n
			}
		}
	case "p":
		r.paras = append(r.paras, &strings.Builder{})
	case "t":
		r.inText = true
	case "tab", "ptab":
		r.write(" ")
	case "br", "cr":
		r.write("\n")
	case "noBreakHyphen":
		r.write("-")
	}
}

func (r *reader) end(name string) {
	if name == "Fallback" || name == "del" {
		if r.skip > 0 {
			r.skip--
		}
		return
	}
	if r.skip > 0 {
		return
	}
	switch name {
	case "t":
		r.inText = false
	case "p":
		if len(r.paras) == 0 {
			return
		}
		text := r.paras[len(r.paras)-1].String()
		r.paras = r.paras[:len(r.paras)-1]
		for _, line := range strings.Split(text, "\n") {
			r.paragraph(line)
		}
	case "tc":
		ts := r.table()
		if ts == nil || ts.cell == nil {
			return
		}
		c := *ts.cell
		if ts.merge {
			c.Merged = true
			c.Paragraphs = nil // Word shows the first cell of a merge only
			if up := ts.above(len(ts.row)); up != nil {
				c.Paragraphs = up.Paragraphs
			}
		}
		ts.row = append(ts.row, c)
		for i := 1; i < ts.span; i++ {
			ts.row = append(ts.row, Cell{Spanned: true})
		}
		ts.cell = nil
	case "tr":
		if ts := r.table(); ts != nil {
			ts.rows = append(ts.rows, ts.row)
			ts.row = nil
		}
	case "tbl":
		ts := r.table()
		if ts == nil {
			return
		}
		r.tables = r.tables[:len(r.tables)-1]
		if outer := r.table(); outer != nil && outer.cell != nil {
			for _, row := range ts.rows { // a nested table: its text goes to the outer cell
				for _, c := range row {
					if !c.Merged && !c.Spanned {
						outer.cell.Paragraphs = append(outer.cell.Paragraphs, c.Paragraphs...)
					}
				}
			}
			return
		}
		r.blocks = append(r.blocks, Block{Table: &Table{Rows: ts.rows}})
	}
}

// above is the cell in column col of the previous row, for a merge.
func (ts *tableState) above(col int) *Cell {
	if len(ts.rows) == 0 {
		return nil
	}
	prev := ts.rows[len(ts.rows)-1]
	if col >= len(prev) {
		return nil
	}
	return &prev[col]
}

func (r *reader) table() *tableState {
	if len(r.tables) == 0 {
		return nil
	}
	return r.tables[len(r.tables)-1]
}

func (r *reader) write(s string) {
	if len(r.paras) > 0 {
		r.paras[len(r.paras)-1].WriteString(s)
	}
}

// paragraph puts a finished paragraph in the open cell, or in the body.
func (r *reader) paragraph(text string) {
	if ts := r.table(); ts != nil && ts.cell != nil {
		if strings.TrimSpace(text) != "" {
			ts.cell.Paragraphs = append(ts.cell.Paragraphs, text)
		}
		return
	}
	r.blocks = append(r.blocks, Block{Text: text})
}

func attr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
