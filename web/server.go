// Package web is the bot's HTTP face apart from the channel callbacks: the
// admin API under /api (Bearer UNIONBOT_ADMIN_TOKEN, JSON in and out, errors
// as {"error": "<Chinese sentence>"}), /healthz, and later the console.
// Handlers here translate HTTP to calls on the feature services and back;
// the rules live in handlers/.
package web

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"unionbot"
	"unionbot/handlers/account"
	"unionbot/handlers/ballot"
	"unionbot/handlers/care"
	"unionbot/handlers/faq"
	"unionbot/handlers/proposal"
	"unionbot/handlers/signup"
)

// MaxJSONBody is the largest JSON request body the API reads.
const MaxJSONBody = 1 << 20

// Check is a dependency /healthz pings.
type Check struct {
	Name string
	Ping func(context.Context) error
}

// Server routes HTTP requests. Set the fields, then call Handler.
type Server struct {
	AdminToken string
	Checks     []Check
	Logger     *slog.Logger
	Now        func() time.Time
	// Location is the union's time zone (UNIONBOT_TZ), for times in texts.
	Location *time.Location
	// Callbacks maps paths such as /wecom/callback to channel handlers.
	Callbacks map[string]http.Handler
	// Console sign-in: AdminUser reports UNIONBOT_ADMINS; WeComAuth (OAuth)
	// and Directory (address-book sync) are nil when WeCom is off.
	AdminUser func(userID string) bool
	WeComAuth WeComAuth
	Directory Directory

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

	mux       *http.ServeMux
	apiRoutes []string
	tmpl      templates
}

func (s *Server) location() *time.Location {
	if s.Location == nil {
		return time.Local
	}
	return s.Location
}

// Handler builds the route table once and returns it.
func (s *Server) Handler() http.Handler {
	if s.mux == nil {
		s.mux = http.NewServeMux()
		s.routes()
	}
	return s.mux
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
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.AdminToken)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="unionbot"`)
			writeError(w, unionbot.Errorf(unionbot.EUNAUTHORIZED, "缺少或错误的管理令牌。"))
			return
		}
		if err := h(w, r); err != nil {
			if unionbot.ErrorCode(err) == unionbot.EINTERNAL {
				s.logger().Error("api failed", "method", r.Method, "path", r.URL.Path, "err", err)
			}
			writeError(w, err)
		}
	}
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
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, MaxJSONBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooBig *http.MaxBytesError
		var syntax *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &tooBig):
			return unionbot.Errorf("too_large", "请求内容超过 %d 字节。", MaxJSONBody)
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
	return nil
}

// readBody reads a plain body of at most max bytes.
func readBody(w http.ResponseWriter, r *http.Request, max int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	if err != nil {
		return nil, unionbot.Errorf("too_large", "请求内容超过 %d 字节。", max)
	}
	return b, nil
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	status := map[string]string{}
	code := http.StatusOK
	for _, c := range s.Checks {
		if err := c.Ping(ctx); err != nil {
			status[c.Name] = "down: " + err.Error()
			code = http.StatusServiceUnavailable
		} else {
			status[c.Name] = "ok"
		}
	}
	writeJSON(w, code, status)
}
