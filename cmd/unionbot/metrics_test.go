package main

import (
	"encoding/json"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"unionbot/bot"
	"unionbot/storage/storagetest"
)

// scrape is one read of /metrics, parsed by Prometheus's own text parser:
// each sample by its series ("name{label="value",...}", labels sorted; a
// histogram as name_count and name_sum), and every metric name a query
// may use (a histogram's _bucket, _sum and _count included).
type scrape struct {
	values   map[string]float64
	names    map[string]bool
	families []string // as exported: a histogram without its suffixes
}

// MustScrape reads url (with the admin token when tok is set).
func MustScrape(tb testing.TB, url, tok string) scrape {
	tb.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != 200 {
		tb.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(res.Body)
	if err != nil {
		tb.Fatalf("parse %s: %v", url, err)
	}
	s := scrape{values: map[string]float64{}, names: map[string]bool{}}
	for name, f := range families {
		s.names[name] = true
		s.families = append(s.families, name)
		for _, m := range f.GetMetric() {
			key := func(n string) string { return n + labelString(m.GetLabel()) }
			switch f.GetType() {
			case dto.MetricType_COUNTER:
				s.values[key(name)] = m.GetCounter().GetValue()
			case dto.MetricType_GAUGE:
				s.values[key(name)] = m.GetGauge().GetValue()
			case dto.MetricType_HISTOGRAM:
				s.names[name+"_bucket"], s.names[name+"_sum"], s.names[name+"_count"] = true, true, true
				s.values[key(name+"_count")] = float64(m.GetHistogram().GetSampleCount())
				s.values[key(name+"_sum")] = m.GetHistogram().GetSampleSum()
			case dto.MetricType_SUMMARY:
				s.names[name+"_sum"], s.names[name+"_count"] = true, true
			default:
				s.values[key(name)] = m.GetUntyped().GetValue()
			}
		}
	}
	return s
}

func labelString(ls []*dto.LabelPair) string {
	if len(ls) == 0 {
		return ""
	}
	var parts []string
	for _, l := range ls {
		parts = append(parts, l.GetName()+`="`+l.GetValue()+`"`)
	}
	sort.Strings(parts)
	return "{" + strings.Join(parts, ",") + "}"
}

// delta is how much series moved from before to after.
func delta(before, after scrape, series string) float64 {
	return after.values[series] - before.values[series]
}

// waitFor scrapes until series reaches want (a send finishes on the
// worker's goroutine), failing after 10 s.
func (h *harness) waitFor(tb testing.TB, before scrape, series string, want float64) scrape {
	tb.Helper()
	var s scrape
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if s = MustScrape(tb, h.URL()+"/metrics", testAPIKey); delta(before, s, series) >= want {
			return s
		}
	}
	tb.Fatalf("%s moved by %v in 10 s, want %v", series, delta(before, s, series), want)
	return s
}

