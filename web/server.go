// Package web is the bot's HTTP face apart from the channel callbacks: the
// admin API under /api (Bearer UNIONBOT_ADMIN_TOKEN, JSON in and out, errors
// as {"error": "<Chinese sentence>"}), /healthz and /readyz, /metrics
// (behind the token, when the metrics have no listener of their own), and
// the console.
// Handlers here translate HTTP to calls on the feature services and back;
// the rules live in handlers/.
package web

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"unionbot"
	"unionbot/handlers/account"
	"unionbot/handlers/audit"
	"unionbot/handlers/ballot"
	"unionbot/handlers/care"
	"unionbot/handlers/faq"
	"unionbot/handlers/proposal"
	"unionbot/handlers/signup"
)

// MaxJSONBody is the largest JSON request body the API reads.
const MaxJSONBody = 1 << 20

// Check is a dependency /readyz pings: the database, Redis, a WeCom token.
type Check struct {
	Name string
	Ping func(context.Context) error
	// Hold, when set, repeats a failure for this long without pinging
	// again: a check that calls out (WeCom's gettoken) must not let
	// unauthenticated /readyz requests call out as often as they come.
	Hold time.Duration
}

// Server routes HTTP requests. Set the fields, then call Handler.
type Server struct {
	AdminToken string
	Checks     []Check
	// Metrics serves the Prometheus series; when set, GET /metrics serves
	// them behind the admin token (nil when UNIONBOT_METRICS_ADDR gives
	// them a listener of their own).
	Metrics http.Handler
	Logger  *slog.Logger
	Now     func() time.Time
	// Location is the union's time zone (UNIONBOT_TZ), for times in texts.
	Location *time.Location
	// Callbacks maps paths such as /wecom/callback to channel handlers.
	Callbacks map[string]http.Handler
	// Console sign-in: AdminUser reports UNIONBOT_ADMINS; WeComAuth (OAuth)
	// and Directory (address-book sync) are nil when WeCom is off.
	AdminUser func(userID string) bool
	WeComAuth WeComAuth
	Directory Directory
	// Warnings are what the console's overview tells staff first: parts not
	// configured, and how to configure them.
	Warnings []string
	// Sessions keeps console sign-ins server-side (nil: the signed cookie
	// alone, for tests of a bare server).
	Sessions ConsoleSessions
	// PublicURL is the bot's address as browsers reach it
	// (UNIONBOT_PUBLIC_URL): WeCom OAuth returns to it.
	PublicURL string

	// Members lists and edits union members.
	Members unionbot.MemberStore
	// Outbox is read for the delivery log.
	Outbox unionbot.Outbox
	// Announce is the calendar and the monthly announcement.
	Announce AnnounceService
	// FAQ is the union Q&A (ask, import/export, unanswered questions).
	FAQ *faq.Service
	// Signups publishes events, keeps rosters and exports them.
	Signups *signup.Service
	// Proposals is the suggestion and motion workflow (issue 4).
	Proposals *proposal.Service
	// Ballots is secret voting (教代会 表决, 选举, 民主评议).
	Ballots *ballot.Service
	// Care is the care ledger (送温暖); its routes need the care role.
	Care *care.Service
	// Accounts links Official Account followers to WeCom members.
	Accounts *account.Service
	// Audit is the log of admin actions (GET /api/audit, 审计日志); the
	// API and the console record sign-ins and refusals in it, and put who
	// acts in each request's context for the services.
	Audit *audit.Service

	mux       *http.ServeMux
	apiRoutes []string
	tmpl      templates
	throttle  signInThrottle
	failed    failedChecks
}

func (s *Server) location() *time.Location {
	if s.Location == nil {
		return time.Local
	}
	return s.Location
}

