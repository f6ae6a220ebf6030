package faq

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"strings"

	"gopkg.in/yaml.v3"

	"unionbot"
)

// csvHeader is the column order of the CSV export; imports accept the
// columns in any order, by name.
var csvHeader = []string{"问题", "答案", "同义问法", "关键词", "分类"}

// csvColumns maps each accepted header, Chinese or English, to its column.
var csvColumns = map[string]string{
	"问题": "question", "question": "question", "標準問題": "question", "标准问题": "question", "問題": "question",
	"答案": "answer", "answer": "answer",
	"同义问法": "alternates", "同義問法": "alternates", "alternates": "alternates",
	"关键词": "keywords", "關鍵詞": "keywords", "keywords": "keywords",
	"分类": "category", "分類": "category", "类别": "category", "category": "category",
}

// ParseFile reads entries from YAML or CSV; format is "yaml", "csv" or ""
// (guessed: a first line naming the question column is CSV). EINVALID with
// the reason in Chinese when the file cannot be read.
func ParseFile(data []byte, format string) ([]*Entry, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")) // Excel's UTF-8 BOM
	if format == "" {
		first, _, _ := strings.Cut(string(data), "\n")
		format = "yaml"
		if (strings.Contains(first, "question") || strings.Contains(first, "问题") || strings.Contains(first, "問題")) &&
			strings.Contains(first, ",") && !strings.Contains(first, ":") {
			format = "csv"
		}
	}
	var (
		entries []*Entry
		err     error
	)
	switch format {
	case "yaml", "yml":
		entries, err = ParseYAML(data)
	case "csv":
		entries, err = parseCSV(data)
	default:
		return nil, unionbot.Errorf(unionbot.EINVALID, "不支持的格式“%s”，请用 yaml 或 csv。", format)
	}
	if err != nil {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%v", err)
	}
	return entries, nil
}

func parseCSV(data []byte) ([]*Entry, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("CSV 文件为空或格式有误")
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.TrimPrefix(strings.ToLower(strings.TrimSpace(h)), "\ufeff")
		if name, ok := csvColumns[h]; ok {
			col[name] = i
		}
	}
	if _, ok := col["question"]; !ok {
		return nil, fmt.Errorf("CSV 第一行须是列名，且包含“问题”和“答案”（或 question 和 answer）")
	}
	if _, ok := col["answer"]; !ok {
		return nil, fmt.Errorf("CSV 第一行须是列名，且包含“问题”和“答案”（或 question 和 answer）")
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return unionbot.PlainCSVCell(strings.TrimSpace(rec[i]))
		}
		return ""
	}
	var out []*Entry
	for line := 2; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("CSV 第 %d 行格式有误：%v", line, err)
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		out = append(out, &Entry{Question: get(rec, "question"), Answer: get(rec, "answer"),
			Alternates: SplitList(get(rec, "alternates")), Keywords: SplitList(get(rec, "keywords")),
			Category: get(rec, "category"), Enabled: true})
	}
}

// WriteYAML writes entries in the import format.
func WriteYAML(w io.Writer, entries []*Entry) error {
	enc := yaml.NewEncoder(w)
	enc.SetIndent(2)
	if err := enc.Encode(entries); err != nil {
		return err
	}
	return enc.Close()
}

// WriteCSV writes entries in the import format, lists |-separated, with a
// BOM so that Excel opens the Chinese text right.
func WriteCSV(w io.Writer, entries []*Entry) error {
	if _, err := io.WriteString(w, "\xef\xbb\xbf"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Write(csvHeader)
	for _, e := range entries {
		cw.Write(unionbot.SafeCSVRow([]string{e.Question, e.Answer, strings.Join(e.Alternates, "|"), strings.Join(e.Keywords, "|"), e.Category}))
	}
	cw.Flush()
	return cw.Error()
}
