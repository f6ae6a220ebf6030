package storage_test

import (
	"context"
	"testing"
	"time"

	"unionbot"
	"unionbot/bot"
	"unionbot/handlers/proposal"
	"unionbot/handlers/signup"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// TestMigrateChannels: a follower recorded under the bare openid before
// step 7 keeps their sign-up, suggestion, session and pending notice under
// "oa:<openid>"; WeCom members are untouched.
func TestMigrateChannels(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			db, err := storage.Open(ctx, storagetest.URL(t, driver))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.MigrateTo(ctx, 6); err != nil {
				t.Fatal(err)
			}
			const openid = "o6_bmjrPTlm6_2sgVt7hMZOPfL2M"
			db.EnsureMember(ctx, openid, "wechat")
			db.EnsureMember(ctx, "t001", "wecom")
			now := time.Now().UTC()
			// An event and two sign-ups as rows of the step-6 schema: today's
			// row types carry columns later steps add.
			at := []any{now.Add(72 * time.Hour), now.Add(80 * time.Hour), now, now.Add(48 * time.Hour), now.Add(48 * time.Hour), now, now}
			if err := db.ExecRaw(ctx, "INSERT INTO signup_events (id, title, kind, description, location, starts_at, ends_at, signup_opens_at, "+
				"signup_closes_at, cancel_deadline, capacity, waitlist, max_companions, team_min, team_max, eligible_tags, fields, remind_unanswered, "+
				"status, taken, seq, created_at, updated_at) VALUES (1, '春游', '出行', '', '', ?, ?, ?, ?, ?, 10, false, 0, 0, 0, '', 'null', false, ?, 2, 2, ?, ?)",
				append(at[:5:5], signup.StatusOpen, at[5], at[6])...); err != nil {
				t.Fatal(err)
			}
			ev := &signup.Event{ID: 1}
			for i, u := range []string{openid, "t001"} {
				if err := db.ExecRaw(ctx, "INSERT INTO signups (event_id, user_id, name, department, companions, fields, status, seq, signed_up_at, "+
					"checked_in, team, updated_at) VALUES (1, ?, ?, '', 0, '{}', ?, ?, ?, false, '', ?)", u, u, signup.EntryConfirmed, i+1, now, now); err != nil {
					t.Fatal(err)
				}
			}
			p := &proposal.Proposal{Kind: proposal.KindSuggestion, Year: 2026, Title: "饮水机", Content: "加一台", AuthorID: openid, Status: proposal.StatusSubmitted}
			if err := db.SubmitProposal(ctx, p, &proposal.LogEntry{To: proposal.StatusSubmitted, By: openid}, func(*proposal.Proposal) []*unionbot.Notice { return nil }); err != nil {
				t.Fatal(err)
			}
			if err := db.SaveSession(ctx, &bot.Session{UserID: openid, Flow: "proposal", ExpiresAt: now.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if err := db.Enqueue(ctx, &unionbot.Notice{ToUsers: []string{openid}, Text: "候补转正", Kind: "signup"}); err != nil {
				t.Fatal(err)
			}

			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			follower := unionbot.WeChatUserID(openid)
			if _, err := db.FindMember(ctx, openid); unionbot.ErrorCode(err) != unionbot.ENOTFOUND {
				t.Fatalf("bare openid still a member: %v", err)
			}
			if m, err := db.FindMember(ctx, follower); err != nil || m.Channel != "wechat" {
				t.Fatalf("follower = %+v, %v", m, err)
			}
			if m, err := db.FindMember(ctx, "t001"); err != nil || m.UserID != "t001" {
				t.Fatalf("WeCom member = %+v, %v", m, err)
			}
			for _, u := range []string{follower, "t001"} {
				es, err := db.ListEntries(ctx, ev.ID, u)
				if err != nil || len(es) != 1 {
					t.Fatalf("entries of %s = %d, %v; want 1", u, len(es), err)
				}
			}
			ps, err := db.ListProposals(ctx, proposal.Filter{Involving: follower})
			if err != nil || len(ps) != 1 || ps[0].AuthorID != follower {
				t.Fatalf("follower's proposals = %+v, %v", ps, err)
			}
			if s, err := db.LoadSession(ctx, follower); err != nil || s.Flow != "proposal" {
				t.Fatalf("follower's session = %+v, %v", s, err)
			}
			ns, err := db.ListNotices(ctx, "signup", 10)
			if err != nil || len(ns) != 1 || ns[0].ToUsers[0] != follower || ns[0].Channel != unionbot.ChannelWeChat {
				t.Fatalf("pending notice = %+v, %v", ns, err)
			}
		})
	}
}
