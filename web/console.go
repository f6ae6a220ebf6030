package web

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"unionbot"
)

// The console (/admin) is a client of the admin API: every page calls the
// /api routes in process with the admin token, so the console and the API
// never disagree. Sessions are signed cookies (HMAC keyed from the admin
// token), so replicas agree without shared state.

//go:embed console
var consoleFS embed.FS

// SessionTTL is how long a console sign-in lasts.
const SessionTTL = 12 * time.Hour

const (
	sessionCookie = "unionbot_console"
	preCookie     = "unionbot_pre" // ties the sign-in form's CSRF token to a browser
	stateCookie   = "unionbot_oauth"
)

// WeComAuth signs staff in with WeCom web OAuth.
type WeComAuth interface {
	OAuthURL(redirect, state string) string
	// OAuthUserID returns EFORBIDDEN for someone outside the organisation.
	OAuthUserID(ctx context.Context, code string) (string, error)
}

// Directory reads the WeCom address book for the member sync.
type Directory interface {
	ListDirectory(ctx context.Context) ([]*unionbot.Member, error)
}

type session struct {
	User    string // WeCom user id, or "" for a token sign-in
	Expires time.Time
	Nonce   string
	raw     string
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) key(purpose string) []byte {
	h := hmac.New(sha256.New, []byte(s.AdminToken))
	h.Write([]byte("unionbot-console:" + purpose))
	return h.Sum(nil)
}

func (s *Server) sign(purpose, payload string) string {
	h := hmac.New(sha256.New, s.key(purpose))
	h.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil))
}

func randomString() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func secure(r *http.Request) bool {
	return r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https")
}

func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/admin", MaxAge: maxAge, HttpOnly: true,
		Secure: secure(r), SameSite: http.SameSiteStrictMode})
}

// startSession signs user in; the cookie holds user|expiry|nonce and its MAC.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, user string) {
	exp := s.now().Add(SessionTTL)
	payload := base64.RawURLEncoding.EncodeToString([]byte(user)) + "|" + strconv.FormatInt(exp.Unix(), 10) + "|" + randomString()
	s.setCookie(w, r, sessionCookie, payload+"|"+s.sign("session", payload), int(SessionTTL/time.Second))
	s.setCookie(w, r, preCookie, "", -1)
}

// readSession returns the signed-in session, or nil.
func (s *Server) readSession(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || s.AdminToken == "" {
		return nil
	}
	i := strings.LastIndexByte(c.Value, '|')
	if i < 0 {
		return nil
	}
	payload, mac := c.Value[:i], c.Value[i+1:]
	if !hmac.Equal([]byte(mac), []byte(s.sign("session", payload))) {
		return nil
	}
	parts := strings.Split(payload, "|")
	if len(parts) != 3 {
		return nil
	}
	user, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || s.now().Unix() >= exp {
		return nil
	}
	return &session{User: string(user), Expires: time.Unix(exp, 0), Nonce: parts[2], raw: payload}
}

// csrfToken is bound to the session (or, before sign-in, to the pre cookie).
func (s *Server) csrfToken(sess *session, pre string) string {
	if sess != nil {
		return s.sign("csrf", sess.raw)
	}
	return s.sign("csrf-pre", pre)
}

func (s *Server) checkCSRF(r *http.Request, sess *session) bool {
	got := r.PostFormValue("csrf")
	if got == "" {
		return false
	}
	pre := ""
	if c, err := r.Cookie(preCookie); err == nil {
		pre = c.Value
	}
	if sess == nil && pre == "" {
		return false
	}
	return hmac.Equal([]byte(got), []byte(s.csrfToken(sess, pre)))
}

// isAdmin: listed in UNIONBOT_ADMINS, or holding the admin role.
func (s *Server) isAdmin(ctx context.Context, user string) bool {
	if s.AdminUser != nil && s.AdminUser(user) {
		return true
	}
	var m memberJSON
	res := s.call(ctx, "GET", "/api/members/"+url.PathEscape(user), nil, "")
	return res.Code == 200 && json.Unmarshal(res.Body.Bytes(), &m) == nil && m.Role == unionbot.RoleAdmin
}

