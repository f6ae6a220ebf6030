package web

import (
	"io"
	"strconv"
	"strings"

	"unionbot"
	"unionbot/handlers/faq"
)

// faqView is the 问答 page: typed all the way to the template, filled from
// the FAQ service (never through the admin API).
type faqView struct {
	Q        string         // the test box's question
	Ask      *faq.AskResult // what the bot would answer it
	Feedback []faqFeedback  // unanswered, handed over and unhelpful questions
	Entries  []faqEntryView
	// EntryPager and FeedbackPager page the two lists.
	EntryPager, FeedbackPager pager
	Own                       int // the union's own entries
	Starter                   int // starter entries
	// StarterOn counts the starter entries still switched on: 只用本校问答
	// switches them all off in one click.
	StarterOn int
	Choices   []faqEntryView // entries a question can be attached to (enabled)
}

// faqFeedback is one question staff should look at.
type faqFeedback struct {
	Question *faq.Question
	Asked    string     // when, in the union's time zone (the newest asking)
	Kind     string     // 未答 / 转人工 / 没用
	Answered *faq.Entry // the entry that answered (没用), or nil
	Times    int        // how often it was asked in these words
	IDs      string     // every asking's id, comma-separated, for 忽略
}

// faqEntryView is one entry with what the page shows beside it.
type faqEntryView struct {
	Entry      *faq.Entry
	Starter    bool
	CoveredBy  string // the union's entry that answers instead of this starter entry
	Alternates string // "|"-joined, as the form edits them
	Keywords   string
}

var feedbackKind = map[string]string{faq.StatusUnanswered: "未答", faq.StatusHanded: "转人工", faq.StatusUnhelpful: "没用"}

// GET /admin/faq?q=: questions to look at, a test box, the entries with
// their source, import and export.
func (s *Server) faqPage(p *page) error {
	p.Title = "问答"
	if s.FAQ == nil {
		p.Data["Off"] = true
		return p.render("faq")
	}
	ctx := p.r.Context()
	list, err := s.FAQ.Entries(ctx)
	if err != nil {
		return err
	}
	v := faqView{}
	byID := map[int64]*faq.Entry{}
	for _, e := range list {
		byID[e.ID] = e
	}
	for _, e := range list {
		ev := faqEntryView{Entry: e, Starter: e.Source == faq.SourceStarter,
			Alternates: strings.Join(e.Alternates, "|"), Keywords: strings.Join(e.Keywords, "|")}
		if ev.Starter {
			v.Starter++
			if e.Enabled {
				v.StarterOn++
			}
			if u := byID[s.FAQ.Engine.Shadowed(e.ID)]; u != nil {
				ev.CoveredBy = u.Question
			}
		} else {
			v.Own++
		}
		v.Entries = append(v.Entries, ev)
		if e.Enabled && ev.CoveredBy == "" {
			v.Choices = append(v.Choices, ev)
		}
	}
	qs, err := s.FAQ.Feedback(ctx, 200)
	if err != nil {
		return err
	}
	// The same question asked again (in the same words, punctuation
	// aside) is one row with a count.
	seen := map[string]int{}
	for _, q := range qs {
		key := q.Status + "|" + s.FAQ.SameQuestion(q.Text)
		if i, ok := seen[key]; ok {
			v.Feedback[i].Times++
			v.Feedback[i].IDs += "," + strconv.FormatInt(q.ID, 10)
			continue
		}
		seen[key] = len(v.Feedback)
		v.Feedback = append(v.Feedback, faqFeedback{Question: q, Asked: q.CreatedAt.In(s.location()).Format("2006-01-02 15:04"),
			Kind: feedbackKind[q.Status], Answered: byID[q.EntryID], Times: 1, IDs: strconv.FormatInt(q.ID, 10)})
	}
	if q := strings.TrimSpace(p.r.URL.Query().Get("q")); q != "" {
		res := s.FAQ.Result(s.FAQ.Ask(ctx, q))
		v.Q, v.Ask = q, &res
	}
	q := p.r.URL.Query()
	v.Entries, v.EntryPager = paginate(v.Entries, q, "page", PageSize)
	v.Feedback, v.FeedbackPager = paginate(v.Feedback, q, "qpage", PageSize)
	p.Data["FAQ"] = v
	return p.render("faq")
}

// POST /admin/faq/import {mode, format, file or text}: merge (add and
// update) or replace (the file becomes the union's own entries).
func (s *Server) faqImport(p *page) error {
	if s.FAQ == nil {
		return unionbot.Errorf(unionbot.ENOTFOUND, "该功能尚未启用。")
	}
	text := p.r.PostFormValue("text")
	if f, _, err := p.r.FormFile("file"); err == nil {
		b, _ := io.ReadAll(io.LimitReader(f, MaxFAQFile+1))
		f.Close()
		if len(b) > MaxFAQFile {
			return unionbot.Errorf("too_large", "%s", tooLargeText(MaxFAQFile))
		}
		if len(b) > 0 {
			text = string(b)
		}
	}
	format := p.r.PostFormValue("format")
	if format != "csv" {
		format = "yaml"
	}
	entries, err := faq.ParseFile([]byte(text), format)
	if err != nil {
		return err
	}
	res, err := s.FAQ.Import(p.r.Context(), entries, p.User, p.r.PostFormValue("mode"))
	if err != nil {
		return err
	}
	how := "合并"
	if res.Mode == faq.ModeReplace {
		how = "替换本校问答"
	}
	return p.back("/admin/faq", "导入完成（"+how+"）：新增 "+strconv.Itoa(res.Created)+" 条，更新 "+strconv.Itoa(res.Updated)+
		" 条，删除 "+strconv.Itoa(res.Removed)+" 条，现有 "+strconv.Itoa(res.Entries)+" 条在用。")
}

