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
	format := fs.String("format", "", "yaml or csv (import: guessed from the file name; export: yaml)")
	by := fs.String("by", "cli", "who made the change, kept on each entry")
	mode := fs.String("mode", faq.ModeMerge, "import: merge (add and update) or replace (the file becomes the union's own entries; the starter set is kept)")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: unionbot faq import [flags] FILE\n       unionbot faq export [flags] > FILE\n\n%s\n\nFlags:\n", summaries["faq"])
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
		res, err := svc.Import(ctx, entries, *by, *mode)
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
