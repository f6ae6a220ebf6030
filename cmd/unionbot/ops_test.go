package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"unionbot/bot"
	"unionbot/storage/storagetest"
)

// readyAnswer is /readyz's body.
type readyAnswer struct {
	Status string            `json:"status"`
	Failed []string          `json:"failed"`
	Checks map[string]string `json:"checks"`
}

func MustGetReady(tb testing.TB, h *harness) (int, readyAnswer) {
	tb.Helper()
	res, err := http.Get(h.URL() + "/readyz")
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	var a readyAnswer
	if err := json.NewDecoder(res.Body).Decode(&a); err != nil {
		tb.Fatalf("/readyz body: %v", err)
	}
	return res.StatusCode, a
}

// TestReadyz: /readyz is 503 naming WeCom while WeCom refuses the token,
// 200 once a token is had (and while it is cached), and 503 naming the
// database once that is gone; /healthz (liveness) stays 200 throughout.
func TestReadyz(t *testing.T) {
	for _, driver := range storagetest.Drivers() {
		t.Run(driver, func(t *testing.T) {
			extra := map[string]string{"test.clock": "2026-12-03T10:00:00+08:00"}
			wantChecks := []string{"database", "wecom"}
			if driver == "mysql" {
				extra["UNIONBOT_REDIS"] = "test"
				wantChecks = []string{"database", "redis", "wecom"}
			}
			h := MustRunMain(t, driver, extra)
			if n := h.Fake.Calls("/cgi-bin/gettoken"); n != 0 {
				t.Fatalf("%d token fetches before the first /readyz, want none", n)
			}
			h.Fake.FailNext("/cgi-bin/gettoken", 40001, 1) // invalid credential: a wrong WECOM_SECRET
			code, a := MustGetReady(t, h)
			if code != 503 || a.Status != "unavailable" || !slices.Equal(a.Failed, []string{"wecom"}) || !strings.Contains(a.Checks["wecom"], "40001") {
				t.Fatalf("/readyz with WeCom refusing the token = %d %+v, want 503 naming wecom and errcode 40001", code, a)
			}

			// Asked again at once, the refusal is repeated without calling
			// WeCom: an unauthenticated probe cannot make the bot hammer
			// gettoken.
			if code, a = MustGetReady(t, h); code != 503 || h.Fake.Calls("/cgi-bin/gettoken") != 1 {
				t.Fatalf("/readyz right after = %d %+v with %d token fetches; want 503 and still 1", code, a, h.Fake.Calls("/cgi-bin/gettoken"))
			}
			h.Advance(t, ReadyHold)

			code, a = MustGetReady(t, h)
			var names []string
			for n, v := range a.Checks {
				names = append(names, n)
				if v != "ok" {
					t.Errorf("check %s = %q, want ok", n, v)
				}
			}
			slices.Sort(names)
			if code != 200 || a.Status != "ready" || len(a.Failed) != 0 || !slices.Equal(names, wantChecks) {
				t.Fatalf("/readyz = %d %+v, want 200 with checks %v", code, a, wantChecks)
			}
			h.Fake.FailNext("/cgi-bin/gettoken", 40001, 1)
			if code, a = MustGetReady(t, h); code != 200 {
				t.Fatalf("/readyz with a cached token = %d %+v, want 200 (the cached token counts)", code, a)
			}

			h.DB.Close()
			code, a = MustGetReady(t, h)
			if code != 503 || !slices.Equal(a.Failed, []string{"database"}) || !strings.HasPrefix(a.Checks["database"], "down: ") {
				t.Fatalf("/readyz with the database closed = %d %+v, want 503 naming the database", code, a)
			}
			res, err := http.Get(h.URL() + "/healthz")
			if err != nil || res.StatusCode != 200 {
				t.Fatalf("/healthz with the database closed = %v, %v; want 200 (alive, only not ready)", res.StatusCode, err)
			}
			res.Body.Close()
		})
	}
}

// TestMetricsListener: with UNIONBOT_METRICS_ADDR, /metrics is served there
// without a token, and not on the main listener.
func TestMetricsListener(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_METRICS_ADDR": "127.0.0.1:0"})
	if h.MetricsAddr() == "" || h.MetricsAddr() == h.Addr() {
		t.Fatalf("metrics address %q, main %q: want a listener of its own", h.MetricsAddr(), h.Addr())
	}
	h.MustSay(t, "t001", "帮助")
	s := MustScrape(t, "http://"+h.MetricsAddr()+"/metrics", "")
	if got := s.values[`unionbot_messages_total{channel="wecom",command="帮助",outcome="ok"}`]; got != 1 {
		t.Fatalf("帮助 counted %v times on the metrics listener, want 1", got)
	}
	req, _ := http.NewRequest("GET", h.URL()+"/metrics", nil)
	req.Header.Set("Authorization", "Bearer "+testAPIKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("/metrics on the main listener = %d, want 404 when it has its own", res.StatusCode)
	}
}

