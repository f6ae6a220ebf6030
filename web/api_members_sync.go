package web

import (
	"context"
	"fmt"
	"net/http"

	"unionbot"
)

// syncDirectory reads the WeCom address book into the members, for the
// API and the console alike.
func (s *Server) syncDirectory(ctx context.Context) (unionbot.SyncResult, error) {
	if s.Directory == nil {
		return unionbot.SyncResult{}, unionbot.Errorf("unavailable", "企业微信未配置，无法同步通讯录。")
	}
	dir, err := s.Directory.ListDirectory(ctx)
	if err != nil {
		return unionbot.SyncResult{}, err
	}
	res, err := unionbot.SyncMembers(ctx, s.Members, dir)
	if err == nil {
		s.Audit.Record(ctx, "member.sync", "members", fmt.Sprintf("共 %d 人，新增 %d，更新 %d", res.Total, res.Created, res.Updated))
	}
	return res, err
}

// POST /api/members/sync: reads the WeCom address book and creates or
// updates each member's name and department; tags and roles, which the
// union keeps, stay. Answers {"total", "created", "updated"}.
func (s *Server) syncMembers(w http.ResponseWriter, r *http.Request) error {
	res, err := s.syncDirectory(r.Context())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}
