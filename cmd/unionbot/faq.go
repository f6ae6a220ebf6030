package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"unionbot/handlers/faq"
)

// runFAQ is `unionbot faq import FILE` and `unionbot faq export`.
func runFAQ(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("faq", e)
	format := fs.String("format", "", "yaml or csv (import: guessed from the file name; export: yaml)")
	by := fs.String("by", "cli", "who made the change, kept on each entry")
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
		created, updated, err := svc.Import(ctx, entries, *by)
		if err != nil {
			return fmt.Errorf("faq import %s: %w", path, err)
		}
		fmt.Fprintf(e.stdout, "导入完成：新增 %d 条，更新 %d 条，现有 %d 条启用的问答。\n", created, updated, svc.Engine.Len())
		return nil
	case "export":
		list, err := svc.Store.ListFAQ(ctx)
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
