// Command loadgen plays WeCom (or the Official Account) against a running
// unionbot: it signs and encrypts teacher messages as WeCom does, sends a
// mix of them from N simulated teachers at a target rate or as fast as it
// can, and prints throughput, latency percentiles, errors and how many
// replies came back passively (in the HTTP answer) versus actively (the bot
// answered empty and sent the reply through message/send later).
//
//	loadgen -mix help -n 20000 -c 32 -floor          # 帮助, and the crypto-only floor for comparison
//	taskset -c 1 loadgen -mix help -floor -floor-cpu 0 -rounds 3   # bot pinned to CPU 0 too
//	loadgen -channel wechat -url http://127.0.0.1:8080/wechat/callback -floor -peer   # and silenceper's own server
//	loadgen -mix faq -n 20000 -c 32
//	loadgen -mix help:2,faq:2,signup:1,mine:1,form:1 -duration 30s -rate 300
//	loadgen storm -teachers 2000 -places 100         # one event, everyone at once
//	loadgen seed -db sqlite://bot.db -members 50000 -events 5000
//	loadgen faqbase -entries 880 -admin-token …     # a school-sized Q&A, through POST /api/faq/import
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
	"sort"
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
		case "faqbase":
			return runFAQBase(ctx, args[1:], getenv, out)
		case "floor-serve":
			return serveFloor(args[1:], getenv, out)
		case "peer-serve":
			return servePeer(args[1:], getenv, out)
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
	floor := fs.Bool("floor", false, "also measure a crypto-only floor server (a child process) and print the ratio")
	rounds := fs.Int("rounds", 1, "with -floor: alternate floor and unionbot runs this many times and print min/median/max of each")
	floorCPU := fs.String("floor-cpu", "", "run the floor (and peer) server under taskset -c LIST, on the CPUs the bot is pinned to")
	peer := fs.Bool("peer", false, "with -floor and -channel wechat: also measure silenceper/wechat's own server answering one line")
	if err := fs.Parse(args); err != nil {
		return err
	}
	mix, err := parseMix(o.Mix)
	if err != nil {
		return err
	}
	if *rounds < 1 {
		return fmt.Errorf("-rounds must be at least 1")
	}
	title := fmt.Sprintf("unionbot %s (%s), mix %s, %d teachers, %d in flight", t.URL, t.Channel, o.Mix, o.Teachers, o.Concurrency)
	if !*floor {
		res, err := load(ctx, t, mix, o)
		if err != nil {
			return err
		}
		res.print(out, title)
		return nil
	}
	// The contenders take turns, so that whatever else the machine is
	// doing falls on all of them alike.
	type contender struct {
		name      string
		t         target
		rates     []float64
		p99       []float64
		ratios    []float64
		isFloorOf bool
	}
	ft, closeFloor, err := startChild("floor-serve", t, *floorCPU)
	if err != nil {
		return err
	}
	defer closeFloor()
	cs := []*contender{{name: "floor", t: ft, isFloorOf: true}}
	if *peer {
		if t.Channel != "wechat" {
			return fmt.Errorf("-peer needs -channel wechat: silenceper/wechat has an Official Account server only")
		}
		pt, closePeer, err := startChild("peer-serve", t, *floorCPU)
		if err != nil {
			return err
		}
		defer closePeer()
		cs = append(cs, &contender{name: "peer", t: pt})
	}
	cs = append(cs, &contender{name: "unionbot", t: t})
	labels := map[string]string{"floor": "floor (verify, decrypt, encrypt only)", "peer": "peer (silenceper/wechat's Official Account server answering one line)", "unionbot": title}
	for i := 1; i <= *rounds; i++ {
		var floorRate float64
		for _, c := range cs {
			res, err := load(ctx, c.t, mix, o)
			if err != nil {
				return err
			}
			res.print(out, fmt.Sprintf("round %d/%d: %s", i, *rounds, labels[c.name]))
			c.rates = append(c.rates, res.Rate())
			c.p99 = append(c.p99, ms(res.Pct(99)))
			if c.isFloorOf {
				floorRate = res.Rate()
			} else if floorRate > 0 {
				c.ratios = append(c.ratios, res.Rate()/floorRate)
				fmt.Fprintf(out, "ratio %s/floor: %.2f (throughput)\n", c.name, res.Rate()/floorRate)
			}
		}
	}
	if *rounds > 1 {
		fmt.Fprintf(out, "== %d rounds, min / median / max\n", *rounds)
		for _, c := range cs {
			fmt.Fprintf(out, "%-8s %s msg/s, p99 %s ms\n", c.name, spread(c.rates, "%.0f"), spread(c.p99, "%.1f"))
		}
		for _, c := range cs[1:] {
			fmt.Fprintf(out, "ratio %-8s %s of the floor\n", c.name, spread(c.ratios, "%.2f"))
		}
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// spread prints min / median / max of xs in the given format.
func spread(xs []float64, format string) string {
	if len(xs) == 0 {
		return "-"
	}
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	f := func(x float64) string { return fmt.Sprintf(format, x) }
	return f(s[0]) + " / " + f(med) + " / " + f(s[len(s)-1])
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