// call runs one admin API request in process.
func (s *Server) call(ctx context.Context, method, path string, body io.Reader, ctype string) *httptest.ResponseRecorder {
	res := httptest.NewRecorder()
	req, err := http.NewRequestWithContext(ctx, method, path, body)
	if err != nil {
		writeError(res, unionbot.Errorf(unionbot.EINVALID, "地址不对：%s", path))
		return res
	}
	req.RemoteAddr, req.RequestURI = "127.0.0.1:0", path
	req.Header.Set("Authorization", "Bearer "+s.AdminToken)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	s.Handler().ServeHTTP(res, req)
	return res
}

// errFeatureOff says an API route is not there: the feature is not merged.
var errFeatureOff = errors.New("feature off")

// apiResult is the outcome of an API call the console made.
type apiResult struct {
	Status int
	Body   []byte
	Err    string // the API's Chinese error, if any
}

// Off reports whether the route does not exist (feature not enabled).
func (a *apiResult) Off() bool { return a.Status == http.StatusNotFound && a.Err == errNoRoute.Message }

// OK reports a 2xx answer.
func (a *apiResult) OK() bool { return a.Status/100 == 2 }

func (s *Server) apiDo(ctx context.Context, method, path string, body any) *apiResult {
	var rd io.Reader
	ctype := ""
	switch b := body.(type) {
	case nil:
	case string:
		rd, ctype = strings.NewReader(b), "text/plain; charset=utf-8"
	default:
		j, _ := json.Marshal(b)
		rd, ctype = bytes.NewReader(j), "application/json"
	}
	rec := s.call(ctx, method, path, rd, ctype)
	out := &apiResult{Status: rec.Code, Body: rec.Body.Bytes()}
	if !out.OK() {
		var e struct {
			Error string `json:"error"`
		}
		json.Unmarshal(out.Body, &e)
		out.Err = e.Error
		if out.Err == "" {
			out.Err = fmt.Sprintf("接口返回 %d。", rec.Code)
		}
	}
	return out
}

// Value decodes the body generically.
func (a *apiResult) Value() any {
	var v any
	d := json.NewDecoder(bytes.NewReader(a.Body))
	d.UseNumber()
	if d.Decode(&v) != nil {
		return nil
	}
	return v
}

var (
	tmplOnce sync.Once
	tmpls    map[string]*template.Template
	tmplErr  error
)

func consoleTemplates() (map[string]*template.Template, error) {
	tmplOnce.Do(func() {
		tmpls = map[string]*template.Template{}
		base, err := template.New("layout.html").Funcs(consoleFuncs).ParseFS(consoleFS, "console/layout.html")
		if err != nil {
			tmplErr = err
			return
		}
		pages, _ := fs.Glob(consoleFS, "console/pages/*.html")
		for _, p := range pages {
			t, err := template.Must(base.Clone()).ParseFS(consoleFS, p)
			if err != nil {
				tmplErr = err
				return
			}
			tmpls[strings.TrimSuffix(p[len("console/pages/"):], ".html")] = t
		}
	})
	return tmpls, tmplErr
}

func consoleStatic() http.Handler {
	sub, _ := fs.Sub(consoleFS, "console/static")
	return http.StripPrefix("/admin/static/", http.FileServer(http.FS(sub)))
}

func constEq(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }

// apiErr turns a failed API answer into the error the console shows.
func apiErr(a *apiResult) error {
	if a.Off() {
		return unionbot.Errorf(unionbot.ENOTFOUND, "该功能尚未启用。")
	}
	code := unionbot.EINTERNAL
	switch a.Status {
	case 400:
		code = unionbot.EINVALID
	case 403:
		code = unionbot.EFORBIDDEN
	case 404:
		code = unionbot.ENOTFOUND
	case 409:
		code = unionbot.ECONFLICT
	case 413:
		code = "too_large"
	case 503:
		code = "unavailable"
	}
	if code == unionbot.EINTERNAL {
		return unionbot.Errorf(unionbot.EINTERNAL, "api %d: %s", a.Status, a.Err)
	}
	return unionbot.Errorf(code, "%s", a.Err)
}
