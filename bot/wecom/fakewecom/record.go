package fakewecom

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

func (s *Server) record(w http.ResponseWriter, r *http.Request, path string) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	var req struct {
		ToUser   string                              `json:"touser"`
		ToParty  string                              `json:"toparty"`
		ToTag    string                              `json:"totag"`
		ChatID   string                              `json:"chatid"`
		MsgType  string                              `json:"msgtype"`
		Text     struct{ Content string }            `json:"text"`
		Markdown struct{ Content string }            `json:"markdown"`
		TextCard struct{ Title, Description string } `json:"textcard"`
		AgentID  int                                 `json:"agentid"`
		Card     json.RawMessage                     `json:"template_card"`
		Dup      int                                 `json:"enable_duplicate_check"`
		DupSecs  *int                                `json:"duplicate_check_interval"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		writeErr(w, 47001)
		return
	}
	m := Sent{Path: path, ToUser: req.ToUser, ToParty: req.ToParty, MsgType: req.MsgType, Body: string(body), At: s.now()}
	switch req.MsgType {
	case "text":
		m.Content = req.Text.Content
	case "markdown":
		m.Content = req.Markdown.Content
	case "textcard":
		m.Content = req.TextCard.Title + "\n" + req.TextCard.Description
	case "template_card":
		switch {
		case path != "/cgi-bin/message/send":
			writeErr(w, 40008)
		case req.ToUser == "" && req.ToParty == "":
			writeErr(w, 40035)
		case req.AgentID == 0:
			writeErrMsg(w, CodeInvalidParam, "agentid missing")
		default:
			s.sendCard(w, m, req.Card)
		}
		return
	default:
		writeErr(w, 40008)
		return
	}
	if path == "/cgi-bin/message/send" && req.ToUser == "" && req.ToParty == "" {
		writeErr(w, 40035)
		return
	}
	if path == "/cgi-bin/message/custom/send" {
		s.mu.Lock()
		closed := s.closed[req.ToUser]
		s.mu.Unlock()
		switch {
		case req.ToUser == "" || strings.ContainsAny(req.ToUser, ":|"):
			writeErr(w, 40003)
			return
		case closed:
			writeErr(w, 45015)
			return
		}
	}
	if path == "/cgi-bin/webhook/send" {
		// The group robot refuses an over-long message whole (it does not
		// cut, as message/send does) and more than RobotPerMinute a minute.
		if limit := robotMaxBytes[req.MsgType]; limit > 0 && len(m.Content) > limit {
			writeErrMsg(w, CodeInvalidParam, fmt.Sprintf("%s.content exceed max length %d. invalid Request Parameter", req.MsgType, limit))
			return
		}
		s.mu.Lock()
		ok := s.allowRobot(m.At)
		s.mu.Unlock()
		if !ok {
			writeErr(w, 45009)
			return
		}
	}
	if req.MsgType == "text" && len(m.Content) > 2048 {
		m.Content = m.Content[:2048] // WeCom cuts; tests can see it happened
	}
	window := DuplicateCheckDefault
	if req.DupSecs != nil {
		window = time.Duration(*req.DupSecs) * time.Second
	}
	if path == "/cgi-bin/message/send" && req.Dup == 1 && (window <= 0 || window > DuplicateCheckMax) {
		writeErrMsg(w, CodeInvalidParam, "duplicate_check_interval out of range")
		return
	}
	s.mu.Lock()
	if path == "/cgi-bin/message/send" {
		if !s.allowCall(m.At, m) {
			s.mu.Unlock()
			writeErr(w, 45009)
			return
		}
		if req.Dup == 1 && s.duplicate(m, window) {
			s.mu.Unlock()
			writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": "fake-msg-duplicate"})
			return
		}
		s.deliver(m.At, m, s.recipients(req.ToUser, req.ToParty, req.ToTag))
	}
	n := s.appendSent(m)
	s.mu.Unlock()
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "msgid": fmt.Sprintf("fake-msg-%d", n)})
}

// appendSent records m and wakes WaitSent; s.mu must be held.
func (s *Server) appendSent(m Sent) int {
	s.sent = append(s.sent, m)
	close(s.changed)
	s.changed = make(chan struct{})
	return len(s.sent)
}

// WeCom's duplicate check on message/send (enable_duplicate_check): "within
// the interval, a message with the same content (the request JSON) is not
// received again"; the interval (duplicate_check_interval, seconds) is
// 1800 s unless given, at most 4 hours.
const (
	DuplicateCheckDefault = 1800 * time.Second
	DuplicateCheckMax     = 4 * time.Hour
)

// duplicate reports whether a message/send with m's request JSON was
// delivered within window before m, keeping m's own for later calls when
// it was not (the interval runs from the delivery it repeats). The call
// answers ok and delivers nothing; Duplicates lists it. Callers hold s.mu.
func (s *Server) duplicate(m Sent, window time.Duration) bool {
	if until, ok := s.dupUntil[m.Body]; ok && m.At.Before(until) {
		s.duplicates = append(s.duplicates, m)
		return true
	}
	if s.dupUntil == nil {
		s.dupUntil = map[string]time.Time{}
	}
	if len(s.dupUntil) >= max(s.dupPruneAt, 10000) { // the load generator's fake runs for long
		for body, until := range s.dupUntil {
			if !m.At.Before(until) {
				delete(s.dupUntil, body)
			}
		}
		s.dupPruneAt = 2 * len(s.dupUntil)
	}
	s.dupUntil[m.Body] = m.At.Add(window)
	return false
}

// Duplicates is every message/send the duplicate check kept from its
// recipients (answered ok, delivered nothing), in the order they came.
func (s *Server) Duplicates() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.duplicates...)
}

// The group robot's documented limits (webhook/send): text up to 2,048
// bytes, markdown up to 4,096, and 20 messages a minute per robot. Past
// the length it answers 40058 ("markdown.content exceed max length 4096"),
// past the rate 45009.
const RobotPerMinute = 20

var robotMaxBytes = map[string]int{"text": 2048, "markdown": 4096}

// allowRobot counts a robot message at now against RobotPerMinute over
// the last minute; s.mu must be held.
func (s *Server) allowRobot(now time.Time) bool {
	kept := s.robotSends[:0]
	for _, t := range s.robotSends {
		if now.Sub(t) < time.Minute {
			kept = append(kept, t)
		}
	}
	s.robotSends = kept
	if len(kept) >= RobotPerMinute {
		return false
	}
	s.robotSends = append(s.robotSends, now)
	return true
}
