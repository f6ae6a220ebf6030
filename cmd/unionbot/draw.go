package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"unionbot"
	"unionbot/handlers/signup"
)

// runDraw is `unionbot draw verify FILE`: it re-runs a published rotation
// draw from its seed and candidates, with no database, and checks that it
// gives the published order.
func runDraw(ctx context.Context, e *env, args []string) error {
	fs, _ := newFlags("draw", e)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法：unionbot draw verify 文件\n\n%s\n\n文件是 GET /api/events/{id}/draw 的 JSON，或管理后台活动页下载的抽签记录。\n", summary("draw"))
	}
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 {
			if err := fs.Parse(args); err != nil { // -h, --help
				return err
			}
		}
		fs.Usage()
		return fmt.Errorf("draw: say verify FILE")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("draw verify: give one FILE")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("draw verify: %w", err)
	}
	var p signup.Published
	if err := json.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("draw verify: %s 不是抽签记录（JSON）：%v", fs.Arg(0), err)
	}
	if err := signup.Verify(&p); err != nil {
		return fmt.Errorf("draw verify: 核对失败：%s", unionbot.ErrorMessage(err))
	}
	w := e.stdout
	fmt.Fprintf(w, "“%s”（编号 %d）抽签：种子 %s，%d 人，回看 %d 年。\n", p.Title, p.EventID, p.Seed, len(p.Candidates), p.LookbackYears)
	for i, o := range signup.Draw(p.Seed, p.Candidates) {
		last := "近年未参加"
		if o.Last > 0 {
			last = fmt.Sprintf("%d 年参加过", o.Last)
		}
		fmt.Fprintf(w, "%d. %s（%s，%s）签号 %s\n", i+1, o.Name, o.UserID, last, signup.Ticket(p.Seed, o.UserID)[:12])
	}
	fmt.Fprintln(w, "重新抽签的顺序与公布的一致。")
	return nil
}
