// Command loadgen plays WeCom (or the Official Account) against a running
// unionbot: it signs and encrypts teacher messages as WeCom does, sends a
// mix of them from N simulated teachers at a target rate or as fast as it
// can, and prints throughput, latency percentiles, errors and how many
// replies came back passively (in the HTTP answer) versus actively (the bot
// answered empty and sent the reply through message/send later).
//
//	loadgen -mix help -n 20000 -c 32 -floor          # 帮助, and the crypto-only floor for comparison
//	loadgen -mix faq -n 20000 -c 32
//	loadgen -mix help:2,faq:2,signup:1,mine:1,form:1 -duration 30s -rate 300
//	loadgen storm -teachers 2000 -places 100         # one event, everyone at once
//	loadgen seed -db sqlite://bot.db -members 50000 -events 5000
//
// The bot under test should run with UNIONBOT_RATE_LIMIT=0 for throughput
// runs (the default allows 20 messages a teacher a minute).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

// target is the bot's callback and the credentials to play WeCom with.
type target struct {
	URL     string // e.g. http://127.0.0.1:8080/wecom/callback
	Channel string // wecom or wechat
	Token   string
	AESKey  string
	CorpID  string
}

func (t *target) flags(fs *flag.FlagSet, getenv func(string) string) {
	def := func(k, d string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return d
	}
	fs.StringVar(&t.URL, "url", "http://127.0.0.1:8080/wecom/callback", "the bot's callback URL (/wechat/callback with -channel wechat)")
	fs.StringVar(&t.Channel, "channel", "wecom", "wecom, or wechat for the Official Account path (safe mode; -corp is then the app id)")
	fs.StringVar(&t.Token, "token", def("WECOM_TOKEN", "QDG6eK"), "callback token (WECOM_TOKEN, or WECHAT_TOKEN for -channel wechat)")
	fs.StringVar(&t.AESKey, "aes-key", def("WECOM_ENCODING_AES_KEY", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"), "EncodingAESKey (WECOM_ENCODING_AES_KEY)")
	fs.StringVar(&t.CorpID, "corp", def("WECOM_CORP_ID", "wx5823bf96d3bd56c7"), "corp id (WECOM_CORP_ID), or the Official Account's app id with -channel wechat")
}

func run(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "storm":
			return runStorm(ctx, args[1:], getenv, out)
		case "seed":
			return runSeed(ctx, args[1:], out)
		case "floor-serve":
			return serveFloor(args[1:], getenv, out)
		}
	}
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	var t target
	t.flags(fs, getenv)
	var o loadOptions
	fs.StringVar(&o.Mix, "mix", "help", "what teachers send, kind:weight,... of help, faq, signup, mine, form")
	fs.IntVar(&o.Teachers, "teachers", 200, "simulated teachers (user ids lt00001...)")
	fs.IntVar(&o.Concurrency, "c", 32, "messages in flight")
	fs.IntVar(&o.N, "n", 10000, "messages to send (ignored with -duration)")
	fs.DurationVar(&o.Duration, "duration", 0, "send for this long instead of -n messages")
	fs.Float64Var(&o.Rate, "rate", 0, "target messages per second; 0 is as fast as possible")
	fs.IntVar(&o.Warmup, "warmup", 200, "messages sent first and left out of the figures")
	floor := fs.Bool("floor", false, "also measure a crypto-only floor server in this process and print the ratio")
	if err := fs.Parse(args); err != nil {
		return err
	}
	mix, err := parseMix(o.Mix)
	if err != nil {
		return err
	}
	var floorRes *result
	if *floor {
		ft, closeFloor, err := startFloor(t)
		if err != nil {
			return err
		}
		floorRes, err = load(ctx, ft, mix, o)
		closeFloor()
		if err != nil {
			return err
		}
		floorRes.print(out, "floor (verify, decrypt, encrypt only)")
	}
	res, err := load(ctx, t, mix, o)
	if err != nil {
		return err
	}
	res.print(out, fmt.Sprintf("unionbot %s (%s), mix %s, %d teachers, %d in flight", t.URL, t.Channel, o.Mix, o.Teachers, o.Concurrency))
	if floorRes != nil && floorRes.Rate() > 0 {
		fmt.Fprintf(out, "ratio unionbot/floor: %.2f (throughput), p99 %s vs %s\n", res.Rate()/floorRes.Rate(), res.Pct(99), floorRes.Pct(99))
	}
	return nil
}

// parseMix reads help:2,faq:1 into weights; a bare kind weighs 1.
func parseMix(s string) ([]mixItem, error) {
	var out []mixItem
	for _, part := range strings.Split(s, ",") {
		kind, w, _ := strings.Cut(strings.TrimSpace(part), ":")
		weight := 1
		if w != "" {
			if _, err := fmt.Sscanf(w, "%d", &weight); err != nil || weight < 1 {
				return nil, fmt.Errorf("-mix: bad weight in %q", part)
			}
		}
		if _, ok := scripts[kind]; !ok {
			return nil, fmt.Errorf("-mix: unknown kind %q (help, faq, signup, mine, form)", kind)
		}
		out = append(out, mixItem{kind, weight})
	}
	return out, nil
}

// waitFor is how long runStorm and friends wait for the bot to settle.
const waitFor = 30 * time.Second
