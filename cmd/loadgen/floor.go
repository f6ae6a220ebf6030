package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"unionbot/bot"
	"unionbot/bot/wechat"
	"unionbot/bot/wecom"
)

// echo is the floor's whole "bot": it answers at once without looking
// anything up.
type echo struct{}

func (echo) Serve(_ context.Context, m *bot.Message) string { return "收到：" + m.Text }

// startChild runs the floor server (kind "floor-serve", or the peer,
// "peer-serve") in a child process of its own (this
// binary, "loadgen floor-serve"), so it is measured as the bot is: in its
// own process, across loopback. It serves the least any WeCom bot must do
// per message, with the bot's own callback code: check the signature and
// timestamp, decrypt, parse, encrypt a reply. The ratio of unionbot's
// throughput to this shows what the bot's own work costs.
//
// With cpus set the floor runs under "taskset -c cpus", so that it gets the
// CPUs the bot was pinned to and not the load generator's own.
func startChild(kind string, t target, cpus string) (target, func(), error) {
	exe, err := os.Executable()
	if err != nil {
		return t, nil, err
	}
	argv := []string{exe, kind, "-channel", t.Channel, "-token", t.Token, "-aes-key", t.AESKey, "-corp", t.CorpID}
	if cpus != "" {
		argv = append([]string{"taskset", "-c", cpus}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return t, nil, err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return t, nil, err
	}
	addr, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		cmd.Process.Kill()
		return t, nil, fmt.Errorf("%s: %w", kind, err)
	}
	ft := t
	ft.URL = "http://" + strings.TrimSpace(addr) + "/callback"
	return ft, func() { cmd.Process.Kill(); cmd.Wait() }, nil
}

// serveFloor is "loadgen floor-serve": it listens on a free loopback port,
// prints the address and serves until killed.
func serveFloor(args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("loadgen floor-serve", flag.ContinueOnError)
	var t target
	t.flags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	var h http.Handler
	if t.Channel == "wechat" {
		cb, err := wechat.NewCallback(t.Token, t.CorpID, t.AESKey, echo{})
		if err != nil {
			return err
		}
		h = cb
	} else {
		cb, err := wecom.NewCallback(t.Token, t.AESKey, t.CorpID, echo{})
		if err != nil {
			return err
		}
		h = cb
	}
	return serveLoopback(h, out)
}

// serveLoopback serves h on a free loopback port, printing the address
// first (startChild reads it), until killed.
func serveLoopback(h http.Handler, out io.Writer) error {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Fprintln(out, ln.Addr().String())
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	return srv.Serve(ln)
}
