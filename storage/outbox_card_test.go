package storage_test

import (
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"unionbot"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// TestOutboxCard: a notice's card is stored beside its text and comes back
// whole to the worker; the part of the notice for Official Account
// followers carries the text alone.
func TestOutboxCard(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		ctx := context.Background()
		card := &unionbot.Card{Type: unionbot.CardButtons, TaskID: "team-1-ab", Title: "拔河比赛", Body: "邀请",
			Buttons: []unionbot.CardButton{{Text: "确认组队", Key: "team:accept:1", Style: 1}, {Text: "拒绝组队", Key: "team:decline:1"}},
			CodeAt:  time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)}
		n := &unionbot.Notice{ToUsers: []string{"t001", "oa:o1"}, Text: "回复“确认组队”", Card: card, Kind: "signup"}
		if err := db.Enqueue(ctx, n); err != nil {
			t.Fatal(err)
		}
		got, err := db.PendingNotices(ctx, 10)
		if err != nil || len(got) != 2 {
			t.Fatalf("%d notices pending, %v; want the WeCom part and the followers' part", len(got), err)
		}
		for _, g := range got {
			switch g.Channel {
			case unionbot.ChannelWeChat:
				if g.Card != nil || g.Text != n.Text {
					t.Errorf("followers' part = %+v, want the text alone", g)
				}
			default:
				if diff := cmp.Diff(card, g.Card); diff != "" || g.Text != n.Text {
					t.Errorf("WeCom part's card (-sent +stored):\n%s", diff)
				}
			}
		}
	})
}
