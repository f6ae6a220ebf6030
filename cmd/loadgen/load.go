package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
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

// sender posts one teacher message and returns the decrypted passive reply
// ("" when the bot answered empty and will reply actively).
type sender interface {
	Send(user, text string) (reply string, status int, err error)
}

func newSender(t target) sender {
	hc := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, DialContext: (&net.Dialer{Timeout: 5 * time.Second}).DialContext}}
	if t.Channel == "wechat" {
		return &wechatSender{c: &fakewecom.OAClient{URL: t.URL, Token: t.Token, AESKey: t.AESKey, AppID: t.CorpID,
			Original: "gh_loadgen", Mode: fakewecom.ModeSafe, HTTP: hc}}
	}
	return &wecomSender{c: &fakewecom.Client{URL: t.URL, Token: t.Token, AESKey: t.AESKey, CorpID: t.CorpID, HTTP: hc}}
}

type wecomSender struct{ c *fakewecom.Client }

func (s *wecomSender) Send(user, text string) (string, int, error) {
	r, err := s.c.SendText(user, text)
	if err != nil {
		return "", 0, err
	}
	return r.Content, r.Status, nil
}

// wechatSender plays the Official Account platform in safe mode (the
// mode the bot accepts once an EncodingAESKey is set).
type wechatSender struct{ c *fakewecom.OAClient }

func (s *wechatSender) Send(user, text string) (string, int, error) {
	r, err := s.c.SendText(user, text)
	if err != nil {
		return "", 0, err
	}
	return r.Content, r.Status, nil
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
	s := newSender(t)
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
	phase := func(n int, d time.Duration) *result {
		var budget atomic.Int64
		budget.Store(int64(n))
		var deadline time.Time
		if d > 0 {
			deadline, budget = time.Now().Add(d), atomic.Int64{}
			budget.Store(1 << 62)
		}
		results := make([]*result, o.Concurrency)
		var wg sync.WaitGroup
		start := time.Now()
		for w := 0; w < o.Concurrency; w++ {
			results[w] = &result{}
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				mine := (o.Teachers - w + o.Concurrency - 1) / o.Concurrency
				for i := 0; ; i++ {
					if ctx.Err() != nil || budget.Add(-1) < 0 || (!deadline.IsZero() && time.Now().After(deadline)) {
						return
					}
					if tick != nil {
						select {
						case <-tick:
						case <-ctx.Done():
							return
						}
					}
					teacher := w + (i%mine)*o.Concurrency
					script := scripts[kindOf(teacher)]
					text := script[turns[w][teacher]%len(script)]
					turns[w][teacher]++
					user := fmt.Sprintf("%s%05d", o.UserPrefix, teacher+1)
					t0 := time.Now()
					reply, status, err := s.Send(user, text)
					results[w].record(reply, status, err, time.Since(t0))
				}
			}(w)
		}
		wg.Wait()
		total := &result{Elapsed: time.Since(start)}
		for _, r := range results {
			total.add(r)
		}
		return total
	}
	if o.Warmup > 0 {
		phase(o.Warmup, 0) // connections, caches, first-contact member records
	}
	total := phase(o.N, o.Duration)
	sort.Slice(total.lat, func(i, j int) bool { return total.lat[i] < total.lat[j] })
	if total.Sent == 0 {
		return total, fmt.Errorf("nothing was sent")
	}
	return total, nil
}
