package announce

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"unionbot"
	"unionbot/handlers/announce/docx"
)

// Document is a plan as the parser reads it: one line a paragraph, or a
// row of a schedule table, whatever file it came from. Line numbers in
// Unplaced and in warnings count these lines from 1.
type Document struct {
	// Format is how it was read: docx, utf-8, utf-16 or gb18030.
	Format string
	Lines  []Line
}

// Line is a paragraph of the document (Row is nil) or a row of a table
// that holds a month schedule.
type Line struct {
	Text string
	Row  *TableRow
}

// TableRow is one row of a schedule table (学期 | 月份 | 主要工作 | 负责人).
// Month is empty when the row goes on with the month above.
type TableRow struct {
	Header bool // the table's header row
	Month  string
	Work   []string // the work cell's paragraphs, one item each
	Owner  string
	// WorkMerged is set when the work cell continues a merge from the row
	// above: its items are the same ones, now for this row's month too.
	WorkMerged bool
}

// Document formats.
const (
	FormatDocx    = "docx"
	FormatUTF8    = "utf-8"
	FormatUTF16   = "utf-16"
	FormatGB18030 = "gb18030"
)

// TextDocument is text as a document, one line a line.
func TextDocument(text string) *Document {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	doc := &Document{Format: FormatUTF8}
	for _, l := range strings.Split(text, "\n") {
		doc.Lines = append(doc.Lines, Line{Text: l})
	}
	return doc
}

// ReadPlanFile reads a plan as uploaded: a Word .docx, or text in UTF-8
// (with or without BOM), UTF-16 with BOM, or GBK/GB18030. name (may be
// empty) is only used to recognise a file by its extension when its bytes
// do not say. Old Word (.doc), WPS (.wps), PDF and RTF files, and bytes that
// are no text, return EINVALID with a sentence that says what to do.
func ReadPlanFile(name string, data []byte) (*Document, error) {
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		return readDocx(data)
	case bytes.HasPrefix(data, []byte{0xd0, 0xcf, 0x11, 0xe0}) || ext == ".doc" || ext == ".wps":
		return nil, unionbot.Errorf(unionbot.EINVALID, msgOldWord)
	case bytes.HasPrefix(data, []byte("%PDF")) || ext == ".pdf":
		return nil, unionbot.Errorf(unionbot.EINVALID, msgPDF)
	case bytes.HasPrefix(data, []byte(`{\rtf`)):
		return nil, unionbot.Errorf(unionbot.EINVALID, msgOldWord)
	case ext == ".docx":
		return nil, unionbot.Errorf(unionbot.EINVALID, msgBadDocx)
	}
	text, format, err := DecodeText(data)
	if err != nil {
		return nil, err
	}
	doc := TextDocument(text)
	doc.Format = format
	return doc, nil
}

// DecodeText returns data as UTF-8 and the encoding it was in. It returns
// EINVALID for bytes that are none of the encodings unions use.
func DecodeText(data []byte) (string, string, error) {
	var enc encoding.Encoding
	format := FormatUTF16
	switch {
	case bytes.HasPrefix(data, []byte{0xef, 0xbb, 0xbf}):
		data = data[3:]
		if !utf8.Valid(data) {
			return "", "", unionbot.Errorf(unionbot.EINVALID, msgUnknownEncoding)
		}
		return string(data), FormatUTF8, nil
	case bytes.HasPrefix(data, []byte{0xff, 0xfe}), bytes.HasPrefix(data, []byte{0xfe, 0xff}):
		enc = unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM) // the BOM decides the byte order
	case utf8.Valid(data):
		if bytes.IndexByte(data, 0) >= 0 {
			return "", "", unionbot.Errorf(unionbot.EINVALID, msgUnknownEncoding) // UTF-16 without a BOM, or binary
		}
		return string(data), FormatUTF8, nil
	default:
		if bytes.IndexByte(data, 0) >= 0 {
			return "", "", unionbot.Errorf(unionbot.EINVALID, msgUnknownEncoding)
		}
		enc, format = simplifiedchinese.GB18030, FormatGB18030
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) || !utf8.Valid(out) {
		return "", "", unionbot.Errorf(unionbot.EINVALID, msgUnknownEncoding)
	}
	return string(out), format, nil
}

func readDocx(data []byte) (*Document, error) {
	blocks, err := docx.Read(data)
	switch {
	case errors.Is(err, docx.ErrTooLarge):
		return nil, unionbot.Errorf(unionbot.EINVALID, msgDocxTooLarge)
	case err != nil:
		return nil, unionbot.Errorf(unionbot.EINVALID, msgBadDocx)
	}
	doc := &Document{Format: FormatDocx}
	for _, b := range blocks {
		if b.Table == nil {
			doc.Lines = append(doc.Lines, Line{Text: b.Text})
			continue
		}
		doc.Lines = append(doc.Lines, tableLines(b.Table)...)
	}
	return doc, nil
}