// TestMetricsEndToEnd sends encrypted callbacks as WeCom does and checks
// on /metrics that each series moved as it should: messages by command,
// the latency histogram, passive and active replies, a dedup hit on a
// retry, the outbox's backlog and its sends by kind and errcode against
// the fake WeCom, a scheduler run, the database pool and the runtime.
// Then every query of docs/grafana.json must name only series found here.
func TestMetricsEndToEnd(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			extra := map[string]string{"test.clock": "2026-12-03T10:00:00+08:00", "UNIONBOT_REPLY_BUDGET": "1s", "UNIONBOT_RATE_LIMIT": "0"}
			if driver == "mysql" {
				extra["UNIONBOT_REDIS"] = "test"
			}
			h := MustRunMain(t, driver, extra)
			release := make(chan struct{})
			h.Router.HandleExact("慢慢查", func(c *bot.Context) error {
				<-release // slower than the reply budget: answered actively
				return c.Reply("查好了")
			})
			h.Drain(t)
			before := MustScrape(t, h.URL()+"/metrics", testAPIKey)

			h.MustSay(t, "t001", "帮助")
			h.MustSay(t, "t002", "帮助")
			h.MustSay(t, "t001", "今天天气怎么样")
			retry := h.WeCom.TextXML("t003", "帮助", "880001")
			first, err := h.WeCom.Post(retry)
			if err != nil {
				t.Fatal(err)
			}
			again, err := h.WeCom.Post(retry) // WeCom's retry of the same MsgId
			if err != nil || again.Content != first.Content || first.Content == "" {
				t.Fatalf("retry answered %q, %v; want the first answer %q again", again.Content, err, first.Content)
			}
			if got := h.MustSay(t, "t004", "慢慢查"); got != "" {
				t.Fatalf("slow reply came passively: %q", got)
			}
			h.Fake.FailNext("/cgi-bin/message/send", -1, 1) // system busy: retried
			close(release)
			h.Drain(t) // the late reply's first attempt fails

			mid := MustScrape(t, h.URL()+"/metrics", testAPIKey)
			for series, want := range map[string]float64{
				`unionbot_messages_total{channel="wecom",command="帮助",outcome="ok"}`:       3,
				`unionbot_messages_total{channel="wecom",command="fallback",outcome="ok"}`: 1,
				`unionbot_messages_total{channel="wecom",command="慢慢查",outcome="ok"}`:      1,
				`unionbot_replies_total{channel="wecom",mode="passive"}`:                   4,
				`unionbot_replies_total{channel="wecom",mode="active"}`:                    1,
				`unionbot_reply_latency_seconds_count{channel="wecom",mode="passive"}`:     4,
				`unionbot_reply_latency_seconds_count{channel="wecom",mode="active"}`:      1,
				`unionbot_dedup_hits_total{channel="wecom"}`:                               1,
				`unionbot_outbox_sends_total{errcode="-1",kind="reply"}`:                   1,
			} {
				if got := delta(before, mid, series); got != want {
					t.Errorf("%s moved by %v, want %v", series, got, want)
				}
			}
			if lat := mid.values[`unionbot_reply_latency_seconds_sum{channel="wecom",mode="active"}`]; lat < 1 {
				t.Errorf("the active reply's latency is %vs, want at least the 1s budget", lat)
			}
			if got := mid.values["unionbot_outbox_backlog"]; got != 1 {
				t.Errorf("outbox backlog = %v with the reply waiting to be retried, want 1", got)
			}
			if age := mid.values["unionbot_outbox_oldest_pending_seconds"]; age <= 0 || age > 60 {
				t.Errorf("oldest pending notice's age = %vs, want a few seconds", age)
			}

			h.Advance(t, 3*time.Second) // past the retry's backoff
			after := h.waitFor(t, before, `unionbot_outbox_sends_total{errcode="0",kind="reply"}`, 1)
			if got := h.Fake.SentTo("t004"); len(got) != 1 || got[0].Content != "查好了" {
				t.Fatalf("fake WeCom got %+v for t004, want the late reply once", got)
			}
			if err := h.Scheduler.RunJob(t.Context(), "signup-reminders"); err != nil {
				t.Fatal(err)
			}
			after = MustScrape(t, h.URL()+"/metrics", testAPIKey)
			if got := delta(before, after, `unionbot_scheduler_runs_total{job="signup-reminders"}`); got != 1 {
				t.Errorf("signup-reminders runs moved by %v, want 1", got)
			}
			if v, ok := after.values[`unionbot_scheduler_failures_total{job="signup-reminders"}`]; !ok || v != 0 {
				t.Errorf("signup-reminders failures = %v (present %v), want 0", v, ok)
			}
			if got := after.values["unionbot_outbox_backlog"]; got != 0 {
				t.Errorf("outbox backlog = %v after delivery, want 0", got)
			}
			for _, series := range []string{`go_sql_max_open_connections{db_name="unionbot"}`, `go_sql_open_connections{db_name="unionbot"}`,
				"go_goroutines", "process_resident_memory_bytes"} {
				if after.values[series] <= 0 {
					t.Errorf("%s = %v, want a positive value", series, after.values[series])
				}
			}
			checkDashboard(t, after)
		})
	}
}

// metricName finds the series a PromQL query reads: names of ours, of the
// Go runtime, the process and the database pool.
var metricName = regexp.MustCompile(`\b(?:unionbot|go|process)_[a-z0-9_]+\b`)

// checkDashboard parses docs/grafana.json as Grafana reads it and checks
// each panel's queries name only series the bot exports (seen in s).
func checkDashboard(t *testing.T, s scrape) {
	t.Helper()
	b, err := os.ReadFile("../../docs/grafana.json")
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		UID           string `json:"uid"`
		Title         string `json:"title"`
		SchemaVersion int    `json:"schemaVersion"`
		Panels        []struct {
			Type    string `json:"type"`
			Title   string `json:"title"`
			GridPos struct {
				W, H int
			} `json:"gridPos"`
			Targets []struct {
				RefID string `json:"refId"`
				Expr  string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal(b, &dash); err != nil {
		t.Fatalf("docs/grafana.json: %v", err)
	}
	if dash.UID == "" || dash.Title == "" || dash.SchemaVersion == 0 {
		t.Fatalf("docs/grafana.json: uid %q, title %q, schemaVersion %d: not a Grafana dashboard", dash.UID, dash.Title, dash.SchemaVersion)
	}
	used := map[string]bool{}
	queries := 0
	for _, p := range dash.Panels {
		if p.Type == "row" {
			continue
		}
		if len(p.Targets) == 0 || p.GridPos.W == 0 || p.GridPos.H == 0 {
			t.Errorf("panel %q: %d queries, size %dx%d", p.Title, len(p.Targets), p.GridPos.W, p.GridPos.H)
		}
		for _, q := range p.Targets {
			queries++
			names := metricName.FindAllString(q.Expr, -1)
			if len(names) == 0 || q.RefID == "" {
				t.Errorf("panel %q query %q (refId %q) reads no series of ours", p.Title, q.Expr, q.RefID)
			}
			for _, n := range names {
				used[n] = true
				if !s.names[n] {
					t.Errorf("panel %q reads %s, which /metrics does not export", p.Title, n)
				}
			}
		}
	}
	// Every series of the bot's own is on the dashboard.
	for _, f := range s.families {
		if strings.HasPrefix(f, "unionbot_") && !used[f] && !used[f+"_bucket"] && !used[f+"_sum"] && !used[f+"_count"] {
			t.Errorf("%s is exported but on no panel of docs/grafana.json", f)
		}
	}
	if queries < 15 {
		t.Errorf("docs/grafana.json has %d queries", queries)
	}
}
