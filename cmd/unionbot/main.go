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
	"sort"
	"strings"
	"syscall"
)

func main() {
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

// summaries is each command's one-line help.
var summaries = map[string]string{
	"serve":   "run the bot: WeCom and Official Account callbacks, admin API (the default)",
	"chat":    "talk to the bot in the terminal as a teacher (--user ID), against the same store",
	"migrate": "bring the database schema up to date and exit",
	"plan":    "import the union's annual work plan into the calendar (plan import FILE --year 2026)",
	"faq":     "manage the union Q&A: faq import FILE (YAML or CSV), faq export [--format csv]",
	"ballot":  "recount a published ballot result: ballot verify FILE (from GET /api/ballots/{id}/result)",
}

// commands is the table of subcommands; built in a function because the
// commands' own help refers back to summaries.
func commands() map[string]command {
	return map[string]command{
		"serve":   {summaries["serve"], runServe},
		"chat":    {summaries["chat"], runChat},
		"migrate": {summaries["migrate"], runMigrate},
		"plan":    {summaries["plan"], runPlan},
		"faq":     {summaries["faq"], runFAQ},
		"ballot":  {summaries["ballot"], runBallot},
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
		return fmt.Errorf("unknown command %q", name)
	}
	return cmd.run(ctx, e, args)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "unionbot — 工会助手 (the school union's chat bot)")
	fmt.Fprintln(w, "\nUsage: unionbot [command] [flags]   (no command runs serve)\n\nCommands:")
	var names []string
	for n := range summaries {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, summaries[n])
	}
	fmt.Fprintln(w, "\nRun 'unionbot COMMAND --help' for a command's flags. Settings come from")
	fmt.Fprintln(w, "environment variables (UNIONBOT_*, WECOM_*, WECHAT_*) or --config FILE; see README.md.")
}

// newFlags returns a flag set with --config, whose usage prints the summary.
func newFlags(name string, e *env) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	cfg := fs.String("config", "", "optional YAML file of settings (environment variables win)")
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "Usage: unionbot %s [flags]\n\n%s\n\nFlags:\n", name, summaries[name])
		fs.PrintDefaults()
	}
	return fs, cfg
}
