package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"unionbot/handlers/faq"
)

// modeName says an import mode in Chinese.
var modeName = map[string]string{faq.ModeMerge: "合并", faq.ModeReplace: "替换本校问答"}

// runFAQ is `unionbot faq import FILE` and `unionbot faq export`.
func runFAQ(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("faq", e)
	format := fs.String("format", "", "yaml 或 csv（导入时按文件名判断；导出默认 yaml）")
	by := fs.String("by", "cli", "修改人，记在每条问答上")
	mode := fs.String("mode", faq.ModeMerge, "导入方式：merge 合并（新增和更新）或 replace 替换（文件即本校全部问答；内置问答保留）")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法：unionbot faq import [选项] 文件\n      unionbot faq export [选项] > 文件\n\n%s\n\n选项：\n", summary("faq"))
		fs.PrintDefaults()
	}
	if len(args) == 0 {
		fs.Usage()
		return fmt.Errorf("faq: say import or export")
	}
	sub := args[0]
	if sub != "import" && sub != "export" {
		if err := fs.Parse(args); err != nil { // -h, --help
			return err
		}
		fs.Usage()
		return fmt.Errorf("faq: unknown subcommand %q", sub)
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	m := NewMain(e)
	m.Quiet = true
	if err := m.Open(ctx, *cfgPath); err != nil {
		return err
	}
	defer m.Close()
	svc := m.Web.FAQ
	switch sub {
	case "import":
		if fs.NArg() != 1 {
			return fmt.Errorf("faq import: give one FILE (YAML or CSV)")
		}
		path := fs.Arg(0)
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("faq import: %w", err)
		}
		f := *format
		if f == "" {
			f = strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
			if f != "csv" && f != "yaml" && f != "yml" {
				f = "" // guess from the content
			}
		}
		entries, err := faq.ParseFile(data, f)
		if err != nil {
			return fmt.Errorf("faq import %s: %w", path, err)
		}
		res, err := svc.Import(cliActor(ctx, e, *by), entries, *by, *mode)
		if err != nil {
			return fmt.Errorf("faq import %s: %w", path, err)
		}
		fmt.Fprintf(e.stdout, "导入完成（%s）：新增 %d 条，更新 %d 条，删除 %d 条，现有 %d 条启用的问答。\n",
			modeName[res.Mode], res.Created, res.Updated, res.Removed, res.Entries)
		return nil
	case "export":
		list, err := svc.Entries(ctx)
		if err != nil {
			return err
		}
		if *format == "csv" {
			return faq.WriteCSV(e.stdout, list)
		}
		return faq.WriteYAML(e.stdout, list)
	}
	return nil
}
