package docx_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"unionbot/handlers/announce/docx"
)

// mustZip is a .docx whose body is body (WordprocessingML without the
// document element).
func mustZip(t *testing.T, body string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>` + body + `</w:body></w:document>`))
	zw.Close()
	return buf.Bytes()
}

func TestRead(t *testing.T) {
	body := `<w:p><w:r><w:t>三月</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space="preserve">份：</w:t></w:r><w:r><w:tab/><w:t>植树</w:t></w:r><w:r><w:br/><w:t>第二行</w:t></w:r></w:p>` +
		`<w:p><w:del><w:r><w:delText>删掉的</w:delText></w:r></w:del><w:ins><w:r><w:t>插入的</w:t></w:r></w:ins></w:p>` +
		`<w:p><w:r><mc:AlternateContent><mc:Choice><w:drawing><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>` +
		`<w:tbl>` +
		`<w:tr><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p><w:r><w:t>学期与月份</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>工作</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:tcPr><w:vMerge w:val="restart"/></w:tcPr><w:p><w:r><w:t>上学期</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>九月</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>1、教师节</w:t></w:r></w:p><w:p/><w:p><w:r><w:t>2、拜师</w:t></w:r></w:p></w:tc></w:tr>` +
		`<w:tr><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc><w:tc><w:p><w:r><w:t>十月</w:t></w:r></w:p></w:tc><w:tc><w:tbl><w:tr><w:tc><w:p><w:r><w:t>嵌套</w:t></w:r></w:p></w:tc></w:tr></w:tbl><w:p><w:r><w:t>重阳</w:t></w:r></w:p></w:tc></w:tr>` +
		`</w:tbl><w:p><w:r><w:t>完</w:t></w:r></w:p>`
	blocks, err := docx.Read(mustZip(t, body))
	if err != nil {
		t.Fatal(err)
	}
	want := []docx.Block{
		{Text: "三月份： 植树"}, {Text: "第二行"}, {Text: "插入的"},
		{Text: "文本框"}, {Text: ""},
		{Table: &docx.Table{Rows: [][]docx.Cell{
			{{Paragraphs: []string{"学期与月份"}}, {Spanned: true}, {Paragraphs: []string{"工作"}}},
			{{Paragraphs: []string{"上学期"}}, {Paragraphs: []string{"九月"}}, {Paragraphs: []string{"1、教师节", "2、拜师"}}},
			{{Paragraphs: []string{"上学期"}, Merged: true}, {Paragraphs: []string{"十月"}}, {Paragraphs: []string{"嵌套", "重阳"}}},
		}}},
		{Text: "完"},
	}
	if diff := cmp.Diff(want, blocks); diff != "" {
		t.Fatalf("blocks (-want +got):\n%s", diff)
	}
}

func TestReadRefuses(t *testing.T) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("xl/workbook.xml")
	w.Write([]byte("<workbook/>"))
	zw.Close()
	for name, data := range map[string][]byte{
		"not a zip":     []byte("plain text"),
		"a spreadsheet": buf.Bytes(),
	} {
		if _, err := docx.Read(data); !errors.Is(err, docx.ErrNotDocx) {
			t.Errorf("%s: err=%v, want ErrNotDocx", name, err)
		}
	}
	if _, err := docx.Read(mustZip(t, "<w:p><w:r><w:t>未闭合")); err == nil || !strings.Contains(err.Error(), "document.xml") {
		t.Errorf("broken XML: err=%v", err)
	}
	big := mustZip(t, "<w:p><w:r><w:t>"+strings.Repeat("大", docx.MaxDocumentXML/3+1)+"</w:t></w:r></w:p>")
	if _, err := docx.Read(big); !errors.Is(err, docx.ErrTooLarge) {
		t.Errorf("a document.xml over the limit: err=%v, want ErrTooLarge", err)
	}
}
