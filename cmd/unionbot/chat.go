package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"unionbot/bot"
	"unionbot/bot/wecom"
)

func runChat(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("chat", e)
	user := fs.String("user", "", "以哪位老师的身份对话（企业微信账号，如 t001）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *user == "" {
		fs.Usage()
		return fmt.Errorf("chat needs --user ID")
	}
	m := NewMain(e)
	m.Quiet = true // a conversation, not a server: no start-up banner
	if err := m.Open(ctx, *cfgPath); err != nil {
		return err
	}
	defer m.Close()
	// The teacher sees what they would receive (a promotion, a proposal's
	// progress) right here; with WeCom not configured, so does everything
	// else the bot sends, marked with its recipients, instead of failing.
	if s, ok := m.Outbox.Sender.(*wecom.Sender); ok && s.WeCom == nil {
		s.WeCom = cliSender{e: e, self: *user}
	}
	go m.Outbox.Run(ctx)
	fmt.Fprintf(e.stdout, "以 %s 的身份与工会助手对话（输入“帮助”查看功能，Ctrl-D 退出）。\n", *user)
	in := bufio.NewReader(e.stdin)
	for {
		fmt.Fprint(e.stdout, "> ")
		line, err := in.ReadString('\n')
		if err != nil && line == "" {
			fmt.Fprintln(e.stdout)
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		id := make([]byte, 8)
		rand.Read(id)
		msg := &bot.Message{Channel: bot.ChannelCLI, UserID: *user, MsgID: hex.EncodeToString(id),
			Type: bot.TypeText, Text: strings.TrimRight(line, "\r\n"), CreateTime: time.Now()}
		if reply := m.Bot.Handle(ctx, msg); reply != "" {
			fmt.Fprintln(e.stdout, reply)
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}
