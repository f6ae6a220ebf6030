package web

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"unionbot"
	"unionbot/handlers/ballot"
)

// ballotsView is the 投票 page: the ballots, and the form for a new one.
// Typed all the way to the template, filled from the ballot service.
type ballotsView struct {
	List []ballotItem
	Form ballotForm
}

type ballotItem struct {
	Ballot *ballot.Ballot
	Opens  string
	Closes string
}

// ballotForm is what staff typed, kept when the form is refused.
type ballotForm struct {
	Title, Tag, Opens, Closes, Questions, Quorum, Pass string
	OfVoters                                           bool
}

// ballotView is one ballot: the preview, and once closed the result.
type ballotView struct {
	Ballot    *ballot.Ballot
	Opens     string
	Closes    string
	Questions string // in the console's question format
	Tally     *ballot.Tally
	Lines     []ballotLine
	Head      string
	CanOpen   bool
	CanClose  bool
}

type ballotLine struct {
	No      int
	Receipt string
	Answers []string
	Hash    string
}

const consoleTime = "2006-01-02T15:04"

// GET /admin/ballots
func (s *Server) ballotsPage(p *page) error {
	p.Title = "投票"
	if s.Ballots == nil {
		p.Data["Off"] = true
		return p.render("ballots")
	}
	list, err := s.Ballots.List(p.r.Context())
	if err != nil {
		return err
	}
	v := ballotsView{Form: ballotForm{Quorum: "2/3", Pass: "1/2", Questions: "表决：学校工作报告\n选举 2：工会委员：张三、李四、王五\n评议：中层干部民主评议：赵一、钱二、孙三"}}
	for _, b := range list {
		v.List = append(v.List, ballotItem{Ballot: b, Opens: s.showTime(b.OpensAt), Closes: s.showTime(b.ClosesAt)})
	}
	p.Data["Ballots"] = v
	return p.render("ballots")
}

func (s *Server) showTime(t time.Time) string { return t.In(s.location()).Format("2006-01-02 15:04") }

// parseRule reads "2/3" as a rule.
func parseRule(v string, strict, ofVoters bool) (ballot.Rule, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(v), "/")
	num, err1 := strconv.Atoi(strings.TrimSpace(a))
	den, err2 := strconv.Atoi(strings.TrimSpace(b))
	if !ok || err1 != nil || err2 != nil {
		return ballot.Rule{}, unionbot.Errorf(unionbot.EINVALID, "比例“%s”应写成分数，如 2/3。", v)
	}
	return ballot.Rule{Num: num, Den: den, Strict: strict, OfVoters: ofVoters}, nil
}

// POST /admin/ballots {title, tag, opens, closes, questions, quorum, pass, of_voters}
func (s *Server) ballotCreate(p *page) error {
	if s.Ballots == nil {
		return unionbot.Errorf(unionbot.ENOTFOUND, "该功能尚未启用。")
	}
	f := func(k string) string { return strings.TrimSpace(p.r.PostFormValue(k)) }
	b := &ballot.Ballot{Title: f("title"), ElectorateTag: f("tag"), CreatedBy: p.User}
	var err error
	if b.OpensAt, err = time.ParseInLocation(consoleTime, f("opens"), s.location()); err != nil {
		return unionbot.Errorf(unionbot.EINVALID, "请填写开始时间。")
	}
	if b.ClosesAt, err = time.ParseInLocation(consoleTime, f("closes"), s.location()); err != nil {
		return unionbot.Errorf(unionbot.EINVALID, "请填写截止时间。")
	}
	if b.Questions, err = ballot.ParseQuestions(f("questions")); err != nil {
		return err
	}
	if b.Quorum, err = parseRule(f("quorum"), false, false); err != nil {
		return err
	}
	if b.Pass, err = parseRule(f("pass"), true, f("of_voters") == "1"); err != nil {
		return err
	}
	if err := s.Ballots.Create(p.r.Context(), b); err != nil {
		return err
	}
	return p.back("/admin/ballots/"+strconv.FormatInt(b.ID, 10), "已创建投票（草稿），请预览无误后点“开始投票”。")
}

