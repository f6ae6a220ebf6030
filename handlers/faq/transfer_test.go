package faq_test

import (
	"bytes"
	"testing"

	"github.com/google/go-cmp/cmp"

	"unionbot"
	"unionbot/handlers/faq"
)

func TestParseFile(t *testing.T) {
	want := []*faq.Entry{{Question: "食堂几点开饭？", Answer: "十一点半。", Alternates: []string{"午饭几点", "开饭时间"},
		Keywords: []string{"食堂"}, Category: "后勤", Enabled: true}}
	tests := []struct{ name, format, data string }{
		{"yaml lists", "yaml", "- question: 食堂几点开饭？\n  answer: 十一点半。\n  alternates: [午饭几点, 开饭时间]\n  keywords: [食堂]\n  category: 后勤\n"},
		{"yaml |-separated", "", "- question: 食堂几点开饭？\n  answer: 十一点半。\n  alternates: 午饭几点 | 开饭时间\n  keywords: 食堂\n  category: 后勤\n"},
		{"csv", "csv", "question,answer,alternates,keywords,category\n食堂几点开饭？,十一点半。,午饭几点|开饭时间,食堂,后勤\n"},
		{"csv guessed, BOM, columns reordered, full-width bar", "", "\xef\xbb\xbfcategory,keywords,question,alternates,answer\n后勤,食堂,食堂几点开饭？,午饭几点｜开饭时间,十一点半。\n\n"},
	}
	for _, tt := range tests {
		got, err := faq.ParseFile([]byte(tt.data), tt.format)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tt.name, diff)
		}
	}
	for _, bad := range []struct{ format, data string }{
		{"csv", "name,text\na,b\n"},
		{"yaml", "question: [unclosed"},
		{"xml", "<faq/>"},
	} {
		if _, err := faq.ParseFile([]byte(bad.data), bad.format); unionbot.ErrorCode(err) != unionbot.EINVALID {
			t.Errorf("ParseFile(%q, %q) err = %v, want EINVALID", bad.data, bad.format, err)
		}
	}
}

func TestExportRoundTrip(t *testing.T) {
	entries, err := faq.DefaultEntries()
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 45 {
		t.Fatalf("default entries = %d, want at least 45", len(entries))
	}
	for _, format := range []string{"yaml", "csv"} {
		var buf bytes.Buffer
		write := faq.WriteYAML
		if format == "csv" {
			write = faq.WriteCSV
		}
		if err := write(&buf, entries); err != nil {
			t.Fatal(err)
		}
		got, err := faq.ParseFile(buf.Bytes(), "")
		if err != nil {
			t.Fatalf("%s: re-read export: %v", format, err)
		}
		if diff := cmp.Diff(entries, got); diff != "" {
			t.Errorf("%s round trip (-want +got):\n%s", format, diff)
		}
	}
}
