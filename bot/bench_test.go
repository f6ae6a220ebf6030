package bot_test

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"unionbot/bot"
	"unionbot/storage/storagetest"
)

// Benchmarks of the message path's pieces, run with -benchmem so that a
// regression in time or allocations shows:
//
//	go test -run '^$' -bench . -benchmem ./bot/ ./bot/wxcrypt/ ./storage/

// BenchmarkHandleMenu is one stateless message through the whole engine
// (route, session, reply) on SQLite sessions, with and without the
// session cache a single process runs with.
func BenchmarkHandleMenu(b *testing.B) {
	for _, cached := range []bool{false, true} {
		name := "table"
		if cached {
			name = "cached"
		}
		b.Run(name, func(b *testing.B) {
			bt, _ := newTestBot(b)
			if cached {
				db := storagetest.MustOpenDB(b, "sqlite")
				db.CacheSessions()
				bt.Sessions, bt.Members = db, db
			}
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				user := "t" + strconv.Itoa(i%200)
				bt.Handle(ctx, &bot.Message{Channel: "cli", UserID: user, Type: bot.TypeText, Text: "帮助", MsgID: strconv.Itoa(i)})
			}
		})
	}
}

// BenchmarkRouterMatch is the command lookup alone.
func BenchmarkRouterMatch(b *testing.B) {
	bt, _ := newTestBot(b)
	texts := []string{"帮助", "报名 羽毛球比赛", "取消报名", "体检什么时候", "活動"}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bt.Router.Match(texts[i%len(texts)])
	}
}

// BenchmarkSession is a session's save and load on SQLite, through the
// table and through the cache.
func BenchmarkSession(b *testing.B) {
	for _, cached := range []bool{false, true} {
		name := "table"
		if cached {
			name = "cached"
		}
		b.Run(name, func(b *testing.B) {
			db := storagetest.MustOpenDB(b, "sqlite")
			if cached {
				db.CacheSessions()
			}
			ctx := context.Background()
			now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
			db.Now = func() time.Time { return now }
			s := &bot.Session{UserID: "t1", Flow: "suggest", State: json.RawMessage(`{"Step":2,"Title":"食堂"}`), StartedAt: now, ExpiresAt: now.Add(time.Hour)}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if i%10 == 0 { // a form step saves; most messages only read
					if err := db.SaveSession(ctx, s); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := db.LoadSession(ctx, "t1"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPaging is a long reply cut into pages.
func BenchmarkPaging(b *testing.B) {
	bt, _ := newTestBot(b)
	long := strings.Repeat("2027年3月 教职工羽毛球比赛（地点：学校体育馆）\n", 200)
	bt.Router.HandleExact("长回复", func(c *bot.Context) error { return c.Reply(long) })
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bt.Handle(ctx, &bot.Message{Channel: "cli", UserID: "t1", Type: bot.TypeText, Text: "长回复", MsgID: strconv.Itoa(i)})
	}
}