// GET /admin/ballots/{id}
func (s *Server) ballotPage(p *page) error {
	if s.Ballots == nil {
		return unionbot.Errorf(unionbot.ENOTFOUND, "该功能尚未启用。")
	}
	id, err := strconv.ParseInt(p.r.PathValue("id"), 10, 64)
	if err != nil {
		return unionbot.Errorf(unionbot.EINVALID, "投票编号应为正整数。")
	}
	b, err := s.Ballots.Get(p.r.Context(), id)
	if err != nil {
		return err
	}
	p.Title = b.Title
	v := ballotView{Ballot: b, Opens: s.showTime(b.OpensAt), Closes: s.showTime(b.ClosesAt),
		Questions: ballot.FormatQuestions(b.Questions), CanOpen: b.Status == ballot.StatusDraft, CanClose: b.Status == ballot.StatusOpen}
	if b.Result != nil {
		v.Tally, v.Head = &b.Result.Tally, b.Result.Head
		for i, l := range b.Result.Lines {
			bl := ballotLine{No: i + 1, Receipt: ballot.ShowReceipt(l.Receipt), Hash: l.Hash}
			for j, a := range l.Answers {
				bl.Answers = append(bl.Answers, answerCell(b.Questions[j], a))
			}
			v.Lines = append(v.Lines, bl)
		}
	}
	p.Data["Ballot"] = v
	return p.render("ballot")
}

func (s *Server) ballotAction(p *page, act func(id int64) (*ballot.Ballot, error), done string) error {
	if s.Ballots == nil {
		return unionbot.Errorf(unionbot.ENOTFOUND, "该功能尚未启用。")
	}
	id, err := strconv.ParseInt(p.r.PathValue("id"), 10, 64)
	if err != nil {
		return unionbot.Errorf(unionbot.EINVALID, "投票编号应为正整数。")
	}
	if _, err := act(id); err != nil {
		return err
	}
	return p.back("/admin/ballots/"+strconv.FormatInt(id, 10), done)
}

// POST /admin/ballots/{id}/open
func (s *Server) ballotOpen(p *page) error {
	return s.ballotAction(p, func(id int64) (*ballot.Ballot, error) { return s.Ballots.Open(p.r.Context(), id) },
		"已开始投票：投票名单已确定，选民回复“投票”即可参加。")
}

// POST /admin/ballots/{id}/close
func (s *Server) ballotClose(p *page) error {
	return s.ballotAction(p, func(id int64) (*ballot.Ballot, error) { return s.Ballots.Close(p.r.Context(), id) },
		"投票已结束，结果已公布给每位投票人。")
}

// GET /admin/ballots/{id}/export: the result as Excel.
func (s *Server) ballotExport(p *page) error {
	b, err := s.consoleResult(p)
	if err != nil {
		return err
	}
	return s.writeBallotXLSX(p.w, b)
}

// GET /admin/ballots/{id}/result: the published list, as voters download it.
func (s *Server) ballotResultFile(p *page) error {
	b, err := s.consoleResult(p)
	if err != nil {
		return err
	}
	p.w.Header().Set("Content-Type", "application/json; charset=utf-8")
	p.w.Header().Set("Content-Disposition", "attachment; filename=\"ballot-"+strconv.FormatInt(b.ID, 10)+"-result.json\"")
	enc := json.NewEncoder(p.w)
	enc.SetEscapeHTML(false)
	return enc.Encode(b.Result)
}

func (s *Server) consoleResult(p *page) (*ballot.Ballot, error) {
	if s.Ballots == nil {
		return nil, unionbot.Errorf(unionbot.ENOTFOUND, "该功能尚未启用。")
	}
	id, err := strconv.ParseInt(p.r.PathValue("id"), 10, 64)
	if err != nil {
		return nil, unionbot.Errorf(unionbot.EINVALID, "投票编号应为正整数。")
	}
	return s.Ballots.Result(p.r.Context(), id)
}
