package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"unionbot"
)

const planHelp = `Subcommands:
  import FILE --year 2026 [--dry-run]   read the month schedule of a work plan
                                         (UTF-8 text) into the calendar

Re-importing the same text changes nothing; a corrected text replaces what
the earlier import of that year created, never what an admin entered by hand.`

func runPlan(ctx context.Context, e *env, args []string) error {
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprintf(e.stderr, "Usage: unionbot plan import FILE --year 2026 [--dry-run]\n\n%s\n\n%s\n", summaries["plan"], planHelp)
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
			return flag.ErrHelp
		}
		return fmt.Errorf("unknown plan subcommand %q", args[0])
	}
	fs, cfgPath := newFlags("plan", e)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: unionbot plan import FILE --year 2026 [--dry-run]\n\n%s\n\nFlags:\n", planHelp)
		fs.PrintDefaults()
	}
	year := fs.Int("year", time.Now().Year(), "the year of the plan: its first month schedule starts in this year")
	dry := fs.Bool("dry-run", false, "show what would be imported without changing the calendar")
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
	text, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	m := NewMain(e)
	if err := m.Open(ctx, *cfgPath); err != nil {
		return err
	}
	defer m.Close()
	p, res, err := m.Announce.Import(ctx, string(text), *year, *dry)
	if err != nil {
		if ue := (*unionbot.Error)(nil); errors.As(err, &ue) {
			return errors.New(ue.Message)
		}
		return err
	}
	for _, mo := range p.Months {
		fmt.Fprintf(e.stdout, "%d年%d月（%d 项）\n", mo.Year, mo.Month, len(mo.Items))
		for _, it := range mo.Items {
			fmt.Fprintf(e.stdout, "  · %s\n", it)
		}
	}
	for _, w := range p.Warnings {
		fmt.Fprintf(e.stdout, "提示：%s\n", w)
	}
	if *dry {
		fmt.Fprintf(e.stdout, "预览：共 %d 个月、%d 项，未写入日历（去掉 --dry-run 即可导入）。\n", len(p.Months), p.ItemCount())
		return nil
	}
	fmt.Fprintf(e.stdout, "已导入 %d 年计划：新增 %d 项，删除 %d 项，未变 %d 项。\n", *year, res.Added, res.Removed, res.Unchanged)
	return nil
}
