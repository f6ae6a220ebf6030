package announce_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"unionbot"
	"unionbot/handlers/announce"
	"unionbot/handlers/announce/announcetest"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// openEvents stands in for the sign-up feature's event store.
type openEvents []announce.OpenEvent

func (e openEvents) OpenEventsInMonth(ctx context.Context, year, month int) ([]announce.OpenEvent, error) {
	return e, nil
}

func mustService(t *testing.T, db *storage.DB, spec string) *announce.Service {
	t.Helper()
	s, err := announce.NewService(db, spec)
	if err != nil {
		t.Fatal(err)
	}
	s.Location, s.Outbox, s.Members = shanghai, db, db
	return s
}

func TestComposeSignupHints(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := mustService(t, db, "")
		if _, err := s.ImportFile(ctx, announce.ImportRequest{Data: []byte("四月份：\n1、教工运动会\n2、参加市教育工会职工乒乓球比赛"), Year: 2026}); err != nil {
			t.Fatal(err)
		}
		april := announce.YM{Year: 2026, Month: 4}
		a, err := s.Compose(ctx, april, false) // no sign-up feature wired: no hints, no panic
		if err != nil || a.Count != 2 || strings.Contains(a.Markdown, "报名") {
			t.Fatalf("Compose without events = %+v, %v", a, err)
		}
		if err := s.AddItem(ctx, &announce.Item{Year: 2026, Month: 4, Day: 18, Title: "羽毛球赛", EventID: 7}); err != nil {
			t.Fatal(err)
		}
		s.Events = openEvents{
			{ID: 7, Title: "教工羽毛球赛", Keyword: "羽毛球"},
			{ID: 9, Title: "乒乓球比赛", Keyword: "乒乓球", Start: time.Date(2026, 4, 22, 15, 0, 0, 0, shanghai)},
		}
		a, err = s.Compose(ctx, april, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"4月18日 羽毛球赛　回复“报名 羽毛球”", "乒乓球比赛（4月22日）　回复“报名 乒乓球”", "（补发）", "本月可报名的活动"} {
			if !strings.Contains(a.Markdown, want) {
				t.Errorf("markdown lacks %q:\n%s", want, a.Markdown)
			}
		}
		if a.Count != 4 {
			t.Errorf("count=%d, want 4 (3 items + 1 event without an item)", a.Count)
		}
	})
}

func TestJobDueAndLate(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := mustService(t, db, "30 9 2 * *") // 09:30 on the 2nd
		if _, err := s.ImportFile(ctx, announce.ImportRequest{Data: []byte("五月份：教工排球赛\n六月份：召开教代会"), Year: 2026}); err != nil {
			t.Fatal(err)
		}
		at := func(d, h, m int, month time.Month) time.Time { return time.Date(2026, month, d, h, m, 0, 0, shanghai) }
		if got, want := s.DueAt(announce.YM{Year: 2026, Month: 5}), at(2, 9, 30, time.May); !got.Equal(want) {
			t.Fatalf("DueAt=%v, want %v", got, want)
		}
		steps := []struct {
			now       time.Time
			wantMonth string // the newest delivery after the step
			wantLate  bool
		}{
			{at(2, 9, 0, time.May), "", false},          // before the time: nothing
			{at(2, 9, 30, time.May), "2026-05", false},  // on time
			{at(20, 9, 30, time.May), "2026-05", false}, // again later: no second one
			{at(28, 12, 0, time.June), "2026-06", true}, // bot was down on the 2nd: 补发
			{at(1, 0, 0, time.July), "2026-06", true},   // July is empty and not due yet
			{at(3, 0, 0, time.July), "2026-06", true},   // July due but nothing planned
		}
		for _, st := range steps {
			if err := s.Job(ctx, st.now); err != nil {
				t.Fatalf("Job(%v): %v", st.now, err)
			}
			ds, err := db.ListDeliveries(ctx, 10)
			if err != nil {
				t.Fatal(err)
			}
			got, late := "", false
			if len(ds) > 0 {
				got, late = ds[0].Month.String(), ds[0].Late
			}
			if got != st.wantMonth || late != st.wantLate {
				t.Fatalf("after Job(%v): newest delivery %q late=%v, want %q late=%v", st.now, got, late, st.wantMonth, st.wantLate)
			}
		}
		ns, _ := db.ListNotices(ctx, "announce", 0)
		if len(ns) != 2 {
			t.Fatalf("announce notices=%d, want 2 (May and June, no robot)", len(ns))
		}
		if _, err := s.Push(ctx, announce.YM{Year: 2026, Month: 5}, announce.TriggerAPI, "api", false); unionbot.ErrorCode(err) != unionbot.ECONFLICT || !strings.Contains(unionbot.ErrorMessage(err), "已经发送过了") {
			t.Fatalf("Push(May) again: %v", err)
		}
	})
}

