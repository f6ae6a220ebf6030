package web

import (
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"unionbot"
)

// page is one console request: the signed-in session and the page data.
type page struct {
	s    *Server
	w    http.ResponseWriter
	r    *http.Request
	Sess *session

	Title   string
	Nav     string
	CSRF    string
	User    string
	Flash   string
	Error   string
	Data    map[string]any
	WeCom   bool
	Version string
	// Care: the signed-in user holds the care role (the 关怀 link shows).
	Care bool
	// AuditOn: the audit log is wired (the 审计日志 link shows).
	AuditOn bool
}

// pageFunc renders one console page or handles one form.
type pageFunc func(p *page) error

// console wraps h: signed in (else to the sign-in page), an admin (else a
// Chinese 403), and, for POST, a valid CSRF token (else 403).
func (s *Server) console(nav string, h pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(w, r, nav)
		if s.AdminToken == "" {
			p.fail(http.StatusServiceUnavailable, "管理后台未开启：请设置 UNIONBOT_ADMIN_TOKEN。")
			return
		}
		if p.Sess == nil {
			if r.Method != http.MethodGet {
				p.fail(http.StatusForbidden, "登录已过期，请重新登录后再提交。")
				return
			}
			if s.WeComAuth != nil && strings.Contains(strings.ToLower(r.UserAgent()), "wxwork") {
				// WeCom's in-app browser (the app's home page): sign in silently.
				http.Redirect(w, r, "/admin/oauth", http.StatusSeeOther)
				return
			}
			http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			return
		}
		if p.Sess.User != "" && !s.isAdmin(r.Context(), p.Sess.User) {
			s.refuse(r, unionbot.FromConsole, p.Sess.User, "console.refused", "不是工会管理员")
			p.fail(http.StatusForbidden, "您（"+p.Sess.User+"）不是工会管理员，不能使用管理后台。")
			return
		}
		if r.Method == http.MethodPost && !s.checkCSRF(r, p.Sess) {
			p.fail(http.StatusForbidden, "表单已失效（缺少或错误的安全令牌），请刷新页面后重试。")
			return
		}
		p.r = r.WithContext(unionbot.WithActor(r.Context(), consoleActor(p)))
		if err := h(p); err != nil {
			code := unionbot.ErrorCode(err)
			if code == unionbot.EINTERNAL {
				s.logger().ErrorContext(r.Context(), "console failed", "path", r.URL.Path, "err", err)
			}
			p.fail(statusOf(code), unionbot.ErrorMessage(err))
		}
	}
}

func (s *Server) newPage(w http.ResponseWriter, r *http.Request, nav string) *page {
	p := &page{s: s, w: w, r: r, Nav: nav, Data: map[string]any{}, WeCom: s.WeComAuth != nil, AuditOn: s.Audit != nil}
	p.Sess = s.readSession(r)
	if p.Sess != nil {
		p.CSRF = s.csrfToken(p.Sess, "")
		p.User = p.Sess.User
		p.Care = s.Care != nil && s.Care.IsStaff(r.Context(), p.Sess.User)
		if p.User == "" {
			p.User = "管理员（令牌登录）"
		}
	}
	p.Flash = r.URL.Query().Get("ok")
	return p
}

// render writes the page template name with status 200.
func (p *page) render(name string) error { return p.renderStatus(http.StatusOK, name) }

func (p *page) renderStatus(status int, name string) error { return p.renderData(status, name, p) }

// renderData renders a page whose template reads a typed view that embeds
// the page (planView), rather than Data.
func (p *page) renderData(status int, name string, data any) error {
	ts, err := p.s.tmpl.get()
	if err != nil {
		return err
	}
	t := ts[name]
	if t == nil {
		return unionbot.Errorf(unionbot.EINTERNAL, "no template %s", name)
	}
	var b strings.Builder
	if err := t.ExecuteTemplate(&b, "layout.html", data); err != nil {
		return err
	}
	h := p.w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self' https://open.weixin.qq.com")
	p.w.WriteHeader(status)
	_, err = p.w.Write([]byte(b.String()))
	return err
}

// fail shows a Chinese error page.
func (p *page) fail(status int, msg string) {
	p.Title, p.Error = "出错了", msg
	if err := p.renderStatus(status, "error"); err != nil {
		http.Error(p.w, msg, status)
	}
}

// back redirects to path with a flash message.
func (p *page) back(path, flash string) error {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	http.Redirect(p.w, p.r, path+sep+"ok="+url.QueryEscape(flash), http.StatusSeeOther)
	return nil
}

func safeNext(next string) string {
	if !strings.HasPrefix(next, "/admin") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/admin"
	}
	return next
}

