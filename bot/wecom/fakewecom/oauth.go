package fakewecom

import (
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
)

// SetOAuthUser makes the fake's authorize page (/connect/oauth2/authorize)
// sign in as userID, as WeCom's in-app browser does for the teacher holding
// the phone. "" refuses (no code in the redirect).
func (s *Server) SetOAuthUser(userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oauthUser = userID
}

// OAuthCode returns a one-time code that auth/getuserinfo turns into userID.
func (s *Server) OAuthCode(userID string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.codes == nil {
		s.codes = map[string]string{}
	}
	s.nextCode++
	code := fmt.Sprintf("code-%d", s.nextCode)
	s.codes[code] = userID
	return code
}

// authorize redirects back to redirect_uri with a code for the OAuth user.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || back.Host == "" || q.Get("appid") != s.CorpID {
		http.Error(w, "bad redirect_uri or appid", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	user := s.oauthUser
	s.mu.Unlock()
	bq := back.Query()
	if user != "" {
		bq.Set("code", s.OAuthCode(user))
	}
	bq.Set("state", q.Get("state"))
	back.RawQuery = bq.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// getUserInfo answers auth/getuserinfo: a code is good once.
func (s *Server) getUserInfo(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	code := r.URL.Query().Get("code")
	user, ok := s.codes[code]
	delete(s.codes, code)
	s.mu.Unlock()
	if !ok {
		writeErr(w, 40029) // invalid code
		return
	}
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "userid": user})
}

// departmentList answers department/list with every department.
func (s *Server) departmentList(w http.ResponseWriter) {
	s.mu.Lock()
	var out []map[string]any
	for id, name := range s.depts {
		out = append(out, map[string]any{"id": id, "name": name, "parentid": 1})
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i]["id"].(int) < out[j]["id"].(int) })
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "department": out})
}

// userSimpleList answers user/simplelist for one department.
func (s *Server) userSimpleList(w http.ResponseWriter, r *http.Request) {
	dept, _ := strconv.Atoi(r.URL.Query().Get("department_id"))
	s.mu.Lock()
	out := []User{}
	for _, u := range s.users {
		for _, d := range u.Department {
			if d == dept {
				out = append(out, u)
				break
			}
		}
	}
	s.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].UserID < out[j].UserID })
	writeJSON(w, map[string]any{"errcode": 0, "errmsg": "ok", "userlist": out})
}
