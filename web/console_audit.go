package web

import (
	"net/url"
	"strconv"

	"unionbot"

	"unionbot/handlers/audit"
)

// auditView is the 审计日志 page: the filters as typed, one page of
// entries, and the link to the next.
type auditView struct {
	*page
	Audit auditPageData
}

type auditPageData struct {
	Actor, Action, Target, From, To string
	Actions                         []auditAction
	Entries                         []auditRowView
	Next                            string // link to the next page, "" on the last
}

type auditAction struct{ Name, Label string }

type auditRowView struct {
	At, Actor, Channel, Addr, Action, Target, Outcome, Before, After, Note string
	Refused                                                                bool
}

// channelNames are the channels in words.
var channelNames = map[string]string{
	"chat-wecom": "企业微信聊天", "chat-oa": "公众号聊天", "api": "管理接口", "console": "管理后台", "cli": "命令行", "job": "定时任务",
}

// GET /admin/audit?actor=&action=&target=&from=&to=&cursor=: the audit
// log with the API's filters, newest first, 50 a page.
func (s *Server) auditPage(p *page) error {
	q := p.r.URL.Query()
	v := &auditView{page: p, Audit: auditPageData{Actor: q.Get("actor"), Action: q.Get("action"), Target: q.Get("target"),
		From: q.Get("from"), To: q.Get("to")}}
	p.Title = "审计日志"
	for _, a := range audit.Actions() {
		v.Audit.Actions = append(v.Audit.Actions, auditAction{Name: a, Label: audit.Label(a)})
	}
	f, err := s.auditFilter(q)
	if err != nil {
		p.Error = unionbot.ErrorMessage(err)
		return p.renderData(400, "audit", v)
	}
	list, next, err := s.Audit.List(p.r.Context(), f)
	if err != nil {
		return err
	}
	for _, e := range list {
		who := e.Actor
		if e.ActorName != "" && e.ActorName != e.Actor {
			who = e.ActorName + "（" + e.Actor + "）"
		}
		ch := channelNames[e.Channel]
		if ch == "" {
			ch = e.Channel
		}
		outcome := "完成"
		if e.Outcome == audit.Refused {
			outcome = "被拒绝"
		}
		v.Audit.Entries = append(v.Audit.Entries, auditRowView{At: p.When(e.At), Actor: who, Channel: ch, Addr: e.Addr,
			Action: audit.Label(e.Action), Target: e.Target, Outcome: outcome, Before: e.Before, After: e.After, Note: e.Note,
			Refused: e.Outcome == audit.Refused})
	}
	if next > 0 {
		nq := url.Values{}
		for k, vs := range q {
			nq[k] = vs
		}
		nq.Set("cursor", strconv.FormatInt(next, 10))
		v.Audit.Next = "/admin/audit?" + nq.Encode()
	}
	return p.renderData(200, "audit", v)
}
