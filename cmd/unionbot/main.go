// Command unionbot is the union bot (工会助手): one binary whose subcommands
// serve the WeCom and Official Account callbacks and the admin API, talk to
// the bot in a terminal, and migrate the database.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
)

// defaultMemoryLimit is the Go runtime's soft memory limit when GOMEMLIMIT
// is not set: the collector works harder as the heap nears it, so that the
// process stays near 150 MiB resident under a sustained load (README:
// Speed, memory and faults). GOMEMLIMIT=off (or a size such as 512MiB)
// overrides it.
const defaultMemoryLimit = 110 << 20

func main() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(defaultMemoryLimit)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		os.Exit(0)
	case err != nil:
		fmt.Fprintln(os.Stderr, "unionbot:", err)
		os.Exit(1)
	}
}

// env is what a command gets from the world, so tests can give their own.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand, with its help text (upspin's command table).
type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// summary is each command's one-line help, in Chinese for the union's
// staff (the flags keep their English names).
func summary(name string) string {
	switch name {
	case "serve":
		return "运行工会助手：企业微信与公众号回调、管理接口和管理后台（不写命令时即为 serve）"
	case "chat":
		return "在终端里以某位老师的身份与工会助手对话（--user 账号），用同一个数据库"
	case "migrate":
		return "把数据库结构升级到最新后退出"
	case "plan":
		return "导入年度工作计划到工会日历：plan import 文件 --year 2026（Word、文本均可）"
	case "faq":
		return "管理问答库：faq import 文件（YAML 或 CSV）、faq export [--format csv]"
	case "draw":
		return "重新抽签核对公布的名额分配：draw verify 文件（来自 GET /api/events/{id}/draw）"
	case "ballot":
		return "重新计票核对公布的投票结果：ballot verify 文件（来自 GET /api/ballots/{id}/result）"
	case "backup":
		return "备份数据库到文件：backup 文件（运行中也可以；SQLite、MySQL 均可，备份可恢复到任一种）"
	case "restore":
		return "从备份文件恢复数据库：restore 文件 [--force]（先停止工会助手；恢复后自动升级结构）"
	case "migrate-data":
		return "把全部数据从一个数据库复制到另一个：migrate-data --from sqlite://… --to mysql://…"
	}
	return ""
}

// commands is the table of subcommands (upspin's command table).
func commands() map[string]command {
	return map[string]command{
		"serve":        {summary("serve"), runServe},
		"chat":         {summary("chat"), runChat},
		"migrate":      {summary("migrate"), runMigrate},
		"plan":         {summary("plan"), runPlan},
		"faq":          {summary("faq"), runFAQ},
		"ballot":       {summary("ballot"), runBallot},
		"draw":         {summary("draw"), runDraw},
		"backup":       {summary("backup"), runBackup},
		"restore":      {summary("restore"), runRestore},
		"migrate-data": {summary("migrate-data"), runMigrateData},
	}
}

func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	} else if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		usage(stdout)
		return nil
	}
	if name == "help" {
		usage(stdout)
		return nil
	}
	cmd, ok := commands()[name]
	if !ok {
		usage(stderr)
		return fmt.Errorf("没有“%s”这个命令（unionbot help 列出全部命令）", name)
	}
	return cmd.run(ctx, e, args)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "unionbot — 工会助手")
	fmt.Fprintln(w, "\n用法：unionbot [命令] [选项]   （不写命令即运行 serve）\n\n命令：")
	var names []string
	for n := range commands() {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, summary(n))
	}
	fmt.Fprintln(w, "\n“unionbot 命令 --help”列出该命令的选项。设置来自环境变量（UNIONBOT_*、WECOM_*、WECHAT_*）")
	fmt.Fprintln(w, "或 --config 文件（YAML），详见 README.md。")
}

// newFlags returns a flag set with --config, whose usage prints the summary.
func newFlags(name string, e *env) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfg := fs.String("config", "", "设置文件（YAML，可选；环境变量优先）")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法：unionbot %s [选项]\n\n%s\n\n选项：\n", name, summary(name))
		fs.PrintDefaults()
	}
	return fs, cfg
}
