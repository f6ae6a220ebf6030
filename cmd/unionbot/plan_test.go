package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
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
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{filepath.Join(seed, "plans-union-group-5.txt"), "--year", "2026", "--dry-run"}, "预览：共 13 个月、110 项"},
		{[]string{"--year", "2026", filepath.Join(seed, "plans-union-group-5.txt")}, "新增 110 项，删除 0 项，未变 0 项"},
		{[]string{filepath.Join(seed, "plans-union-group-5.txt"), "--year=2026"}, "新增 0 项，删除 0 项，未变 110 项"},
	} {
		out, err := runPlan(tc.args...)
		if err != nil || !strings.Contains(out, tc.want) {
			t.Fatalf("plan import %q = %v, %q; want %q", tc.args, err, out, tc.want)
		}
	}
	if _, err := runPlan(filepath.Join(seed, "plan-2020-primary-school.txt"), "--year", "2026"); err == nil || !strings.Contains(err.Error(), "没有在文本中找到按月的工作安排") {
		t.Fatalf("plan import of a plan without months: err=%v", err)
	}
}
