package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"unionbot"
	"unionbot/handlers/announce"
)

const planHelp = `Subcommands:
  import FILE --year 2026 [--dry-run] [--part N]
      read the month schedule of a work plan into the calendar. FILE is a
      Word .docx (paragraphs or a schedule table) or text in UTF-8, UTF-16
      (with BOM) or GBK/GB18030, e.g. pasted from a web page. Every line
      that is in no month is listed with the reason. A collection of plans
      (篇一, 篇二 …) is listed; pick one with --part.

Re-importing shows what is added, changed and removed against the calendar
and applies that: the same file changes nothing; an item of a month already
announced is kept and marked changed; what an admin entered by hand is never
touched.`

func runPlan(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprintf(e.stderr, "用法：unionbot plan import 文件 --year 2026 [--dry-run] [--part N]\n\n%s\n\n%s\n", summary("plan"), planHelp)
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
			return flag.ErrHelp
		}
		return fmt.Errorf("unknown plan subcommand %q", args[0])
	}
	fs, cfgPath := newFlags("plan", e)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: unionbot plan import FILE --year 2026 [--dry-run] [--part N]\n\n%s\n\nFlags:\n", planHelp)
		fs.PrintDefaults()
	}
	year := fs.Int("year", time.Now().Year(), "计划的年份：第一个月的安排从这一年开始")
	dry := fs.Bool("dry-run", false, "只预览会导入什么，不改动日历")
	part := fs.Int("part", 0, "一份文档里有几篇计划时导入第几篇（篇二即 2）")
	// Accept the file before or after the flags.
	var file string
	rest := args[1:]
	if len(rest) > 0 && rest[0] != "" && rest[0][0] != '-' {
		file, rest = rest[0], rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if file == "" && fs.NArg() > 0 {
		file = fs.Arg(0)
	}
	if file == "" {
		fs.Usage()
		return errors.New("plan import needs the plan's text file")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	m := NewMain(e)
	m.Quiet = true
	if err := m.Open(ctx, *cfgPath); err != nil {
		return err
	}
	defer m.Close()
	rep, err := m.Announce.ImportFile(cliActor(ctx, e, ""), announce.ImportRequest{Name: file, Data: data, Year: *year, Part: *part, DryRun: *dry})
	if rep != nil {
		printPlanReport(e.stdout, rep)
	}
	if err != nil {
		if ue := (*unionbot.Error)(nil); errors.As(err, &ue) {
			return errors.New(ue.Message)
		}
		return err
	}
	p, d := rep.Plan, rep.Diff
	switch {
	case d == nil:
		fmt.Fprintf(e.stdout, "预览：这是 %d 篇计划的合集，用 --part N 选一篇导入。\n", len(p.Parts))
	case *dry:
		picked, _ := p.Pick(*part)
		items := 0
		for _, mo := range picked {
			items += len(mo.Items)
		}
		fmt.Fprintf(e.stdout, "预览：共 %d 个月、%d 项；与日历相比新增 %d 项，修改 %d 项，删除 %d 项，未变 %d 项；%d 行没有排入月份。未写入日历（去掉 --dry-run 即可导入）。\n",
			len(picked), items, len(d.Added), len(d.Changed), len(d.Removed), d.Unchanged, len(p.Unplaced))
	default:
		fmt.Fprintf(e.stdout, "已导入 %d 年计划：新增 %d 项，修改 %d 项，删除 %d 项，未变 %d 项；%d 行没有排入月份。\n",
			*year, len(d.Added), len(d.Changed), len(d.Removed), d.Unchanged, len(p.Unplaced))
	}
	return nil
}

// printPlanReport writes what the import read: the months (or the plans
// of a collection), every line left out with its reason, the changes.
func printPlanReport(w io.Writer, rep *announce.ImportReport) {
	p := rep.Plan
	months := func(ms []announce.Month, indent string) {
		for _, mo := range ms {
			fmt.Fprintf(w, "%s%d年%d月（%d 项）\n", indent, mo.Year, mo.Month, len(mo.Items))
			for _, it := range mo.Items {
				fmt.Fprintf(w, "%s  · %s\n", indent, it)
			}
		}
	}
	if len(p.Parts) > 1 {
		for _, pt := range p.Parts {
			fmt.Fprintf(w, "第 %d 篇：%s（第%d行，%d 个月）\n", pt.No, pt.Title, pt.Line, len(pt.Months))
			months(pt.Months, "  ")
		}
	} else {
		months(p.Months, "")
	}
	for _, warn := range p.Warnings {
		fmt.Fprintf(w, "提示：%s\n", warn)
	}
	fmt.Fprintf(w, "共 %d 行（%s）：%d 行排入月份，%d 行没有排入：\n", p.Lines, rep.Format, p.Placed, len(p.Unplaced))
	for _, u := range p.Unplaced {
		fmt.Fprintf(w, "  第%d行 %s —— %s\n", u.Line, u.Text, u.Reason)
	}
	if d := rep.Diff; d != nil {
		for _, it := range d.Added {
			fmt.Fprintf(w, "+ %d年%d月 %s\n", it.Year, it.Month, it.Title)
		}
		for _, c := range d.Changed {
			if c.Kept {
				fmt.Fprintf(w, "~ %d年%d月 %s（该月已公告，保留并标为有变动）\n", c.Item.Year, c.Item.Month, c.From)
			} else {
				fmt.Fprintf(w, "~ %d年%d月 %s → %s\n", c.Item.Year, c.Item.Month, c.From, c.Item.Title)
			}
		}
		for _, it := range d.Removed {
			fmt.Fprintf(w, "- %d年%d月 %s\n", it.Year, it.Month, it.Title)
		}
	}
}
