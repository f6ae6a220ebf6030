package care_test

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"unionbot"
	"unionbot/bot"
	"unionbot/handlers/care"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

var update = flag.Bool("update", false, "rewrite the golden conversations in testdata")

type turn struct{ user, text string }

// mustBot is the care chat offline through the router on a SQLite store,
// with the clock standing at now: teachers t1 and t2, care staff c1 and
// c2, and an admin "adm" without the care role.
func mustBot(t *testing.T, now time.Time) (*bot.Bot, *care.Service, *storage.DB) {
	t.Helper()
	db := storagetest.MustOpenDB(t, "sqlite")
	clock := func() time.Time { return now }
	db.Now = clock
	ctx := context.Background()
	svc := &care.Service{Store: db, Members: db, Now: clock, Location: now.Location()}
	for _, m := range []*unionbot.Member{{UserID: "t1", Name: "张老师", Department: "语文组"}, {UserID: "t2", Name: "李老师", Department: "数学组"},
		{UserID: "c1", Name: "关怀干事"}, {UserID: "c2", Name: "王干事"}, {UserID: "adm", Name: "工会主席", Role: unionbot.RoleAdmin}} {
		if err := db.SaveMember(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []string{"c1", "c2"} {
		if err := svc.Grant(ctx, u, "adm", true); err != nil {
			t.Fatal(err)
		}
	}
	ch := &care.Chat{Service: svc}
	r := bot.NewRouter()
	r.HandleExact("报告慰问", ch.Report)
	r.HandleExact("工会关怀", ch.Report)
	r.HandleExact("我的关怀", ch.Mine)
	r.Handle("认领", ch.Claim)
	r.Handle("指派", ch.Assign)
	r.Flow(care.FlowReport, "报告慰问", ch.Form)
	r.Fallback(func(c *bot.Context) error { return c.Reply("（问答）") })
	b := &bot.Bot{Router: r, Sessions: db, Members: db, Dedup: storage.NewMemory(), Outbox: db, Now: clock, Location: now.Location(),
		SessionTTL: 24 * time.Hour, IsAdmin: func(u string) bool { return u == "adm" }}
	return b, svc, db
}

// TestConversation: a teacher reports a colleague in hospital in chat (a
// wrong pick is asked again), the colleague sees nothing until staff act,
// an admin without the care role cannot take it, c1 takes it and hands it
// to c2; then the reporter and c2 have been told, through the outbox.
func TestConversation(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	b, _, db := mustBot(t, now)
	script := []turn{
		{"t2", "报告慰问"}, {"t2", "张老师"}, {"t2", "12"}, {"t2", "1"}, {"t2", "昨晚阑尾炎住院，市一医院 3 楼"},
		{"t1", "我的关怀"}, {"adm", "认领 1"}, {"t1", "认领 1"},
		{"c1", "认领 1"}, {"c1", "指派 1 王干事"}, {"c1", "指派 1 张老师"}, {"c1", "指派"},
		{"t1", "我的关怀"}, {"t2", "我的关怀"},
		{"t1", "工会关怀"}, {"t1", "本人"}, {"t1", "生育"}, {"t1", "女儿出生"},
	}
	var got strings.Builder
	for i, tn := range script {
		reply := b.Handle(context.Background(), &bot.Message{Channel: bot.ChannelCLI, UserID: tn.user, Type: bot.TypeText,
			Text: tn.text, MsgID: fmt.Sprint(i)})
		fmt.Fprintf(&got, "%s> %s\n%s\n\n", tn.user, tn.text, reply)
	}
	mustGolden(t, filepath.Join("testdata", "report.golden"), got.String())

	ns, err := db.ListNotices(context.Background(), "care", 20)
	if err != nil {
		t.Fatal(err)
	}
	told := map[string][]string{}
	for _, n := range ns {
		for _, u := range n.ToUsers {
			told[u] = append(told[u], n.Text)
		}
	}
	for user, want := range map[string]string{"t2": "已由关怀干事受理", "c2": "已指派给您", "c1": "新的慰问登记第1号"} {
		if !strings.Contains(strings.Join(told[user], "\n"), want) {
			t.Errorf("%s was told %q, want %q", user, told[user], want)
		}
	}
	if len(told["t1"]) != 0 || len(told["adm"]) != 0 {
		t.Errorf("told t1 %q and adm %q, want nothing: the colleague's report and an admin without the care role", told["t1"], told["adm"])
	}
}

func mustGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update once to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Fatalf("%s differs (-want +got):\n%s", path, diff)
	}
}
