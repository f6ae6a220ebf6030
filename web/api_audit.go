package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"unionbot"
	"unionbot/handlers/audit"
)

// TokenActor is the audit log's name for the shared admin token
// (UNIONBOT_ADMIN_TOKEN), when the caller names no member.
const TokenActor = "admin-token"

// apiActor is who calls the admin API: the member the X-Unionbot-User
// header names (the care routes require it; any route may send it), else
// the admin token itself.
func apiActor(r *http.Request) unionbot.Actor {
	a := unionbot.Actor{ID: TokenActor, Name: "管理令牌", Channel: unionbot.FromAPI, Addr: clientAddr(r)}
	if u := strings.TrimSpace(r.Header.Get(ActorHeader)); u != "" {
		a.ID, a.Name = u, u+"（管理令牌）"
	}
	return a
}

// consoleActor is the console's signed-in user.
func consoleActor(p *page) unionbot.Actor {
	a := unionbot.Actor{ID: TokenActor, Name: p.User, Channel: unionbot.FromConsole, Addr: clientAddr(p.r)}
	if p.Sess != nil && p.Sess.User != "" {
		a.ID = p.Sess.User
	}
	return a
}

// refuse records a refused admin attempt from r by who (unknown: "").
func (s *Server) refuse(r *http.Request, channel, who, action, note string) {
	if who == "" {
		who = "unknown"
	}
	ctx := unionbot.WithActor(r.Context(), unionbot.Actor{ID: who, Channel: channel, Addr: clientAddr(r)})
	s.Audit.Refuse(ctx, action, r.Method+" "+r.URL.Path, note)
}

// signedIn records a console sign-in by user ("" for the token) by how.
func (s *Server) signedIn(r *http.Request, user, how string) {
	a := unionbot.Actor{ID: user, Channel: unionbot.FromConsole, Addr: clientAddr(r)}
	if user == "" {
		a.ID, a.Name = TokenActor, "管理员（令牌登录）"
	}
	s.Audit.Record(unionbot.WithActor(r.Context(), a), "console.signin", "", how)
}

// saveMember saves a member an admin changed, with the change in the
// audit log (in the same transaction: storage's SaveMember is one).
func (s *Server) saveMember(ctx context.Context, old unionbot.Member, m *unionbot.Member) error {
	ctx, rec := s.Audit.Begin(ctx, "member.update", "member:"+m.UserID)
	rec.Before(toMemberJSON(&old))
	rec.After(toMemberJSON(m))
	err := s.Members.SaveMember(ctx, m)
	s.Audit.Finish(ctx, rec, err)
	return err
}

type auditJSON struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`
	ActorName string    `json:"actor_name,omitempty"`
	Channel   string    `json:"channel"`
	Addr      string    `json:"addr,omitempty"`
	Action    string    `json:"action"`
	Label     string    `json:"label"`
	Target    string    `json:"target,omitempty"`
	Outcome   string    `json:"outcome"`
	Before    rawJSON   `json:"before,omitempty"`
	After     rawJSON   `json:"after,omitempty"`
	Note      string    `json:"note,omitempty"`
}

// rawJSON embeds a stored snapshot as JSON ("" stays out).
type rawJSON string

func (j rawJSON) MarshalJSON() ([]byte, error) {
	if j == "" {
		return []byte("null"), nil
	}
	return []byte(j), nil
}

// auditFilter reads the filters shared by the API and the console:
// actor, action, target, from, to (RFC 3339 or 2006-01-02 in the union's
// time zone; to is exclusive, a bare date includes its day), limit, cursor.
func (s *Server) auditFilter(q url.Values) (audit.Filter, error) {
	f := audit.Filter{Actor: strings.TrimSpace(q.Get("actor")), Action: strings.TrimSpace(q.Get("action")),
		Target: strings.TrimSpace(q.Get("target"))}
	var err error
	if f.From, err = s.auditTime(q.Get("from"), false); err != nil {
		return f, err
	}
	if f.To, err = s.auditTime(q.Get("to"), true); err != nil {
		return f, err
	}
	if v := q.Get("limit"); v != "" {
		if f.Limit, err = strconv.Atoi(v); err != nil || f.Limit < 1 {
			return f, unionbot.Errorf(unionbot.EINVALID, "limit 应为正整数（最多 %d）。", audit.MaxLimit)
		}
	}
	if v := q.Get("cursor"); v != "" {
		if f.Cursor, err = strconv.ParseInt(v, 10, 64); err != nil || f.Cursor < 1 {
			return f, unionbot.Errorf(unionbot.EINVALID, "cursor 不对：请用上一页返回的 next_cursor。")
		}
	}
	return f, nil
}

func (s *Server) auditTime(v string, end bool) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	t, err := time.ParseInLocation("2006-01-02", v, s.location())
	if err != nil {
		return time.Time{}, unionbot.Errorf(unionbot.EINVALID, "时间“%s”看不懂：请写成 2026-12-01 或 2026-12-01T08:00:00+08:00。", v)
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// GET /api/audit?actor=&action=&target=&from=&to=&limit=&cursor=: the
// audit log, newest first → {"entries": [...], "next_cursor": N} (0: the
// last page). action may be a prefix ending in "." ("event.").
func (s *Server) listAudit(w http.ResponseWriter, r *http.Request) error {
	f, err := s.auditFilter(r.URL.Query())
	if err != nil {
		return err
	}
	list, next, err := s.Audit.List(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]auditJSON, len(list))
	for i, e := range list {
		out[i] = auditJSON{ID: e.ID, At: e.At, Actor: e.Actor, ActorName: e.ActorName, Channel: e.Channel, Addr: e.Addr,
			Action: e.Action, Label: audit.Label(e.Action), Target: e.Target, Outcome: e.Outcome,
			Before: rawJSON(e.Before), After: rawJSON(e.After), Note: e.Note}
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": out, "next_cursor": next})
	return nil
}
