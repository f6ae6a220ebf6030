package web

import (
	"net/http"
	"time"

	"unionbot"
	"unionbot/handlers/account"
)

type linkJSON struct {
	FollowerID string    `json:"follower_id"`
	OpenID     string    `json:"openid"`
	UserID     string    `json:"user_id"`
	LinkedBy   string    `json:"linked_by"`
	CreatedAt  time.Time `json:"created_at"`
}

func toLinkJSON(l *account.Link) linkJSON {
	return linkJSON{FollowerID: l.FollowerID, OpenID: unionbot.OpenID(l.FollowerID), UserID: l.UserID, LinkedBy: l.LinkedBy, CreatedAt: l.CreatedAt}
}

// GET /api/links: every 公众号 follower linked to a WeCom member.
func (s *Server) listLinks(w http.ResponseWriter, r *http.Request) error {
	ls, err := s.Accounts.Links(r.Context())
	if err != nil {
		return err
	}
	out := make([]linkJSON, len(ls))
	for i, l := range ls {
		out[i] = toLinkJSON(l)
	}
	writeJSON(w, http.StatusOK, map[string]any{"links": out})
	return nil
}

// PUT /api/links/{follower} {"user_id": "t001"}: link a follower ("oa:<openid>"
// or the bare openid) to a WeCom member, as an admin.
func (s *Server) putLink(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		UserID string `json:"user_id"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	m, err := s.Accounts.LinkByAdmin(r.Context(), r.PathValue("follower"), in.UserID, "api")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"member": toMemberJSON(m)})
	return nil
}

// DELETE /api/links/{id}: unlink a follower, or every follower of a member.
func (s *Server) deleteLink(w http.ResponseWriter, r *http.Request) error {
	if err := s.Accounts.Unlink(r.Context(), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
