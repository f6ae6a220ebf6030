package web

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/hex"
	"html/template"
	"io/fs"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"unionbot"
)

// The console (/admin) is the admin API's sibling over the same feature
// services: each page calls a service and fills a typed view, so the
// console and the API never disagree and a renamed field is a compile
// error. Sessions are signed cookies (HMAC keyed from the admin token), so
// replicas agree without shared state.

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
	nonce := randomString()
	if s.Sessions != nil {
		if err := s.Sessions.SaveConsoleSession(r.Context(), nonce, user, exp); err != nil {
			s.logger().ErrorContext(r.Context(), "save console session", "err", err)
		}
	}
	payload := base64.RawURLEncoding.EncodeToString([]byte(user)) + "|" + strconv.FormatInt(exp.Unix(), 10) + "|" + nonce
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
	if s.Sessions != nil { // signed out (or never saved): the cookie is dead
		if live, err := s.Sessions.ConsoleSessionLive(r.Context(), parts[2], s.now()); err != nil || !live {
			return nil
		}
	}
	return &session{User: string(user), Expires: time.Unix(exp, 0), Nonce: parts[2], raw: payload}
}

// ConsoleSessions keeps the console's sign-ins server-side, so that signing
// out ends a session everywhere; storage implements it.
type ConsoleSessions interface {
	SaveConsoleSession(ctx context.Context, id, user string, expires time.Time) error
	ConsoleSessionLive(ctx context.Context, id string, now time.Time) (bool, error)
	DeleteConsoleSession(ctx context.Context, id string) error
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
	m, err := s.Members.FindMember(ctx, user)
	return err == nil && m.Role == unionbot.RoleAdmin
}

// templates parses the console's pages once per server.
type templates struct {
	once  sync.Once
	pages map[string]*template.Template
	err   error
}

func (t *templates) get() (map[string]*template.Template, error) {
	t.once.Do(func() {
		t.pages = map[string]*template.Template{}
		base, err := template.New("layout.html").Funcs(consoleFuncs).ParseFS(consoleFS, "console/layout.html")
		if err != nil {
			t.err = err
			return
		}
		pages, _ := fs.Glob(consoleFS, "console/pages/*.html")
		for _, p := range pages {
			pt, err := template.Must(base.Clone()).ParseFS(consoleFS, p)
			if err != nil {
				t.err = err
				return
			}
			t.pages[strings.TrimSuffix(p[len("console/pages/"):], ".html")] = pt
		}
	})
	return t.pages, t.err
}

func consoleStatic() http.Handler {
	sub, _ := fs.Sub(consoleFS, "console/static")
	return http.StripPrefix("/admin/static/", http.FileServer(http.FS(sub)))
}

func constEq(a, b string) bool { return hmac.Equal([]byte(a), []byte(b)) }
