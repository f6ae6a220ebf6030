package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"unionbot/bot/wecom/fakewecom"
)

// scripts are what a simulated teacher of each kind says, in order, over
// and over. A form is several turns of one conversation.
var scripts = map[string][]string{
	"help":   {"帮助"},
	"faq":    {"体检什么时候", "会费怎么交", "會費怎麼交", "工会会员生日有什么慰问", "生病住院工会有补助吗", "教代会什么时候开"},
	"signup": {"活动", "报名 压测", "我的报名"},
	"mine":   {"我的报名"},
	"form": {"提建议", "压测：教师休息室增加饮水机", "后勤保障", "三楼教师休息室没有饮水机，老师要到一楼接水。",
		"在三楼休息室加装一台饮水机。", "否", "确认提交"},
}

type mixItem struct {
	Kind   string
	Weight int
}

type loadOptions struct {
	Mix         string
	Teachers    int
	Concurrency int
	N           int
	Duration    time.Duration
	Rate        float64
	Warmup      int
	UserPrefix  string
}

// request is one teacher message as the platform posts it: signed,
// encrypted, ready to go.
type request struct {
	url  string
	body []byte
}

// sender plays the platform: it prepares a teacher's message and reads
// the callback's response. Preparing and reading are the load
// generator's own crypto; for a fixed count of messages both happen
// outside the timed part (all requests sealed before the clock starts,
// every response opened and checked after it stops), so what is timed is
// the server, not the generator: with the bot's 1.2 KB 帮助 menu to open
// on every reply, the generator's one CPU was the limit before the bot's.
type sender interface {
	Prepare(user, text string) (request, error)
	// Decode returns the decrypted passive reply ("" when the bot answered
	// empty and will reply actively).
	Decode(status int, raw []byte) (string, error)
}

func newSender(t target) (sender, *http.Client) {
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}}
	if t.Channel == "wechat" {
		return &wechatSender{c: &fakewecom.OAClient{URL: t.URL, Token: t.Token, AESKey: t.AESKey, AppID: t.CorpID,
			Original: "gh_loadgen", Mode: fakewecom.ModeSafe, HTTP: hc}}, hc
	}
	return &wecomSender{c: &fakewecom.Client{URL: t.URL, Token: t.Token, AESKey: t.AESKey, CorpID: t.CorpID, HTTP: hc}}, hc
}

// post sends one prepared request and returns the raw response.
func post(hc *http.Client, r request) (int, []byte, error) {
	resp, err := hc.Post(r.url, "text/xml", bytes.NewReader(r.body))
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	return resp.StatusCode, raw, err
}

type wecomSender struct{ c *fakewecom.Client }

func (s *wecomSender) Prepare(user, text string) (request, error) {
	body, sig, ts, nonce, err := s.c.Signed(s.c.TextXML(user, text, s.c.NewMsgID()))
	q := url.Values{"msg_signature": {sig}, "timestamp": {ts}, "nonce": {nonce}}
	return request{url: s.c.URL + "?" + q.Encode(), body: body}, err
}

func (s *wecomSender) Decode(status int, raw []byte) (string, error) {
	r, err := s.c.Decode(status, raw)
	if err != nil {
		return "", err
	}
	return r.Content, nil
}

// wechatSender plays the Official Account platform in safe mode (the
// mode the bot accepts once an EncodingAESKey is set).
type wechatSender struct{ c *fakewecom.OAClient }

func (s *wechatSender) Prepare(user, text string) (request, error) {
	req, err := s.c.Sign(s.c.TextXML(user, text, (&fakewecom.Client{}).NewMsgID()))
	if err != nil {
		return request{}, err
	}
	return request{url: s.c.URL + "?" + req.Query.Encode(), body: req.Body}, nil
}

func (s *wechatSender) Decode(status int, raw []byte) (string, error) {
	r, err := s.c.Decode(status, raw)
	if err != nil {
		return "", err
	}
	return r.Content, nil
}

// result is what one load run measured.
type result struct {
	Sent, Passive, Active      int
	HTTPErr, NetErr, Busy, Lim int
	Elapsed                    time.Duration
	lat                        []time.Duration
}

// Rate is messages per second.
func (r *result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Sent) / r.Elapsed.Seconds()
}

// Pct is the p-th percentile latency.
func (r *result) Pct(p float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(float64(len(r.lat))*p/100+0.5) - 1
	return r.lat[max(0, min(i, len(r.lat)-1))].Round(10 * time.Microsecond)
}

func (r *result) print(w io.Writer, title string) {
	fmt.Fprintf(w, "== %s\n", title)
	fmt.Fprintf(w, "sent %d in %.1fs: %.0f msg/s\n", r.Sent, r.Elapsed.Seconds(), r.Rate())
	fmt.Fprintf(w, "latency p50 %s  p95 %s  p99 %s  max %s\n", r.Pct(50), r.Pct(95), r.Pct(99), r.Pct(100))
	fmt.Fprintf(w, "replies: passive %d, active (empty answer, sent later) %d; errors: http %d, network %d, 系统繁忙 %d, 限流 %d\n",
		r.Passive, r.Active, r.HTTPErr, r.NetErr, r.Busy, r.Lim)
}

func (r *result) add(o *result) {
	r.Sent += o.Sent
	r.Passive += o.Passive
	r.Active += o.Active
	r.HTTPErr += o.HTTPErr
	r.NetErr += o.NetErr
	r.Busy += o.Busy
	r.Lim += o.Lim
	r.lat = append(r.lat, o.lat...)
}

