package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// runStorm is the sign-up storm: one event with -places places, and
// -teachers teachers who all send 报名 for it at once. It prints the
// throughput and latency, then checks the roster: exactly the places
// confirmed, everyone else waiting, nobody twice, and every teacher told
// the outcome the roster holds.
func runStorm(ctx context.Context, args []string, getenv func(string) string, out io.Writer) error {
	fs := flag.NewFlagSet("loadgen storm", flag.ContinueOnError)
	var t target
	t.flags(fs, getenv)
	teachers := fs.Int("teachers", 2000, "teachers signing up, each once")
	places := fs.Int("places", 100, "places of the event")
	conc := fs.Int("c", 64, "sign-ups in flight")
	token := fs.String("admin-token", getenv("UNIONBOT_ADMIN_TOKEN"), "admin API token (UNIONBOT_ADMIN_TOKEN), to create the event and read the roster")
	prefix := fs.String("prefix", "st"+time.Now().Format("150405"), "user id prefix, so that runs do not meet")
	if err := fs.Parse(args); err != nil {
		return err
	}
	api, err := adminAPI(t, *token)
	if err != nil {
		return err
	}
	title := "压测活动" + *prefix
	start := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	var ev struct{ ID int64 }
	if err := api.do("POST", "/api/events", fmt.Sprintf(`{"title":%q,"kind":"比赛","starts_at":%q,"capacity":%d,"waitlist":true}`, title, start, *places), &ev); err != nil {
		return fmt.Errorf("create the event: %w", err)
	}

	// Every request sealed before the clock starts and every response
	// opened after it stops, as in load.
	s, hc := newSender(t)
	reqs := make([]request, *teachers)
	for i := range reqs {
		if reqs[i], err = s.Prepare(fmt.Sprintf("%s%05d", *prefix, i), "报名 "+title); err != nil {
			return err
		}
	}
	type outcome struct {
		user   string
		status int
		raw    []byte
		took   time.Duration
		err    error
	}
	jobs := make(chan int)
	outs := make(chan outcome, *teachers)
	var wg sync.WaitGroup
	for w := 0; w < *conc; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				t0 := time.Now()
				status, raw, err := post(hc, reqs[i])
				outs <- outcome{fmt.Sprintf("%s%05d", *prefix, i), status, raw, time.Since(t0), err}
			}
		}()
	}
	t0 := time.Now()
	for i := 0; i < *teachers && ctx.Err() == nil; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(t0)
	close(outs)

	res := &result{Elapsed: elapsed}
	told := map[string]string{}
	other := map[string]int{} // replies that are neither outcome
	for o := range outs {
		reply, err := "", o.err
		if err == nil && o.status != http.StatusOK {
			err = fmt.Errorf("status %d", o.status)
		}
		if err == nil {
			reply, err = s.Decode(o.status, o.raw)
		}
		status := 200
		if err != nil {
			status = 0
		}
		res.record(reply, status, err, o.took)
		switch {
		case strings.Contains(reply, "报名成功"):
			told[o.user] = "confirmed"
		case strings.Contains(reply, "候补"):
			told[o.user] = "waiting"
		default:
			other[reply]++
		}
	}
	sort.Slice(res.lat, func(i, j int) bool { return res.lat[i] < res.lat[j] })
	res.print(out, fmt.Sprintf("sign-up storm: %d teachers, %d places, %d in flight", *teachers, *places, *conc))

	// Active replies come later; the roster is the truth.
	var roster struct {
		Confirmed []struct {
			UserID string `json:"user_id"`
		} `json:"confirmed"`
		Waitlist []struct {
			UserID string `json:"user_id"`
		} `json:"waitlist"`
	}
	if err := api.do("GET", fmt.Sprintf("/api/events/%d/roster", ev.ID), "", &roster); err != nil {
		return fmt.Errorf("read the roster: %w", err)
	}
	seen := map[string]bool{}
	dup, mismatch := 0, 0
	for _, list := range []struct {
		name    string
		entries []struct {
			UserID string `json:"user_id"`
		}
	}{{"confirmed", roster.Confirmed}, {"waiting", roster.Waitlist}} {
		for _, e := range list.entries {
			if seen[e.UserID] {
				dup++
			}
			seen[e.UserID] = true
			if got, ok := told[e.UserID]; ok && got != list.name {
				mismatch++
			}
		}
	}
	missing := 0 // told an outcome, yet not on the roster
	for user := range told {
		if !seen[user] {
			missing++
		}
	}
	for reply, n := range other {
		fmt.Fprintf(out, "%d teachers were told neither outcome: %q\n", n, reply)
	}
	fmt.Fprintf(out, "roster: %d confirmed (places %d), %d waiting, %d entered twice, %d told otherwise than the roster says, %d told an outcome but missing\n",
		len(roster.Confirmed), *places, len(roster.Waitlist), dup, mismatch, missing)
	if len(roster.Confirmed) > *places || dup > 0 || mismatch > 0 || missing > 0 {
		return fmt.Errorf("the roster is wrong")
	}
	return nil
}

type apiClient struct{ base, token string }

// adminAPI is the admin API of the bot whose callback t names, with token.
func adminAPI(t target, token string) (*apiClient, error) {
	u, err := url.Parse(t.URL)
	if err != nil {
		return nil, fmt.Errorf("-url: %w", err)
	}
	return &apiClient{base: u.Scheme + "://" + u.Host, token: token}, nil
}

func (a *apiClient) do(method, path, body string, out any) error {
	req, err := http.NewRequest(method, a.base+path, bytes.NewReader([]byte(body)))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, path, resp.StatusCode, b)
	}
	return json.Unmarshal(b, out)
}