func TestBroadcastAudience(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		s := mustService(t, db, "")
		for _, tc := range []struct {
			audience string
			users    string
			party    string
			tag      string
			code     string
		}{
			{"", "@all", "", "", ""},
			{"department:2|3", "", "2|3", "", ""},
			{"tag:5", "", "", "5", ""},
			{"users:t001, t002", "t001|t002", "", "", ""},
			{"dept:2", "", "", "", unionbot.EINVALID},
		} {
			n, err := s.Broadcast(context.Background(), "停水通知", tc.audience)
			if unionbot.ErrorCode(err) != tc.code {
				t.Fatalf("Broadcast(%q) err=%v, want code %q", tc.audience, err, tc.code)
			}
			if err == nil && (strings.Join(n.ToUsers, "|") != tc.users || n.ToParty != tc.party || n.ToTag != tc.tag) {
				t.Fatalf("Broadcast(%q) = %+v", tc.audience, n)
			}
		}
	})
}

func TestPushChannels(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		for _, u := range []struct{ id, channel string }{{"oa:oOA1", "wechat"}, {"t001", "wecom"}, {"oa:oOA2", "wechat"}} {
			if _, _, err := db.EnsureMember(ctx, u.id, u.channel); err != nil {
				t.Fatal(err)
			}
		}
		s := mustService(t, db, "")
		s.Parties, s.Robot, s.WeChat = "2|3", true, true
		if _, err := s.ImportFile(ctx, announce.ImportRequest{Data: []byte("九月份:慶祝教師節"), Year: 2026}); err != nil {
			t.Fatal(err)
		}
		d, err := s.Push(ctx, announce.YM{Year: 2026, Month: 9}, announce.TriggerAPI, "api", false)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, n := range d.Notices {
			got = append(got, n.Channel+">"+strings.Join(n.ToUsers, "|")+n.ToParty+":"+n.Format)
		}
		// The app sends text, which 微工作台 shows (it does not show app
		// markdown); the group robot keeps markdown.
		want := []string{">2|3:text", "robot>:markdown", "wechat>oa:oOA1|oa:oOA2:"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Fatalf("notices = %q, want %q", got, want)
		}
		if d.Notices[0].Card != nil || !strings.Contains(d.Notices[0].Text, "教師節") && !strings.Contains(d.Notices[0].Text, "教师节") {
			t.Fatalf("app notice = %+v, want the plain text and no card", d.Notices[0])
		}
		if _, err := s.Push(ctx, announce.YM{Year: 2026, Month: 10}, announce.TriggerAPI, "api", false); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
			t.Fatalf("Push(empty October) err=%v, want not_found", err)
		}
	})
}

