// Package metrics defines every Prometheus series the bot exports, on a
// registry of its own that the program builds in wiring (nothing is put on
// the client library's global default registry). *Metrics is the bot's
// bot.Observer; the outbox backlog and the database pool are read when
// Prometheus scrapes. cmd serves Registry at /metrics; README.md lists the
// series and docs/grafana.json draws them.
package metrics

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"unionbot"
)

// Namespace prefixes the bot's own series.
const Namespace = "unionbot"

// LatencyBuckets are the reply latency histogram's bounds in seconds, dense
// around the passive-reply budget (3 s by default): a reply later than the
// budget goes out actively.
var LatencyBuckets = []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5, 10, 30}

// Metrics is the bot's series. Build it with New.
type Metrics struct {
	// Registry holds the series below and the Go runtime, process and
	// (after WatchDB) database pool collectors.
	Registry *prometheus.Registry
	Logger   *slog.Logger

	messages *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	replies  *prometheus.CounterVec
	dedup    *prometheus.CounterVec
	sends    *prometheus.CounterVec
	jobRuns  *prometheus.CounterVec
	jobFails *prometheus.CounterVec
}

// New builds the registry with the bot's series and the Go runtime and
// process collectors.
func New() *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "messages_total",
			Help: "Messages handled, by channel, command (the route that took the message) and outcome (ok, refused, error, rate_limited, too_long).",
		}, []string{"channel", "command", "outcome"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "reply_latency_seconds",
			Help:    "Time from a message's callback to its reply being ready, by channel and mode (passive: in the callback's response; active: through the outbox).",
			Buckets: LatencyBuckets,
		}, []string{"channel", "mode"}),
		replies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "replies_total",
			Help: "Replies by channel and mode: passive (in the callback's response) or active (sent through the outbox after the reply budget).",
		}, []string{"channel", "mode"}),
		dedup: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "dedup_hits_total",
			Help: "Deliveries of a message seen before (the platform's retries), answered without handling the message again.",
		}, []string{"channel"}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "outbox_sends_total",
			Help: "Outbox send attempts by notice kind and the platform's errcode (0: sent; \"transport\": failed without an errcode).",
		}, []string{"kind", "errcode"}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "scheduler_runs_total",
			Help: "Scheduled job runs on this replica, by job.",
		}, []string{"job"}),
		jobFails: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "scheduler_failures_total",
			Help: "Scheduled job runs that failed, by job.",
		}, []string{"job"}),
	}
	m.Registry.MustRegister(m.messages, m.latency, m.replies, m.dedup, m.sends, m.jobRuns, m.jobFails,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *Metrics) logger() *slog.Logger {
	if m.Logger != nil {
		return m.Logger
	}
	return slog.Default()
}

// WatchDB adds the database pool's statistics (go_sql_*, db_name="unionbot").
func (m *Metrics) WatchDB(db *sql.DB) {
	m.Registry.MustRegister(collectors.NewDBStatsCollector(db, Namespace))
}

// BacklogFunc counts the notices not delivered yet and gives the creation
// time of the oldest (zero when there is none).
type BacklogFunc func(ctx context.Context) (pending int, oldest time.Time, err error)

// WatchOutbox adds the outbox backlog and the age of its oldest notice,
// read from backlog at each scrape; now is the bot's clock.
func (m *Metrics) WatchOutbox(backlog BacklogFunc, now func() time.Time) {
	m.Registry.MustRegister(&outboxCollector{backlog: backlog, now: now, log: m.logger})
}

// MessageHandled implements bot.Observer.
func (m *Metrics) MessageHandled(channel, command, outcome string) {
	m.messages.WithLabelValues(channel, command, outcome).Inc()
}

// Replied implements bot.Observer.
func (m *Metrics) Replied(channel, mode string, took time.Duration) {
	m.replies.WithLabelValues(channel, mode).Inc()
	m.latency.WithLabelValues(channel, mode).Observe(took.Seconds())
}

// DedupHit implements bot.Observer.
func (m *Metrics) DedupHit(channel string) { m.dedup.WithLabelValues(channel).Inc() }

// NoticeAttempt implements bot.Observer.
func (m *Metrics) NoticeAttempt(kind string, errcode int, err error) {
	code := strconv.Itoa(errcode)
	var se *unionbot.SendError
	if err != nil && errcode == 0 && (!errors.As(err, &se) || se.Code == 0) {
		code = "transport" // a timeout, an HTTP error, a channel not configured
	}
	if kind == "" {
		kind = "none"
	}
	m.sends.WithLabelValues(kind, code).Inc()
}

// JobRan implements bot.Observer.
func (m *Metrics) JobRan(job string, err error) {
	m.jobRuns.WithLabelValues(job).Inc()
	if err != nil {
		m.jobFails.WithLabelValues(job).Inc()
	} else {
		m.jobFails.WithLabelValues(job) // the series exists at 0, so rate() sees the first failure
	}
}

// outboxCollector reads the backlog when scraped.
type outboxCollector struct {
	backlog BacklogFunc
	now     func() time.Time
	log     func() *slog.Logger
}

var (
	backlogDesc = prometheus.NewDesc(Namespace+"_outbox_backlog",
		"Notices waiting in the outbox to be delivered (pending, retries included).", nil, nil)
	oldestDesc = prometheus.NewDesc(Namespace+"_outbox_oldest_pending_seconds",
		"Age of the oldest notice not delivered yet; 0 when the outbox is empty.", nil, nil)
)

func (c *outboxCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- backlogDesc
	ch <- oldestDesc
}

// Collect reads the outbox; when the database does not answer in time it
// reports nothing (the gap shows on the dashboard) and logs why.
func (c *outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	n, oldest, err := c.backlog(ctx)
	if err != nil {
		c.log().Warn("metrics: read the outbox backlog", "err", err)
		return
	}
	age := 0.0
	if n > 0 && !oldest.IsZero() {
		age = max(c.now().Sub(oldest).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(oldestDesc, prometheus.GaugeValue, age)
}
