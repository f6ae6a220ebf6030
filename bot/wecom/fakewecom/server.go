// Package fakewecom is a stand-in for WeCom and the Official Account
// platform for tests, the load generator and local trials: an API server
// that speaks the real endpoints, JSON and error codes (gettoken,
// message/send, appchat/send, webhook/send, user/get, department/get; the
// 公众号's cgi-bin/token and message/custom/send) and records what the bot
// sent; and clients that play each platform's side of the callbacks with
// real signatures and encryption.
package fakewecom

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Sent is one request the bot made to a sending endpoint.
type Sent struct {
	Path    string // e.g. /cgi-bin/message/send
	ToUser  string
	ToParty string
	MsgType string
	Content string // text or markdown content
	Body    string // the raw JSON
	At      time.Time
	// Card is a template_card send; ResponseCode the code an
	// update_template_card used (Content holds the buttons' new text).
	Card         *Card
	ResponseCode string
}

// User is an address-book entry.
type User struct {
	UserID     string `json:"userid"`
	Name       string `json:"name"`
	Department []int  `json:"department"`
}

type fault struct {
	errcode int
	status  int
	delay   time.Duration
	late    time.Duration // the call is carried out, then its answer waits
	match   string        // only for calls whose body holds this
	times   int
}

// Server is the fake WeCom API.
type Server struct {
	CorpID   string
	Secret   string
	RobotKey string
	// Now is the fake's clock, by which it counts its limits (time.Now
	// when nil); tests give it theirs.
	Now func() time.Time

	limits  Limits
	q       quota
	userIDs []string // the address book in the order users were added

	mu      sync.Mutex
	tokens  map[string]bool
	nextTok int
	sent    []Sent
	users   map[string]User
	depts   map[int]string
	faults  map[string][]*fault
	calls   map[string]int
	changed chan struct{}
	httpSrv *httptest.Server

	oauthUser string
	codes     map[string]string
	nextCode  int
	rcodes    map[string]*responseCode // template-card response codes
	tasks     map[string]bool          // template-card task ids seen

	dupUntil   map[string]time.Time // message/send request JSON -> end of its duplicate check
	dupPruneAt int                  // size of dupUntil at which its expired requests are dropped
	duplicates []Sent               // sends the duplicate check kept back
	robotSends []time.Time          // the group robot's messages of the last minute

	// The Official Account's side (cgi-bin/token, message/custom/send).
	appID, appSecret string
	closed           map[string]bool // openids whose 48-hour window has closed
}

// New returns a fake for corpID/secret; Start or use as an http.Handler.
func New(corpID, secret string) *Server {
	return &Server{CorpID: corpID, Secret: secret, tokens: map[string]bool{}, users: map[string]User{},
		depts: map[int]string{1: "学校"}, faults: map[string][]*fault{}, calls: map[string]int{}, changed: make(chan struct{}),
		limits: WeComLimits, q: quota{byUser: map[string][]time.Time{}, delivered: map[string][]Sent{}}}
}

// Start serves the fake on a loopback port and returns its base URL.
func (s *Server) Start() string {
	s.httpSrv = httptest.NewServer(s)
	return s.httpSrv.URL
}

// Close stops a started server.
func (s *Server) Close() {
	if s.httpSrv != nil {
		s.httpSrv.Close()
	}
}

// URL is the base URL of a started server.
func (s *Server) URL() string { return s.httpSrv.URL }

// AddUser puts a user in the address book.
func (s *Server) AddUser(u User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[u.UserID]; !ok {
		s.userIDs = append(s.userIDs, u.UserID)
	}
	s.users[u.UserID] = u
}

// AddDepartment names a department.
func (s *Server) AddDepartment(id int, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.depts[id] = name
}

// FailNext makes the next times calls to path answer errcode (with HTTP 200,
// as WeCom does).
func (s *Server) FailNext(path string, errcode, times int) {
	s.addFault(path, &fault{errcode: errcode, times: times})
}

// FailHTTP makes the next times calls to path answer an HTTP status.
func (s *Server) FailHTTP(path string, status, times int) {
	s.addFault(path, &fault{status: status, times: times})
}

// Delay makes the next times calls to path wait d first (to cause timeouts).
func (s *Server) Delay(path string, d time.Duration, times int) {
	s.addFault(path, &fault{delay: d, times: times})
}

// AnswerLate makes the next call to path whose body holds match be
// carried out at once and answered d later: a caller that times out first
// does not know its message went.
func (s *Server) AnswerLate(path, match string, d time.Duration) {
	s.addFault(path, &fault{late: d, match: match, times: 1})
}

// lateWriter holds an answer back until its time.
type lateWriter struct {
	http.ResponseWriter
	d    time.Duration
	once sync.Once
}

func (w *lateWriter) wait()                { w.once.Do(func() { time.Sleep(w.d) }) }
func (w *lateWriter) WriteHeader(code int) { w.wait(); w.ResponseWriter.WriteHeader(code) }
func (w *lateWriter) Write(b []byte) (int, error) {
	w.wait()
	return w.ResponseWriter.Write(b)
}

// ExpireTokens makes every issued token expired (42001), as after 2 hours.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for t := range s.tokens {
		s.tokens[t] = false
	}
}

func (s *Server) addFault(path string, f *fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[path] = append(s.faults[path], f)
}

// Calls counts requests to path, failed ones included.
func (s *Server) Calls(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[path]
}

// Sent returns what was sent so far.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// SentTo returns the messages sent to user (directly, not @all).
func (s *Server) SentTo(user string) []Sent {
	var out []Sent
	for _, m := range s.Sent() {
		for _, u := range strings.Split(m.ToUser, "|") {
			if u == user {
				out = append(out, m)
			}
		}
	}
	return out
}

