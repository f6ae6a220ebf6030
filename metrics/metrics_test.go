package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"unionbot"
	"unionbot/bot"
)

// TestSchedulerRunsAndFailures runs jobs through the bot's scheduler and
// counts them by job, failures apart.
func TestSchedulerRunsAndFailures(t *testing.T) {
	m := New()
	s := &bot.Scheduler{Observer: m, Now: func() time.Time { return time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC) }}
	s.Every("fine", "0 8 * * *", func(context.Context, time.Time) error { return nil }, false)
	s.Every("broken", "0 8 * * *", func(context.Context, time.Time) error { return errors.New("no database") }, false)
	for _, job := range []string{"fine", "broken", "broken"} {
		s.RunJob(t.Context(), job)
	}
	for _, tc := range []struct {
		job          string
		runs, failed float64
	}{{"fine", 1, 0}, {"broken", 2, 2}} {
		if got := testutil.ToFloat64(m.jobRuns.WithLabelValues(tc.job)); got != tc.runs {
			t.Errorf("%s runs = %v, want %v", tc.job, got, tc.runs)
		}
		if got := testutil.ToFloat64(m.jobFails.WithLabelValues(tc.job)); got != tc.failed {
			t.Errorf("%s failures = %v, want %v", tc.job, got, tc.failed)
		}
	}
}

// TestSendErrcodes: a send is labelled with the platform's errcode, 0 when
// it went, "transport" when it failed with none.
func TestSendErrcodes(t *testing.T) {
	m := New()
	m.NoticeAttempt("signup", 0, nil)
	m.NoticeAttempt("signup", 45009, &unionbot.SendError{Code: 45009, Retryable: true})
	m.NoticeAttempt("signup", 0, &unionbot.SendError{Msg: "timeout", Retryable: true})
	m.NoticeAttempt("", 0, nil)
	for _, tc := range []struct{ kind, code string }{{"signup", "0"}, {"signup", "45009"}, {"signup", "transport"}, {"none", "0"}} {
		if got := testutil.ToFloat64(m.sends.WithLabelValues(tc.kind, tc.code)); got != 1 {
			t.Errorf("sends{kind=%q,errcode=%q} = %v, want 1", tc.kind, tc.code, got)
		}
	}
}

// TestOutboxGauges: the backlog and the oldest notice's age are read at
// each scrape; a database that does not answer leaves them out of the
// scrape instead of failing it.
func TestOutboxGauges(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var fail bool
	m := New()
	m.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	m.WatchOutbox(func(context.Context) (int, time.Time, error) {
		if fail {
			return 0, time.Time{}, errors.New("database is closed")
		}
		return 3, now.Add(-90 * time.Second), nil
	}, func() time.Time { return now })
	values := func() map[string]float64 {
		fams, err := m.Registry.Gather()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]float64{}
		for _, f := range fams {
			for _, mm := range f.GetMetric() {
				out[f.GetName()] = mm.GetGauge().GetValue()
			}
		}
		return out
	}
	v := values()
	if v["unionbot_outbox_backlog"] != 3 || v["unionbot_outbox_oldest_pending_seconds"] != 90 {
		t.Fatalf("backlog, oldest = %v, %v; want 3, 90", v["unionbot_outbox_backlog"], v["unionbot_outbox_oldest_pending_seconds"])
	}
	fail = true
	v = values()
	if _, ok := v["unionbot_outbox_backlog"]; ok {
		t.Fatal("backlog reported while the database does not answer")
	}
	if _, ok := v["go_goroutines"]; !ok {
		t.Fatal("the runtime's series went missing with the outbox's")
	}
}
