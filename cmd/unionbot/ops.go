package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"unionbot"
	"unionbot/metrics"
	"unionbot/web"
)

// What an operator runs the bot with: its logger, its metrics and its
// readiness checks.

// newLogger writes level and above to w, as text or one JSON object a
// line, each line of a request carrying its request id.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var l slog.Level
	l.UnmarshalText([]byte(level))
	opts := &slog.HandlerOptions{Level: l}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if format == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(requestIDHandler{h})
}

// requestIDHandler adds request_id to every record logged with a context
// that carries one (unionbot.WithRequestID): the callback's message, an
// admin API request.
type requestIDHandler struct{ slog.Handler }

func (h requestIDHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := unionbot.RequestID(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h requestIDHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return requestIDHandler{h.Handler.WithAttrs(attrs)}
}

func (h requestIDHandler) WithGroup(name string) slog.Handler {
	return requestIDHandler{h.Handler.WithGroup(name)}
}

// ReadyHold is how long /readyz repeats WeCom's refusal of a token before
// asking gettoken again.
const ReadyHold = 10 * time.Second

// wireOps builds the metrics and gives them to the bot, the outbox worker
// and the scheduler, and lists what /readyz checks. /metrics goes on the
// main listener behind the admin token unless UNIONBOT_METRICS_ADDR gives
// it its own (Start opens it).
func (m *Main) wireOps() {
	m.Metrics = metrics.New()
	m.Metrics.Logger = m.Logger
	m.Metrics.WatchDB(m.DB.SQLDB())
	m.Metrics.WatchOutbox(m.DB.OutboxBacklog, m.Now)
	m.Bot.Observer, m.Outbox.Observer, m.Scheduler.Observer = m.Metrics, m.Metrics, m.Metrics
	if m.Config.MetricsAddr == "" {
		m.Web.Metrics = m.metricsHandler()
	}

	m.Web.Checks = append(m.Web.Checks, web.Check{Name: "database", Ping: m.DB.Ping})
	if m.Redis != nil {
		m.Web.Checks = append(m.Web.Checks, web.Check{Name: "redis", Ping: m.Redis.Ping})
	}
	if m.WeCom != nil {
		// A wrong secret is answered from memory for a while: /readyz
		// needs no token, and must not make the bot hammer gettoken.
		m.Web.Checks = append(m.Web.Checks, web.Check{Name: "wecom", Ping: m.WeCom.CheckToken, Hold: ReadyHold})
	}
}

func (m *Main) metricsHandler() http.Handler {
	return promhttp.HandlerFor(m.Metrics.Registry, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(m.Logger.Handler(), slog.LevelWarn),
		ErrorHandling: promhttp.ContinueOnError, // one collector failing leaves the others' series
	})
}

// startMetrics serves /metrics on UNIONBOT_METRICS_ADDR, when set.
func (m *Main) startMetrics() error {
	if m.Config.MetricsAddr == "" {
		return nil
	}
	ln, err := net.Listen("tcp", m.Config.MetricsAddr)
	if err != nil {
		return fmt.Errorf("UNIONBOT_METRICS_ADDR: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.metricsHandler())
	m.metricsLn = ln
	m.metricsServer = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		if err := m.metricsServer.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.Logger.Error("metrics server", "err", err)
		}
	}()
	return nil
}

// MetricsAddr is the metrics listener's address, "" when /metrics is on
// the main listener.
func (m *Main) MetricsAddr() string {
	if m.metricsLn == nil {
		return ""
	}
	return m.metricsLn.Addr().String()
}
