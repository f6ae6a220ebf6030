package web

import (
	"net/http"
	"strconv"
	"time"

	"unionbot"
)

var errNoRoute = unionbot.Errorf(unionbot.ENOTFOUND, "没有这个接口。")

type memberJSON struct {
	UserID     string    `json:"user_id"`
	Name       string    `json:"name"`
	Department string    `json:"department"`
	Tags       []string  `json:"tags"`
	Role       string    `json:"role"`
	Channel    string    `json:"channel"`
	CreatedAt  time.Time `json:"created_at"`
}

func toMemberJSON(m *unionbot.Member) memberJSON {
	tags := m.Tags
	if tags == nil {
		tags = []string{}
	}
	return memberJSON{UserID: m.UserID, Name: m.Name, Department: m.Department, Tags: tags, Role: m.Role, Channel: m.Channel, CreatedAt: m.CreatedAt}
}

// GET /api/members?department=&tag=&q=&limit=&offset=
func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	f := unionbot.MemberFilter{Department: q.Get("department"), Tag: q.Get("tag"), Query: q.Get("q"), Limit: 200}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return unionbot.Errorf(unionbot.EINVALID, "limit 应为 1 到 1000 的整数。")
		}
		f.Limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return unionbot.Errorf(unionbot.EINVALID, "offset 应为不小于 0 的整数。")
		}
		f.Offset = n
	}
	ms, err := s.Members.ListMembers(r.Context(), f)
	if err != nil {
		return err
	}
	out := make([]memberJSON, len(ms))
	for i, m := range ms {
		out[i] = toMemberJSON(m)
	}
	writeJSON(w, http.StatusOK, map[string]any{"members": out})
	return nil
}

func (s *Server) getMember(w http.ResponseWriter, r *http.Request) error {
	m, err := s.Members.FindMember(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toMemberJSON(m))
	return nil
}

// PATCH /api/members/{id} {"name", "department", "tags", "role"}
func (s *Server) patchMember(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Name       *string   `json:"name"`
		Department *string   `json:"department"`
		Tags       *[]string `json:"tags"`
		Role       *string   `json:"role"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := s.Members.FindMember(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	old := *m
	if in.Name != nil {
		m.Name = *in.Name
	}
	if in.Department != nil {
		m.Department = *in.Department
	}
	if in.Tags != nil {
		m.Tags = *in.Tags
	}
	if in.Role != nil {
		if *in.Role != unionbot.RoleMember && *in.Role != unionbot.RoleAdmin {
			return unionbot.Errorf(unionbot.EINVALID, "role 只能是 member 或 admin。")
		}
		m.Role = *in.Role
	}
	if err := s.saveMember(r.Context(), old, m); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toMemberJSON(m))
	return nil
}

type noticeJSON struct {
	ID         int64      `json:"id"`
	Kind       string     `json:"kind"`
	Ref        string     `json:"ref"`
	Channel    string     `json:"channel"`
	Status     string     `json:"status"`
	Attempts   int        `json:"attempts"`
	ErrCode    int        `json:"errcode"`
	Error      string     `json:"error,omitempty"`
	Recipients int        `json:"recipients"`
	CreatedAt  time.Time  `json:"created_at"`
	SentAt     *time.Time `json:"sent_at,omitempty"`
}

// GET /api/notices?kind=: the delivery log of active messages. Texts and
// recipients' ids are left out: they may be a teacher's private words.
func (s *Server) listNotices(w http.ResponseWriter, r *http.Request) error {
	ns, err := s.Outbox.ListNotices(r.Context(), r.URL.Query().Get("kind"), 200)
	if err != nil {
		return err
	}
	out := make([]noticeJSON, len(ns))
	for i, n := range ns {
		out[i] = noticeJSON{ID: n.ID, Kind: n.Kind, Ref: n.Ref, Channel: n.Channel, Status: n.Status, Attempts: n.Attempts,
			ErrCode: n.LastCode, Error: n.LastErr, Recipients: len(n.ToUsers), CreatedAt: n.CreatedAt, SentAt: n.SentAt}
	}
	writeJSON(w, http.StatusOK, map[string]any{"notices": out})
	return nil
}
