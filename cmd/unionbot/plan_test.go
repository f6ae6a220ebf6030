package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"unionbot/handlers/announce/announcetest"
)

func TestPlanImportCommand(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"UNIONBOT_DB": "sqlite://" + filepath.Join(dir, "bot.db"), "UNIONBOT_LOG_LEVEL": "error"}
	getenv := func(k string) string { return env[k] }
	seed := filepath.Join("..", "..", "handlers", "announce", "testdata")
	runPlan := func(args ...string) (string, error) {
		var out strings.Builder
		err := run(context.Background(), append([]string{"plan", "import"}, args...), getenv, strings.NewReader(""), &out, io.Discard)
		return out.String(), err
	}
	text, err := os.ReadFile(filepath.Join(seed, "plans-union-group-5.txt"))
	if err != nil {
		t.Fatal(err)
	}
	docx := filepath.Join(dir, "plan.docx")
	if err := os.WriteFile(docx, announcetest.MustDocxTable(t, string(text), "工会"), 0o600); err != nil {
		t.Fatal(err)
	}
	gbk := filepath.Join(dir, "plan-gbk.txt")
	if err := os.WriteFile(gbk, announcetest.MustGBK(t, string(text)), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{filepath.Join(seed, "plans-union-group-5.txt"), "--year", "2026", "--dry-run"},
			[]string{"第 4 篇：工会小组年度工作计划篇四", "预览：这是 5 篇计划的合集", "第13行 工会小组年度工作计划篇一 —— 合集中一篇计划的标题"}},
		{[]string{docx, "--year", "2026", "--dry-run", "--part", "4"},
			[]string{"2026年12月（3 项）", "  · 年终总结（负责人：工会）", "（docx）", "预览：共 12 个月、33 项；与日历相比新增 33 项，修改 0 项，删除 0 项", "学期 | 月份 | 主要工作 | 负责人 —— 表格的标题行"}},
		{[]string{"--year", "2026", "--part=4", docx}, []string{"新增 33 项，修改 0 项，删除 0 项，未变 0 项"}},
		{[]string{gbk, "--year=2026", "--part", "4"}, []string{"（gb18030）", "新增 0 项，修改 33 项"}}, // the owner is gone
		{[]string{gbk, "--year=2026", "--part", "4"}, []string{"新增 0 项，修改 0 项，删除 0 项，未变 33 项"}},
	} {
		out, err := runPlan(tc.args...)
		if err != nil {
			t.Fatalf("plan import %q: %v\n%s", tc.args, err, out)
		}
		for _, w := range tc.want {
			if !strings.Contains(out, w) {
				t.Fatalf("plan import %q =\n%s\nwant %q", tc.args, out, w)
			}
		}
	}
	if _, err := runPlan(filepath.Join(seed, "plan-2020-primary-school.txt"), "--year", "2026"); err == nil || !strings.Contains(err.Error(), "没有在文本中找到按月的工作安排") {
		t.Fatalf("plan import of a plan without months: err=%v", err)
	}
	doc := filepath.Join(dir, "old.doc")
	os.WriteFile(doc, []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), 0o600)
	if _, err := runPlan(doc, "--year", "2026"); err == nil || !strings.Contains(err.Error(), "另存为”.docx") {
		t.Fatalf("plan import of a .doc: err=%v", err)
	}
}
