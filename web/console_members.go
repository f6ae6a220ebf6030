package web

import (
	"fmt"
	"strings"

	"unionbot"
)

// membersView is the 成员 page.
type membersView struct {
	Q, Department, Tag string
	Members            []*unionbot.Member
	Pager              pager
	CanSync            bool
}

// GET /admin/members?q=&department=&tag=
func (s *Server) membersPage(p *page) error {
	q := p.r.URL.Query()
	v := membersView{Q: q.Get("q"), Department: q.Get("department"), Tag: q.Get("tag"), CanSync: s.Directory != nil}
	var err error
	v.Members, err = s.Members.ListMembers(p.r.Context(), unionbot.MemberFilter{Query: v.Q, Department: v.Department, Tag: v.Tag})
	if err != nil {
		return err
	}
	v.Members, v.Pager = paginate(v.Members, q, "page", PageSize)
	p.Title = "成员"
	p.Data["V"] = v
	return p.render("members")
}

// IsAdmin reports whether the page should call m an admin.
func (p *page) IsAdmin(m *unionbot.Member) bool {
	return m.Role == unionbot.RoleAdmin || (p.s.AdminUser != nil && p.s.AdminUser(m.UserID))
}

// POST /admin/members/{id}/tags: name, department and tags="a, b" — staff
// correct what the address book lacks (a roster shows names, not t001).
func (s *Server) memberTags(p *page) error {
	id := p.r.PathValue("id")
	m, err := s.Members.FindMember(p.r.Context(), id)
	if err != nil {
		return err
	}
	old := *m
	if _, ok := p.r.PostForm["name"]; ok {
		name, dept := strings.TrimSpace(p.r.PostFormValue("name")), strings.TrimSpace(p.r.PostFormValue("department"))
		if len([]rune(name)) > 30 || len([]rune(dept)) > 60 {
			return unionbot.Errorf(unionbot.EINVALID, "姓名不超过 30 个字，部门不超过 60 个字。")
		}
		m.Name, m.Department = name, dept
	}
	m.Tags = strings.FieldsFunc(p.r.PostFormValue("tags"), func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' })
	if err := s.saveMember(p.r.Context(), old, m); err != nil {
		return err
	}
	return p.back("/admin/members", "已保存 "+m.DisplayName()+" 的资料。")
}

// POST /admin/members/sync
func (s *Server) memberSync(p *page) error {
	res, err := s.syncDirectory(p.r.Context())
	if err != nil {
		return err
	}
	return p.back("/admin/members", fmt.Sprintf("通讯录同步完成：共 %d 人，新增 %d 人，更新 %d 人。", res.Total, res.Created, res.Updated))
}
