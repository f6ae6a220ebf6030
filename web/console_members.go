package web

import (
	"net/url"
	"strings"
)

// GET /admin/members?q=&department=&tag=
func (s *Server) membersPage(p *page) error {
	q := p.r.URL.Query()
	v := url.Values{}
	for _, k := range []string{"q", "department", "tag"} {
		if q.Get(k) != "" {
			v.Set(k, q.Get(k))
		}
	}
	v.Set("limit", "1000")
	res := s.apiDo(p.r.Context(), "GET", "/api/members?"+v.Encode(), nil)
	if !res.OK() {
		return apiErr(res)
	}
	p.Title = "成员"
	p.Data["Members"] = items(res.Value(), "members")
	p.Data["Q"], p.Data["Department"], p.Data["Tag"] = q.Get("q"), q.Get("department"), q.Get("tag")
	p.Data["CanSync"] = s.Directory != nil
	return p.render("members")
}

// POST /admin/members/{id}/tags: tags="a, b" → PATCH /api/members/{id}.
func (s *Server) memberTags(p *page) error {
	id := p.r.PathValue("id")
	tags := []string{}
	for _, t := range strings.FieldsFunc(p.r.PostFormValue("tags"), func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ' ' }) {
		tags = append(tags, t)
	}
	res := s.apiDo(p.r.Context(), "PATCH", "/api/members/"+url.PathEscape(id), map[string]any{"tags": tags})
	if !res.OK() {
		return apiErr(res)
	}
	return p.back("/admin/members", "已保存 "+id+" 的标签。")
}

// POST /admin/members/sync → POST /api/members/sync.
func (s *Server) memberSync(p *page) error {
	res := s.apiDo(p.r.Context(), "POST", "/api/members/sync", nil)
	if !res.OK() {
		return apiErr(res)
	}
	v := res.Value()
	return p.back("/admin/members", "通讯录同步完成：共 "+str(get(v, "total"))+" 人，新增 "+str(get(v, "created"))+" 人，更新 "+str(get(v, "updated"))+" 人。")
}
