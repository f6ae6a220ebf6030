package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"unionbot"
	"unionbot/bot/wecom/fakewecom"
	"unionbot/storage/storagetest"
)

// runCLI runs `unionbot args...` with env as its whole environment.
func runCLI(env map[string]string, args ...string) (string, error) {
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &out, &errOut)
	return out.String() + errOut.String(), err
}

func mustCLI(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	out, err := runCLI(env, args...)
	if err != nil {
		t.Fatalf("unionbot %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// activity is what a union has under way: a roster with a waitlist, a
// suggestion under review whose notice WeCom has not taken yet, and a
// teacher half-way through a form.
type activity struct {
	no string // the suggestion's tracking number
}

func startActivity(t *testing.T, h *harness) *activity {
	t.Helper()
	MustOpenEvent(t, h, 1)
	last := mustTurns(t, h, []turn{
		{"t001", "我要报名羽毛球", "报名成功"},
		{"t002", "我要报名羽毛球", "候补第 1 位"},
		{"t003", "提建议", "请用一句话写出建议的标题"},
		{"t003", "食堂增加晚餐窗口", "属于哪一类"},
		{"t003", "后勤", "请写出建议的内容"},
		{"t003", "晚自习老师下班晚，食堂晚餐窗口太少。", "您建议怎么做"},
		{"t003", "增开两个窗口。", "是否匿名"},
		{"t003", "否", "【标题】食堂增加晚餐窗口"},
		{"t003", "确认提交", "已提交，编号 JY-2026-0001"},
	})
	a := &activity{no: trackingNo(t, last, "JY")}
	mustTurns(t, h, []turn{
		{"t004", "提建议", "请用一句话写出建议的标题"},
		{"t004", "办公室增加绿植", "属于哪一类"},
		{"t004", "其他", "请写出建议的内容"},
	})
	// WeCom refuses for now (45009, its rate limit): the notice waits in
	// the outbox with its next attempt scheduled.
	h.Fake.FailNext("/cgi-bin/message/send", 45009, 1000)
	MustAPI(t, h, "POST", "/api/proposals/"+a.no+"/transition", `{"to":"审查中"}`, 200)
	h.WaitNotice(t, "proposal", 10*time.Second, func(n *unionbot.Notice) bool { // tried, and queued again
		return n.Ref == a.no && strings.Join(n.ToUsers, ",") == "t003" && n.Status == unionbot.NoticePending && n.Attempts >= 1
	})
	return a
}

// carryOn checks that every teacher carries on where they were, on a bot
// started on the restored database.
func carryOn(t *testing.T, h *harness, a *activity) {
	t.Helper()
	mustTurns(t, h, []turn{
		{"t004", "办公室空气不好。", "您建议怎么做"},
		{"t004", "每间办公室放两盆绿萝。", "是否匿名"},
		{"t004", "否", "【标题】办公室增加绿植"},
		{"t004", "确认提交", "已提交，编号 JY-2026-0002"},
		{"t001", "取消报名 羽毛球", "已取消"},
	})
	if got := h.Fake.WaitSent(1, 10*time.Second, func(s fakewecom.Sent) bool {
		return s.ToUser == "t002" && strings.Contains(s.Content, "转为正式报名")
	}); len(got) != 1 {
		t.Fatalf("the waitlisted teacher was not promoted after the restore")
	}
	mustTurns(t, h, []turn{{"t002", "我的报名", "已报名"}})
	MustAPI(t, h, "POST", "/api/proposals/"+a.no+"/transition", `{"to":"立案","note":"同意立案"}`, 200)

	// The notice queued before the backup goes out once its retry is due.
	h.Advance(t, time.Hour)
	h.Drain(t)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if h.Outbox.RunOnce(t.Context()) == 0 && len(review(h)) > 0 {
			break
		}
	}
	h.Drain(t)
	if got := review(h); len(got) != 1 {
		for _, s := range got {
			t.Logf("sent %+v", s)
		}
		ns, _ := h.DB.ListNotices(t.Context(), "proposal", 10)
		for _, n := range ns {
			t.Logf("notice %+v", *n)
		}
		t.Fatalf("the review notice queued before the backup arrived %d times, want once", len(got))
	}
}

func review(h *harness) []fakewecom.Sent {
	var out []fakewecom.Sent
	for _, s := range h.Fake.SentTo("t003") {
		if strings.Contains(s.Content, "已进入审查") {
			out = append(out, s)
		}
	}
	return out
}

const backupClock = "2026-03-02T09:00:00+08:00"

// TestBackupRestoreCarriesOn backs up a running bot mid-activity with
// `unionbot backup`, restores the file into a fresh database with
// `unionbot restore`, and starts the bot on it: the half-filled form, the
// waitlist, the suggestion's workflow and the queued notice all go on.
func TestBackupRestoreCarriesOn(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			h1 := MustRunMain(t, driver, map[string]string{"test.clock": backupClock, "UNIONBOT_RATE_LIMIT": "0"})
			a := startActivity(t, h1)
			file := filepath.Join(t.TempDir(), "unionbot-backup.jsonl.gz")
			out := mustCLI(t, map[string]string{"UNIONBOT_DB": h1.Env["UNIONBOT_DB"]}, "backup", file)
			if !strings.Contains(out, "已备份到 "+file) {
				t.Fatalf("backup said %q", out)
			}

			target := map[string]string{"UNIONBOT_DB": storagetest.URL(t, driver)}
			if out := mustCLI(t, target, "restore", file); !strings.Contains(out, "已从 "+file+" 恢复") {
				t.Fatalf("restore said %q", out)
			}
			// A second restore would overwrite what is there now.
			if out, err := runCLI(target, "restore", file); err == nil || !strings.Contains(err.Error(), "--force") {
				t.Fatalf("restore into a database with data: %v (%s), want a refusal naming --force", err, out)
			}
			mustCLI(t, target, "restore", "--force", file)

			// The restored database replaces the old one: stop the old bot
			// (its outbox would otherwise retry the queued notice too, and
			// the WeCom HTTP client is one per process).
			h1.Close()

			h2 := MustRunMain(t, driver, map[string]string{"UNIONBOT_DB": target["UNIONBOT_DB"],
				"test.clock": backupClock, "UNIONBOT_RATE_LIMIT": "0"})
			carryOn(t, h2, a)
		})
	}
}

