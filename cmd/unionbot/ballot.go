package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"

	"unionbot"
	"unionbot/handlers/ballot"
)

// runBallot is `unionbot ballot verify FILE`: it recounts a published
// result from its own list, with no database and no trust in the server:
// every answer fits the questions, the SHA-256 chain from the ballot's
// header through every line reaches the published head, and the tally
// equals the published one.
func runBallot(ctx context.Context, e *env, args []string) error {
	fs, _ := newFlags("ballot", e)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "用法：unionbot ballot verify 文件\n\n%s\n\n文件是 GET /api/ballots/{id}/result 的 JSON，或投票人从 /ballots/{id}/result 下载的名单。\n", summary("ballot"))
	}
	if len(args) == 0 || args[0] != "verify" {
		if len(args) > 0 {
			if err := fs.Parse(args); err != nil { // -h, --help
				return err
			}
		}
		fs.Usage()
		return fmt.Errorf("ballot: say verify FILE")
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("ballot verify: give one FILE")
	}
	data, err := os.ReadFile(fs.Arg(0))
	if err != nil {
		return fmt.Errorf("ballot verify: %w", err)
	}
	var p ballot.Published
	if err := json.Unmarshal(data, &p); err != nil {
		return fmt.Errorf("ballot verify: %s 不是投票结果名单（JSON）：%v", fs.Arg(0), err)
	}
	t, err := ballot.Verify(&p)
	if err != nil {
		return fmt.Errorf("ballot verify: 核对失败：%s", unionbot.ErrorMessage(err))
	}
	w := e.stdout
	fmt.Fprintf(w, "“%s”（编号 %d）\n", p.Ballot.Title, p.Ballot.ID)
	fmt.Fprintf(w, "链：%d 张选票，从投票信息的哈希 %s 起逐行重算，链头 %s 与公布的一致。\n", len(p.Lines), p.Seed, p.Head)
	quorum := "达到"
	if !t.QuorumMet {
		quorum = "未达到"
	}
	fmt.Fprintf(w, "重新计票：应投票 %d 人，实际投票 %d 人（%s），%s法定人数（%s）。\n", t.Electorate, t.Voted, t.Participation, quorum, p.Ballot.Quorum)
	for _, q := range t.Questions {
		fmt.Fprintln(w, ballot.SummaryLine(q))
	}
	fmt.Fprintln(w, "与公布的计票结果一致。")
	return nil
}