// GET /admin/faq/export?format=yaml|csv
func (s *Server) faqExport(p *page) error {
	if s.FAQ == nil {
		return unionbot.Errorf(unionbot.ENOTFOUND, "该功能尚未启用。")
	}
	list, err := s.FAQ.Entries(p.r.Context())
	if err != nil {
		return err
	}
	h := p.w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	if p.r.URL.Query().Get("format") == "csv" {
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="faq.csv"`)
		return faq.WriteCSV(p.w, list)
	}
	h.Set("Content-Type", "application/yaml; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="faq.yaml"`)
	return faq.WriteYAML(p.w, list)
}

// POST /admin/faq/entry {question, answer, alternates, keywords, category}:
// creates or updates one of the union's entries (same question = update).
func (s *Server) faqEntry(p *page) error {
	if s.FAQ == nil {
		return unionbot.Errorf(unionbot.ENOTFOUND, "该功能尚未启用。")
	}
	f := func(k string) string { return strings.TrimSpace(p.r.PostFormValue(k)) }
	e := &faq.Entry{Question: f("question"), Answer: f("answer"), Alternates: faq.SplitList(f("alternates")),
		Keywords: faq.SplitList(f("keywords")), Category: f("category"), Enabled: true}
	if e.Question == "" || e.Answer == "" {
		return unionbot.Errorf(unionbot.EINVALID, "问题和答案都要填写。")
	}
	if err := s.FAQ.SaveEntry(p.r.Context(), e, p.User); err != nil {
		return err
	}
	return p.back("/admin/faq", "已保存问答：“"+e.Question+"”。")
}

// POST /admin/faq/{id}/enabled {on}: switch an entry on or off.
func (s *Server) faqEnabled(p *page) error {
	if s.FAQ == nil {
		return unionbot.Errorf(unionbot.ENOTFOUND, "该功能尚未启用。")
	}
	id, err := strconv.ParseInt(p.r.PathValue("id"), 10, 64)
	if err != nil {
		return unionbot.Errorf(unionbot.EINVALID, "问答编号应为正整数。")
	}
	on := p.r.PostFormValue("on") == "1"
	e, err := s.FAQ.SetEnabled(p.r.Context(), id, on, p.User)
	if err != nil {
		return err
	}
	if on {
		return p.back("/admin/faq", "已启用：“"+e.Question+"”。")
	}
	return p.back("/admin/faq", "已停用：“"+e.Question+"”，机器人不再用它回答。")
}

// POST /admin/faq/starter {own}: 只用本校问答 (own=1) switches every starter
// entry off; own=0 switches them on again.
func (s *Server) faqStarter(p *page) error {
	if s.FAQ == nil {
		return unionbot.Errorf(unionbot.ENOTFOUND, "该功能尚未启用。")
	}
	own := p.r.PostFormValue("own") == "1"
	n, err := s.FAQ.UseOwnOnly(p.r.Context(), own, p.User)
	if err != nil {
		return err
	}
	if own {
		return p.back("/admin/faq", "已停用 "+strconv.Itoa(n)+" 条内置问答，现在只用本校问答回答。")
	}
	return p.back("/admin/faq", "已重新启用 "+strconv.Itoa(n)+" 条内置问答。")
}

// POST /admin/faq/questions/{id}/attach {entry_id}: the question becomes
// another way of asking that entry, which answers it at once.
func (s *Server) faqAttach(p *page) error {
	if s.FAQ == nil {
		return unionbot.Errorf(unionbot.ENOTFOUND, "该功能尚未启用。")
	}
	qid, err := strconv.ParseInt(p.r.PathValue("id"), 10, 64)
	if err != nil {
		return unionbot.Errorf(unionbot.EINVALID, "问题编号应为正整数。")
	}
	eid, err := strconv.ParseInt(p.r.PostFormValue("entry_id"), 10, 64)
	if err != nil || eid <= 0 {
		return unionbot.Errorf(unionbot.EINVALID, "请选择要归入的问答条目。")
	}
	e, err := s.FAQ.Attach(p.r.Context(), qid, eid, p.User)
	if err != nil {
		return err
	}
	return p.back("/admin/faq", "已把这个问题归入“"+e.Question+"”的其他问法，机器人现在就能回答。")
}

// POST /admin/faq/ignore {ids}: 忽略 — the questions leave the list.
func (s *Server) faqIgnore(p *page) error {
	var ids []int64
	for _, f := range strings.Split(p.r.PostFormValue("ids"), ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return unionbot.Errorf(unionbot.EINVALID, "没有选中要忽略的问题。")
	}
	if err := s.FAQ.Ignore(p.r.Context(), ids); err != nil {
		return err
	}
	return p.back("/admin/faq", "已忽略。")
}