// Handler builds the route table once and returns it, every request
// carrying a request id (see withRequestID).
func (s *Server) Handler() http.Handler {
	if s.mux == nil {
		s.mux = http.NewServeMux()
		s.routes()
	}
	return withRequestID(s.mux)
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// apiFunc is an admin API handler; a returned error is rendered as JSON.
type apiFunc func(w http.ResponseWriter, r *http.Request) error

// api wraps h with the Bearer-token check and error rendering.
func (s *Server) api(h apiFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.AdminToken == "" {
			writeError(w, unionbot.Errorf("unavailable", "管理接口未开启：请设置 UNIONBOT_ADMIN_TOKEN。"))
			return
		}
		header := r.Header.Get("Authorization")
		addr := clientAddr(r)
		if header != "" {
			if d := s.throttle.wait(addr, s.now()); d > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(int(d.Seconds()+0.999)))
				writeError(w, unionbot.Errorf(unionbot.ELIMIT, "%s", waitText(d)))
				return
			}
		}
		got, ok := strings.CutPrefix(header, "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.AdminToken)) != 1 {
			if header != "" { // a credential that was wrong, not a request without one
				s.signInFailed(r.Context(), addr, "api")
				s.refuse(r, unionbot.FromAPI, r.Header.Get(ActorHeader), "api.refused", "管理令牌错误")
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="unionbot"`)
			writeError(w, unionbot.Errorf(unionbot.EUNAUTHORIZED, "缺少或错误的管理令牌。"))
			return
		}
		s.throttle.ok(addr)
		r = r.WithContext(unionbot.WithActor(r.Context(), apiActor(r)))
		if err := h(w, r); err != nil {
			if unionbot.ErrorCode(err) == unionbot.EINTERNAL {
				s.logger().ErrorContext(r.Context(), "api failed", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			writeError(w, err)
		}
	}
}

// signInFailed counts a wrong admin token from addr and logs it (never the
// token itself).
func (s *Server) signInFailed(ctx context.Context, addr, where string) {
	n, locked := s.throttle.fail(addr, s.now())
	s.logger().WarnContext(ctx, "admin sign-in refused", "where", where, "addr", addr, "failures", n, "locked", locked)
}

// statusOf maps error codes to HTTP statuses.
func statusOf(code string) int {
	switch code {
	case unionbot.EINVALID:
		return http.StatusBadRequest
	case unionbot.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case unionbot.EFORBIDDEN:
		return http.StatusForbidden
	case unionbot.ENOTFOUND:
		return http.StatusNotFound
	case unionbot.ECONFLICT:
		return http.StatusConflict
	case unionbot.ELIMIT:
		return http.StatusTooManyRequests
	case "unavailable":
		return http.StatusServiceUnavailable
	case "too_large":
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

func writeError(w http.ResponseWriter, err error) {
	code := unionbot.ErrorCode(err)
	msg := unionbot.ErrorMessage(err)
	var e *unionbot.Error
	if errors.As(err, &e) && e.Code != unionbot.EINTERNAL {
		msg = e.Message
	}
	writeJSON(w, statusOf(code), map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// decodeJSON reads a JSON body into v, refusing unknown fields, bodies over
// MaxJSONBody and trailing data, with a Chinese reason.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxJSONBody))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return unionbot.Errorf("too_large", "请求内容超过 %d 字节。", MaxJSONBody)
	} else if err != nil {
		return unionbot.Errorf(unionbot.EINVALID, "无法读取请求内容。")
	}
	if key := duplicateKey(body); key != "" {
		return unionbot.Errorf(unionbot.EINVALID, "字段“%s”出现了两次。", key)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.Is(err, io.EOF):
			return unionbot.Errorf(unionbot.EINVALID, "请求内容为空，需要 JSON。")
		case errors.As(err, &syntax):
			return unionbot.Errorf(unionbot.EINVALID, "JSON 格式错误（第 %d 字节附近）。", syntax.Offset)
		case errors.As(err, &typ):
			return unionbot.Errorf(unionbot.EINVALID, "字段“%s”的类型不对，应为 %s。", typ.Field, typ.Type)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return unionbot.Errorf(unionbot.EINVALID, "不认识的字段 %s。", strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return unionbot.Errorf(unionbot.EINVALID, "无法读取 JSON：%v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return unionbot.Errorf(unionbot.EINVALID, "JSON 之后还有多余的内容，请只发送一个 JSON 对象。")
	}
	return nil
}

// duplicateKey finds a key that appears twice in one JSON object of body
// (encoding/json would silently keep the last), "" when none does or the
// body is not JSON (Decode says so).
func duplicateKey(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	type level struct {
		object bool
		keys   map[string]bool
		key    bool // the next string token is a key
	}
	var stack []*level
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		var top *level
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{':
				stack = append(stack, &level{object: true, keys: map[string]bool{}, key: true})
				continue
			case '[':
				stack = append(stack, &level{})
				continue
			default:
				stack = stack[:len(stack)-1]
			}
		case string:
			if top != nil && top.object && top.key {
				if top.keys[t] {
					return t
				}
				top.keys[t] = true
				top.key = false
				continue
			}
		}
		// A value ended: in an object the next token is a key again.
		if len(stack) > 0 && stack[len(stack)-1].object {
			stack[len(stack)-1].key = true
		}
	}
}

// readBody reads a plain body of at most max bytes.
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		return nil, unionbot.Errorf("too_large", "%s", tooLargeText(max))
	}
	return b, nil
}

// tooLargeText says how large a body may be, in words a person reads.
func tooLargeText(max int64) string {
	if max >= 1<<20 && max%(1<<20) == 0 {
		return fmt.Sprintf("内容超过 %d MB，请分成几个文件。", max>>20)
	}
	return fmt.Sprintf("内容超过 %d KB。", max>>10)
}
