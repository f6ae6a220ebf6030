package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"unionbot"
	"unionbot/handlers/signup"
	"unionbot/storage"
)

// runSeed fills a database with members and events, for measuring the bot
// with a large union: loadgen seed -db sqlite://bot.db -members 50000 -events 5000.
func runSeed(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadgen seed", flag.ContinueOnError)
	dbURL := fs.String("db", "sqlite://unionbot.db", "the database (a UNIONBOT_DB value)")
	members := fs.Int("members", 50000, "members to add (sm00001...)")
	events := fs.Int("events", 5000, "events to add; the newest 20 open for sign-up, the rest over")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, err := storage.Open(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	t0 := time.Now()
	depts := []string{"语文组", "数学组", "英语组", "理化生组", "政史地组", "体艺组", "后勤", "行政", "退休"}
	for i := 1; i <= *members; i++ {
		m := &unionbot.Member{UserID: fmt.Sprintf("sm%05d", i), Name: fmt.Sprintf("教师%05d", i), Department: depts[i%len(depts)], Channel: "seed"}
		if i%3 == 0 {
			m.Tags = []string{"女教职工"}
		}
		if err := db.SaveMember(ctx, m); err != nil {
			return err
		}
	}
	now := time.Now().UTC()
	// Years of history: all but the newest 20 events are over, as in a
	// union that has used the bot for a long time.
	for i := 1; i <= *events; i++ {
		starts := now.Add(-time.Duration(*events-20-i) * 8 * time.Hour)
		e := &signup.Event{Title: fmt.Sprintf("活动%04d", i), Kind: signup.Kinds[i%len(signup.Kinds)], StartsAt: starts,
			SignupClosesAt: starts.Add(-24 * time.Hour), Capacity: 20 + i%80, Waitlist: true, Status: signup.StatusOpen}
		if !starts.After(now) {
			e.Status = signup.StatusEnded
		}
		if err := db.CreateEvent(ctx, e); err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
	}
	fmt.Fprintf(out, "seeded %d members and %d events in %.1fs\n", *members, *events, time.Since(t0).Seconds())
	return nil
}