// logLine is one line of UNIONBOT_LOG_FORMAT=json output.
type logLine map[string]any

func (l logLine) str(k string) string { s, _ := l[k].(string); return s }

// jsonLog parses every line the program logged; each must be JSON.
func jsonLog(tb testing.TB, h *harness) []logLine {
	tb.Helper()
	var out []logLine
	sc := bufio.NewScanner(strings.NewReader(h.Stderr.String()))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l logLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			tb.Fatalf("log line is not JSON: %q: %v", sc.Text(), err)
		}
		out = append(out, l)
	}
	return out
}

// TestJSONLogRequestID: with UNIONBOT_LOG_FORMAT=json every log line is a
// JSON object, and the lines of one message's handling (the callback, the
// handler's failure, the summary) carry one request id, another message
// another; admin API requests echo X-Request-Id and log under it.
func TestJSONLogRequestID(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_LOG_FORMAT": "json", "UNIONBOT_LOG_LEVEL": "debug"})
	h.Router.HandleExact("出错", func(c *bot.Context) error { return errors.New("the disk is on fire") })
	for _, m := range []struct{ user, text, msgid string }{{"t-log1", "出错", "700001"}, {"t-log2", "帮助", "700002"}} {
		r, err := h.WeCom.Post(h.WeCom.TextXML(m.user, m.text, m.msgid))
		if err != nil || r.Status != 200 || r.Content == "" {
			t.Fatalf("say %q: %+v, %v", m.text, r, err)
		}
	}
	h.Drain(t)

	// A line is about a message when it names its msgid or its sender (the
	// handler's failure does); each must carry that message's one id.
	lines := jsonLog(t, h)
	ids := map[string]string{} // message -> its request id
	byID := map[string][]string{}
	for _, l := range lines {
		if l.str("level") == "" || l.str("msg") == "" || l.str("time") == "" {
			t.Errorf("log line without time, level or msg: %v", l)
		}
		id := l.str("request_id")
		for msg, about := range map[string]bool{
			"700001": l.str("msgid") == "700001" || l.str("user") == "t-log1",
			"700002": l.str("msgid") == "700002" || l.str("user") == "t-log2",
		} {
			if !about {
				continue
			}
			if id == "" {
				t.Errorf("a line about message %s has no request_id: %v", msg, l)
			} else if prev, ok := ids[msg]; ok && prev != id {
				t.Errorf("message %s logged under request ids %s and %s", msg, prev, id)
			}
			ids[msg] = id
		}
		if id != "" {
			byID[id] = append(byID[id], l.str("msg"))
		}
	}
	if ids["700001"] == "" || ids["700001"] == ids["700002"] {
		t.Fatalf("request ids = %v, want one for each message, distinct", ids)
	}
	got := byID[ids["700001"]]
	for _, want := range []string{"wecom message", "handler failed", "message handled"} {
		if !slices.Contains(got, want) {
			t.Errorf("lines under the first message's request id = %q, want %q among them", got, want)
		}
	}

	// An admin API request: the client's id is echoed and logged; a
	// malformed one is replaced by a fresh id.
	for _, tc := range []struct{ sent, want string }{
		{"probe-42", "probe-42"},
		{"bad id\" level=ERROR", ""},
	} {
		req, _ := http.NewRequest("GET", h.URL()+"/api/members", nil)
		req.Header.Set("Authorization", "Bearer wrong-token")
		req.Header.Set("X-Request-Id", tc.sent)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		echo := res.Header.Get("X-Request-Id")
		if tc.want != "" && echo != tc.want {
			t.Errorf("X-Request-Id %q echoed as %q", tc.sent, echo)
		}
		if tc.want == "" && !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(echo) {
			t.Errorf("malformed X-Request-Id %q answered with %q, want a fresh id", tc.sent, echo)
		}
		if tc.want == "" {
			continue // refused before the token is read (429: this address just guessed wrong)
		}
		found := false
		for _, l := range jsonLog(t, h) {
			found = found || (l.str("msg") == "admin sign-in refused" && l.str("request_id") == echo)
		}
		if !found {
			t.Errorf("no 'admin sign-in refused' line with request_id %q", echo)
		}
	}
}