// Reset forgets what was sent and the faults.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent, s.faults, s.calls = nil, map[string][]*fault{}, map[string]int{}
	s.q = quota{byUser: map[string][]time.Time{}, delivered: map[string][]Sent{}}
}

// WaitSent waits until at least n messages match pred, or timeout.
func (s *Server) WaitSent(n int, timeout time.Duration, pred func(Sent) bool) []Sent {
	deadline := time.Now().Add(timeout)
	for {
		s.mu.Lock()
		var got []Sent
		for _, m := range s.sent {
			if pred == nil || pred(m) {
				got = append(got, m)
			}
		}
		ch := s.changed
		s.mu.Unlock()
		if len(got) >= n || time.Now().After(deadline) {
			return got
		}
		select {
		case <-ch:
		case <-time.After(time.Until(deadline)):
		}
	}
}

type apiError struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

var errMsgs = map[int]string{
	0: "ok", 40001: "invalid credential", 40002: "invalid grant_type", 40125: "invalid appsecret", 40003: "invalid openid",
	45015: "response out of time limit or subscription is canceled", 44002: "empty post data", 40013: "invalid corpid", 40014: "invalid access_token",
	42001: "access_token expired", 45009: "api freq out of limit", 45033: "api concurrent out of limit", 45047: "user msg out of limit", -1: "system busy",
	60111: "userid not found", 40008: "invalid message type", 40035: "invalid args",
	93000: "invalid webhook url", 41001: "access_token missing", 47001: "data format error",
	60123: "invalid party id",
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	json.NewEncoder(w).Encode(v)
}

func writeErr(w http.ResponseWriter, code int) {
	writeJSON(w, apiError{ErrCode: code, ErrMsg: errMsgs[code]})
}

// ServeHTTP implements the API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	s.mu.Lock()
	matching := len(s.faults[path]) > 0 && s.faults[path][0].match != ""
	s.mu.Unlock()
	var body []byte
	if matching && r.Body != nil { // the fault looks at the body: read it here, and give it back whole
		body, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	s.mu.Lock()
	s.calls[path]++
	var f *fault
	if fs := s.faults[path]; len(fs) > 0 && (fs[0].match == "" || bytes.Contains(body, []byte(fs[0].match))) {
		f = fs[0]
		if f.times--; f.times <= 0 {
			s.faults[path] = fs[1:]
		}
	}
	s.mu.Unlock()
	if f != nil {
		if f.delay > 0 {
			time.Sleep(f.delay)
		}
		if f.late > 0 {
			w = &lateWriter{ResponseWriter: w, d: f.late}
		}
		if f.status != 0 {
			http.Error(w, http.StatusText(f.status), f.status)
			return
		}
		if f.errcode != 0 {
			writeErr(w, f.errcode)
			return
		}
	}
	switch path {
	case "/cgi-bin/gettoken":
		s.getToken(w, r)
	case "/cgi-bin/token":
		s.getOAToken(w, r)
	case "/cgi-bin/message/custom/send":
		if code := s.checkToken(r); code != 0 {
			writeErr(w, code)
			return
		}
		s.record(w, r, path)
	case "/cgi-bin/message/update_template_card":
		if code := s.checkToken(r); code != 0 {
			writeErr(w, code)
			return
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		s.updateCard(w, r, path, body)
	case "/cgi-bin/message/send", "/cgi-bin/appchat/send":
		if code := s.checkToken(r); code != 0 {
			writeErr(w, code)
			return
		}
		s.record(w, r, path)
	case "/cgi-bin/webhook/send":
		if s.RobotKey != "" && r.URL.Query().Get("key") != s.RobotKey {
			writeErr(w, 93000)
			return
		}
		s.record(w, r, path)
	case "/cgi-bin/user/get":
		if code := s.checkToken(r); code != 0 {
			writeErr(w, code)
			return
		}
		s.mu.Lock()
		u, ok := s.users[r.URL.Query().Get("userid")]
		s.mu.Unlock()
		if !ok {
			writeErr(w, 60111)
			return
		}
		writeJSON(w, struct {
			apiError
			User
		}{apiError{0, "ok"}, u})
	case "/cgi-bin/department/get":
		if code := s.checkToken(r); code != 0 {
			writeErr(w, code)
			return
		}
		id, _ := strconv.Atoi(r.URL.Query().Get("id"))
		s.mu.Lock()
		name, ok := s.depts[id]
		s.mu.Unlock()
		if !ok {
			writeErr(w, 60123)
			return
		}
		writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "department": map[string]any{"id": id, "name": name}})
	case "/connect/oauth2/authorize":
		s.authorize(w, r)
	case "/cgi-bin/auth/getuserinfo", "/cgi-bin/department/list", "/cgi-bin/user/simplelist":
		if code := s.checkToken(r); code != 0 {
			writeErr(w, code)
			return
		}
		switch path {
		case "/cgi-bin/auth/getuserinfo":
			s.getUserInfo(w, r)
		case "/cgi-bin/department/list":
			s.departmentList(w)
		default:
			s.userSimpleList(w, r)
		}
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) getToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("corpid") != s.CorpID {
		writeErr(w, 40013)
		return
	}
	if q.Get("corpsecret") != s.Secret {
		writeErr(w, 40001)
		return
	}
	s.mu.Lock()
	s.nextTok++
	tok := fmt.Sprintf("fake-token-%d", s.nextTok)
	s.tokens[tok] = true
	s.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "access_token": tok, "expires_in": 7200})
}

func (s *Server) checkToken(r *http.Request) int {
	tok := r.URL.Query().Get("access_token")
	if tok == "" {
		return 41001
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	valid, known := s.tokens[tok]
	switch {
	case !known:
		return 40014
	case !valid:
		return 42001
	}
	return 0
}
