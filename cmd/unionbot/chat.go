package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"time"

	"unionbot/bot"
)

func runChat(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("chat", e)
	user := fs.String("user", "", "the teacher to talk as (a WeCom user id such as t001)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *user == "" {
		fs.Usage()
		return fmt.Errorf("chat needs --user ID")
	}
	m := NewMain(e)
	if err := m.Open(ctx, *cfgPath); err != nil {
		return err
	}
	defer m.Close()
	fmt.Fprintf(e.stdout, "以 %s 的身份与工会助手对话（输入“帮助”查看功能，Ctrl-D 退出）。\n", *user)
	sc := bufio.NewScanner(e.stdin)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for {
		fmt.Fprint(e.stdout, "> ")
		if !sc.Scan() {
			fmt.Fprintln(e.stdout)
			return sc.Err()
		}
		id := make([]byte, 8)
		rand.Read(id)
		msg := &bot.Message{Channel: bot.ChannelCLI, UserID: *user, MsgID: hex.EncodeToString(id),
			Type: bot.TypeText, Text: sc.Text(), CreateTime: time.Now()}
		if reply := m.Bot.Handle(ctx, msg); reply != "" {
			fmt.Fprintln(e.stdout, reply)
		}
		if ctx.Err() != nil {
			return nil
		}
	}
}