// TestImportFileDiff: a dry run of a revised plan shows what it adds,
// changes and removes against the calendar; the import applies that diff,
// and an item of an announced month stays, marked changed.
func TestImportFileDiff(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := mustService(t, db, "")
		s.Now = func() time.Time { return time.Date(2026, 3, 1, 8, 0, 0, 0, shanghai) }
		first := "各月工作安排\n三月份：\n3月8日 庆祝三八妇女节\n3月12日 植树节义务劳动\n四月份：\n1、教工运动会\n2、春游"
		rep, err := s.ImportFile(ctx, announce.ImportRequest{Name: "plan.docx", Data: announcetest.MustDocx(t, first), Year: 2026})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Format != announce.FormatDocx || len(rep.Diff.Added) != 4 {
			t.Fatalf("first import: format %s, diff %+v", rep.Format, rep.Diff)
		}
		if _, err := s.Push(ctx, announce.YM{Year: 2026, Month: 3}, announce.TriggerAPI, "test", false); err != nil {
			t.Fatal(err)
		}
		revised := "各月工作安排\n三月份：\n3月8日 庆祝三八妇女节暨表彰会\n四月份：\n1、教工运动会\n2、教工登山"
		req := announce.ImportRequest{Data: announcetest.MustGBK(t, revised), Year: 2026, DryRun: true}
		rep, err = s.ImportFile(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, it := range rep.Diff.Added {
			got = append(got, "+ "+it.Title)
		}
		for _, c := range rep.Diff.Changed {
			got = append(got, fmt.Sprintf("~ %s → %s kept=%v", c.From, c.Item.Title, c.Kept))
		}
		for _, it := range rep.Diff.Removed {
			got = append(got, "- "+it.Title)
		}
		want := []string{"+ 教工登山", "~ 庆祝三八妇女节 → 庆祝三八妇女节暨表彰会 kept=false", "~ 植树节义务劳动 → 植树节义务劳动 kept=true", "- 春游"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("dry-run diff (-want +got):\n%s", diff)
		}
		if items, _ := s.Items(ctx, 2026, 4); len(items) != 2 || items[1].Title != "春游" {
			t.Fatalf("a dry run changed the calendar: %v", items)
		}
		req.DryRun = false
		if _, err := s.ImportFile(ctx, req); err != nil {
			t.Fatal(err)
		}
		var cal []string
		items, _ := s.Items(ctx, 2026, 0)
		for _, it := range items {
			cal = append(cal, fmt.Sprintf("%d/%d %s %v", it.Month, it.Day, it.Title, it.Changed))
		}
		wantCal := []string{"3/8 庆祝三八妇女节暨表彰会 true", "3/12 植树节义务劳动 true", "4/0 教工运动会 false", "4/0 教工登山 false"}
		if diff := cmp.Diff(wantCal, cal); diff != "" {
			t.Fatalf("calendar (-want +got):\n%s", diff)
		}
	})
}

func TestImportFileCollection(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		s := mustService(t, db, "")
		text := "当前位置：首页 > 工作计划\n【篇一】\n三月份：\n1、植树\n【篇二】\n四月份：\n1、春游\n2、登山"
		rep, err := s.ImportFile(ctx, announce.ImportRequest{Data: []byte(text), Year: 2026, DryRun: true})
		if err != nil || len(rep.Plan.Parts) != 2 || rep.Diff != nil {
			t.Fatalf("preview = %+v, %v; want two parts and no diff yet", rep, err)
		}
		if _, err := s.ImportFile(ctx, announce.ImportRequest{Data: []byte(text), Year: 2026}); unionbot.ErrorCode(err) != unionbot.EINVALID {
			t.Fatalf("import without a part: err=%v, want EINVALID", err)
		}
		rep, err = s.ImportFile(ctx, announce.ImportRequest{Data: []byte(text), Year: 2026, Part: 2})
		if err != nil || len(rep.Diff.Added) != 2 {
			t.Fatalf("import of part 2 = %+v, %v", rep, err)
		}
		if items, _ := s.Items(ctx, 2026, 0); len(items) != 2 || items[0].Title != "春游" {
			t.Fatalf("calendar = %v, want part 2 only", items)
		}
	})
}