// GET /admin/login: the token form, and the WeCom button when configured.
func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r, "")
	pre := randomString()
	s.setCookie(w, r, preCookie, pre, 3600)
	p.CSRF = s.csrfToken(nil, pre)
	p.Title = "登录"
	p.Data["Next"] = safeNext(r.URL.Query().Get("next"))
	// Only the page's own messages, by code: the address bar cannot put
	// words on it.
	switch r.URL.Query().Get("err") {
	case "token":
		p.Error = "管理令牌不对，请重新输入。"
	case "logout":
		p.Flash = "您已退出登录。"
	case "wait":
		if d := s.throttle.wait(clientAddr(r), s.now()); d > 0 {
			p.Error = waitText(d)
		} else {
			p.Error = "请重新输入管理令牌。"
		}
	}
	if s.AdminToken == "" {
		p.Error = "管理后台未开启：请设置 UNIONBOT_ADMIN_TOKEN。"
	}
	if err := p.render("login"); err != nil {
		s.logger().ErrorContext(r.Context(), "render login", "err", err)
	}
}

// POST /admin/login with the admin token.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r, "")
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if s.AdminToken == "" || !s.checkCSRF(r, nil) {
		p.fail(http.StatusForbidden, "表单已失效（缺少或错误的安全令牌），请刷新页面后重试。")
		return
	}
	next := safeNext(r.PostFormValue("next"))
	addr := clientAddr(r)
	if s.throttle.wait(addr, s.now()) > 0 {
		http.Redirect(w, r, "/admin/login?err=wait&next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	tok := strings.TrimSpace(r.PostFormValue("token"))
	if !utf8.ValidString(tok) || !constEq(tok, s.AdminToken) {
		s.signInFailed(r.Context(), addr, "console")
		s.refuse(r, unionbot.FromConsole, "", "console.signin_failed", "管理令牌错误")
		http.Redirect(w, r, "/admin/login?err=token&next="+url.QueryEscape(next), http.StatusSeeOther)
		return
	}
	s.throttle.ok(addr)
	s.signedIn(r, "", "管理令牌")
	s.startSession(w, r, "")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// GET /admin/oauth: off to WeCom's authorize page.
func (s *Server) oauthStart(w http.ResponseWriter, r *http.Request) {
	if s.WeComAuth == nil || s.AdminToken == "" {
		http.Redirect(w, r, "/admin/login", http.StatusSeeOther)
		return
	}
	state := randomString()
	s.setCookie(w, r, stateCookie, state, 600)
	if s.PublicURL == "" {
		p := s.newPage(w, r, "")
		p.fail(http.StatusServiceUnavailable, "企业微信登录未配置：请设置 UNIONBOT_PUBLIC_URL（如 https://union.example.edu.cn），它也要填在企业微信的可信域名里。")
		return
	}
	// The address WeCom sends the code back to comes from configuration,
	// never from the request's Host header.
	redirect := strings.TrimSuffix(s.PublicURL, "/") + "/admin/oauth/callback"
	http.Redirect(w, r, s.WeComAuth.OAuthURL(redirect, state), http.StatusFound)
}

// GET /admin/oauth/callback?code=&state=: the WeCom user becomes the session
// when an admin.
func (s *Server) oauthCallback(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(w, r, "")
	c, err := r.Cookie(stateCookie)
	q := r.URL.Query()
	if s.WeComAuth == nil || err != nil || q.Get("state") == "" || !constEq(c.Value, q.Get("state")) {
		p.fail(http.StatusForbidden, "企业微信登录已失效，请从应用主页重新打开。")
		return
	}
	s.setCookie(w, r, stateCookie, "", -1)
	if q.Get("code") == "" {
		p.fail(http.StatusForbidden, "企业微信没有授权登录。")
		return
	}
	user, err := s.WeComAuth.OAuthUserID(r.Context(), q.Get("code"))
	if err != nil {
		s.logger().WarnContext(r.Context(), "console oauth", "err", err)
		s.refuse(r, unionbot.FromConsole, "", "console.signin_failed", "企业微信登录失败")
		p.fail(http.StatusForbidden, "企业微信登录失败，请重新打开。")
		return
	}
	if !s.isAdmin(r.Context(), user) {
		s.logger().InfoContext(r.Context(), "console refused a non-admin", slog.String("user", user))
		s.refuse(r, unionbot.FromConsole, user, "console.signin_failed", "不是工会管理员")
		p.fail(http.StatusForbidden, "您（"+user+"）不是工会管理员，不能使用管理后台。")
		return
	}
	s.signedIn(r, user, "企业微信")
	s.startSession(w, r, user)
	http.Redirect(w, r, "/admin", http.StatusSeeOther)
}

// POST /admin/logout
func (s *Server) logout(p *page) error {
	if s.Sessions != nil {
		if err := s.Sessions.DeleteConsoleSession(p.r.Context(), p.Sess.Nonce); err != nil {
			return err
		}
	}
	s.setCookie(p.w, p.r, sessionCookie, "", -1)
	http.Redirect(p.w, p.r, "/admin/login?err=logout", http.StatusSeeOther)
	return nil
}

var _ = template.HTML("")

// When shows a time in the union's time zone for a page, "" for none.
func (p *page) When(t time.Time) string {
	if t.IsZero() || t.Year() <= 1970 {
		return ""
	}
	return t.In(p.s.location()).Format("2006-01-02 15:04")
}