// TestMigrateDataSQLiteToMariaDB moves a running union from SQLite to
// MariaDB with `unionbot migrate-data`; the bot started on MariaDB carries
// on as in TestBackupRestoreCarriesOn.
func TestMigrateDataSQLiteToMariaDB(t *testing.T) {
	to := storagetest.URL(t, "mysql")
	h1 := MustRunMain(t, "sqlite", map[string]string{"test.clock": backupClock, "UNIONBOT_RATE_LIMIT": "0"})
	a := startActivity(t, h1)
	out := mustCLI(t, nil, "migrate-data", "--from", h1.Env["UNIONBOT_DB"], "--to", to)
	if !strings.Contains(out, "已复制") || strings.Contains(out, "unionbot:unionbot@") {
		t.Fatalf("migrate-data said %q (and must not print the password)", out)
	}
	h1.Close() // moved: the SQLite bot stops, the MariaDB one starts
	h2 := MustRunMain(t, "mysql", map[string]string{"UNIONBOT_DB": to, "test.clock": backupClock, "UNIONBOT_RATE_LIMIT": "0"})
	carryOn(t, h2, a)
}

// TestRestoreRefusals: a file that is not a backup, a backup cut short,
// and a backup from a newer program are refused with a sentence, and the
// target is left as it was.
func TestRestoreRefusals(t *testing.T) {
	dir := t.TempDir()
	target := map[string]string{"UNIONBOT_DB": storagetest.URL(t, "sqlite")}
	h := MustRunMain(t, "sqlite", map[string]string{"test.clock": backupClock})
	file := filepath.Join(dir, "good.jsonl")
	mustCLI(t, map[string]string{"UNIONBOT_DB": h.Env["UNIONBOT_DB"]}, "backup", file)
	good := mustReadFile(t, file)
	lines := strings.SplitAfter(strings.TrimSpace(good), "\n")
	newer := strings.Replace(good, `"schema":`, `"schema":99`, 1)
	for _, tc := range []struct{ name, content, want string }{
		{"not a backup", "name,phone\n张三,123\n", "不是 unionbot backup 写出的备份文件"},
		{"cut short", strings.Join(lines[:len(lines)-1], ""), "备份文件不完整"},
		{"newer", newer, "备份来自更新版本"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"))
		mustWriteFile(t, path, tc.content)
		out, err := runCLI(target, "restore", path)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: restore = %v (%s), want %q", tc.name, err, out, tc.want)
		}
	}
	for _, tc := range []struct{ db, want string }{
		{"sqlite://" + filepath.Join(dir, "missing.db"), "不存在"},
		{target["UNIONBOT_DB"], "没有工会助手的数据"}, // left empty by the refusals above
	} {
		if out, err := runCLI(map[string]string{"UNIONBOT_DB": tc.db}, "backup", filepath.Join(dir, "x.jsonl")); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("backup of %s: %v (%s), want %q", tc.db, err, out, tc.want)
		}
	}
	if out, err := runCLI(target, "restore", "--help"); err == nil || !strings.Contains(out, "从备份文件恢复数据库") {
		t.Errorf("restore --help: %v, %q", err, out)
	}
}

func mustReadFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func mustWriteFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