func (r *result) record(reply string, status int, err error, took time.Duration) {
	r.Sent++
	r.lat = append(r.lat, took)
	switch {
	case err != nil:
		r.NetErr++
	case status != http.StatusOK:
		r.HTTPErr++
	case reply == "":
		r.Active++
	default:
		r.Passive++
		if strings.Contains(reply, "系统繁忙") {
			r.Busy++
		}
		if strings.Contains(reply, "发送得太快") {
			r.Lim++
		}
	}
}

// load sends the mix: each worker owns a disjoint set of teachers, so a
// teacher's turns (a form) stay in order, and paces itself on a shared
// ticker when a rate is set.
func load(ctx context.Context, t target, mix []mixItem, o loadOptions) (*result, error) {
	if o.Teachers < o.Concurrency {
		o.Concurrency = o.Teachers
	}
	if o.UserPrefix == "" {
		o.UserPrefix = "lt"
	}
	s, hc := newSender(t)
	kindOf := func(teacher int) string { // spread the kinds over teachers by weight
		total := 0
		for _, m := range mix {
			total += m.Weight
		}
		k := teacher % total
		for _, m := range mix {
			if k < m.Weight {
				return m.Kind
			}
			k -= m.Weight
		}
		return mix[0].Kind
	}
	var tick <-chan time.Time
	if o.Rate > 0 {
		tk := time.NewTicker(time.Duration(float64(time.Second) / o.Rate))
		defer tk.Stop()
		tick = tk.C
	}
	turns := make([]map[int]int, o.Concurrency) // each worker's teachers' next turn
	for w := range turns {
		turns[w] = map[int]int{}
	}
	// message is worker w's i-th message: its teacher's next turn.
	message := func(w, i int) (string, string) {
		mine := (o.Teachers - w + o.Concurrency - 1) / o.Concurrency
		teacher := w + (i%mine)*o.Concurrency
		script := scripts[kindOf(teacher)]
		text := script[turns[w][teacher]%len(script)]
		turns[w][teacher]++
		return fmt.Sprintf("%s%05d", o.UserPrefix, teacher+1), text
	}
	// sendNow prepares, posts and reads one message while the clock runs
	// (a run for a duration, or paced to a rate).
	sendNow := func(r *result, user, text string) {
		req, err := s.Prepare(user, text)
		if err != nil {
			r.record("", 0, err, 0)
			return
		}
		t0 := time.Now()
		status, raw, err := post(hc, req)
		took := time.Since(t0)
		reply := ""
		if err == nil {
			reply, err = s.Decode(status, raw)
		}
		r.record(reply, status, err, took)
	}
	phase := func(n int, d time.Duration) (*result, error) {
		results := make([]*result, o.Concurrency)
		var wg sync.WaitGroup
		if d > 0 || tick != nil {
			deadline := time.Now().Add(d)
			var budget atomic.Int64
			budget.Store(int64(n))
			if d > 0 {
				budget.Store(1 << 62)
			}
			start := time.Now()
			for w := 0; w < o.Concurrency; w++ {
				results[w] = &result{}
				wg.Add(1)
				go func(w int) {
					defer wg.Done()
					for i := 0; ; i++ {
						if ctx.Err() != nil || budget.Add(-1) < 0 || (d > 0 && time.Now().After(deadline)) {
							return
						}
						if tick != nil {
							select {
							case <-tick:
							case <-ctx.Done():
								return
							}
						}
						user, text := message(w, i)
						sendNow(results[w], user, text)
					}
				}(w)
			}
			wg.Wait()
			return merge(results, time.Since(start)), nil
		}
		// A fixed count: every request sealed before the clock starts, each
		// worker's share in its teachers' order; every response opened after.
		type sent struct {
			status int
			raw    []byte
			err    error
			took   time.Duration
		}
		reqs := make([][]request, o.Concurrency)
		outs := make([][]sent, o.Concurrency)
		for w := range reqs {
			share := n / o.Concurrency
			if w < n%o.Concurrency {
				share++
			}
			for i := 0; i < share; i++ {
				req, err := s.Prepare(message(w, i))
				if err != nil {
					return nil, err
				}
				reqs[w] = append(reqs[w], req)
			}
			outs[w] = make([]sent, share)
		}
		start := time.Now()
		for w := 0; w < o.Concurrency; w++ {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i, req := range reqs[w] {
					if ctx.Err() != nil {
						outs[w] = outs[w][:i]
						return
					}
					t0 := time.Now()
					status, raw, err := post(hc, req)
					outs[w][i] = sent{status, raw, err, time.Since(t0)}
				}
			}(w)
		}
		wg.Wait()
		elapsed := time.Since(start)
		for w := range outs {
			results[w] = &result{}
			for _, x := range outs[w] {
				reply, err := "", x.err
				if err == nil {
					reply, err = s.Decode(x.status, x.raw)
				}
				results[w].record(reply, x.status, err, x.took)
			}
		}
		return merge(results, elapsed), nil
	}
	if o.Warmup > 0 { // connections, caches, first-contact member records
		if _, err := phase(o.Warmup, 0); err != nil {
			return nil, err
		}
	}
	total, err := phase(o.N, o.Duration)
	if err != nil {
		return nil, err
	}
	sort.Slice(total.lat, func(i, j int) bool { return total.lat[i] < total.lat[j] })
	if total.Sent == 0 {
		return total, fmt.Errorf("nothing was sent")
	}
	return total, nil
}

// merge adds the workers' results up.
func merge(results []*result, elapsed time.Duration) *result {
	total := &result{Elapsed: elapsed}
	for _, r := range results {
		total.add(r)
	}
	return total
}
