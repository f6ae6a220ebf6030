package fakewecom

import (
	"fmt"
	"net/http"
)

// The Official Account's side of the fake: cgi-bin/token and
// message/custom/send (recorded with the WeCom sends, Path telling them
// apart), with 45015 for a follower whose 48-hour window has closed.

// OfficialAccount makes the fake also play an Official Account's API for
// appID/secret.
func (s *Server) OfficialAccount(appID, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.appID, s.appSecret, s.closed = appID, secret, map[string]bool{}
}

// CloseWindow makes customer-service messages to openid answer 45015, as
// for a follower silent for 48 hours.
func (s *Server) CloseWindow(openid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed[openid] = true
}

// getOAToken is the Official Account's cgi-bin/token.
func (s *Server) getOAToken(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.mu.Lock()
	appID, secret := s.appID, s.appSecret
	s.mu.Unlock()
	switch {
	case q.Get("grant_type") != "client_credential":
		writeErr(w, 40002)
		return
	case appID == "" || q.Get("appid") != appID:
		writeErr(w, 40013)
		return
	case q.Get("secret") != secret:
		writeErr(w, 40125)
		return
	}
	s.mu.Lock()
	s.nextTok++
	tok := fmt.Sprintf("fake-oa-token-%d", s.nextTok)
	s.tokens[tok] = true
	s.mu.Unlock()
	writeJSON(w, map[string]any{"access_token": tok, "expires_in": 7200}) // no errcode on success, as the platform answers
}
