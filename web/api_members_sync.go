package web

import (
	"net/http"

	"unionbot"
)

// POST /api/members/sync: reads the WeCom address book and creates or
// updates each member's name and department; tags and roles, which the
// union keeps, stay. Answers {"total", "created", "updated"}.
func (s *Server) syncMembers(w http.ResponseWriter, r *http.Request) error {
	if s.Directory == nil {
		return unionbot.Errorf("unavailable", "企业微信未配置，无法同步通讯录。")
	}
	dir, err := s.Directory.ListDirectory(r.Context())
	if err != nil {
		return err
	}
	created, updated := 0, 0
	for _, d := range dir {
		m, err := s.Members.FindMember(r.Context(), d.UserID)
		switch {
		case unionbot.ErrorCode(err) == unionbot.ENOTFOUND:
			m = &unionbot.Member{UserID: d.UserID, Name: d.Name, Department: d.Department, Role: unionbot.RoleMember, Channel: "wecom"}
			created++
		case err != nil:
			return err
		case m.Name == d.Name && m.Department == d.Department:
			continue
		default:
			m.Name, m.Department = d.Name, d.Department
			updated++
		}
		if err := s.Members.SaveMember(r.Context(), m); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, map[string]int{"total": len(dir), "created": created, "updated": updated})
	return nil
}
