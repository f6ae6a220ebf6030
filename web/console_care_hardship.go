package web

import (
	"fmt"
	"strconv"
	"strings"

	"unionbot"
	"unionbot/handlers/care"
)

// hardshipListView is the 困难职工档案 page: the records and a form for a
// new one.
type hardshipListView struct {
	Records []*care.Hardship
	Tiers   []string
}

// hardshipView is one record: its household, its stage log and who read it.
type hardshipView struct {
	Record *care.Hardship
	Income string
	Log    []careLogLine
	Reads  []careLogLine
	Stages []string
}

// GET /admin/care/hardship
func (s *Server) hardshipPage(p *page) error {
	hs, err := s.Care.Hardships(p.r.Context(), p.Sess.User)
	if err != nil {
		return err
	}
	p.Title = care.TitleHardship
	return p.renderData(200, "care_hardship", struct {
		*page
		V hardshipListView
	}{p, hardshipListView{Records: hs, Tiers: []string{care.TierDeep, care.TierRelative, care.TierAccident}}})
}

// POST /admin/care/hardship: member, tier, main cause, sub causes
// (separated by 、 or commas) and the household's yearly income in 元.
func (s *Server) hardshipCreate(p *page) error {
	f := p.r.PostFormValue
	yuan, _ := strconv.ParseInt(strings.TrimSpace(f("income_yuan")), 10, 64)
	h := &care.Hardship{Tier: f("tier"), MainCause: strings.TrimSpace(f("main_cause")), IncomeFen: yuan * 100,
		SubCauses: strings.FieldsFunc(f("sub_causes"), func(r rune) bool { return r == '、' || r == ',' || r == '，' })}
	m, err := unionbot.FindMember(p.r.Context(), s.Members, strings.TrimSpace(f("member")))
	if err != nil {
		return err
	}
	h.MemberID = m.UserID
	if err := s.Care.OpenHardship(p.r.Context(), p.Sess.User, h); err != nil {
		return err
	}
	return p.back(fmt.Sprintf("/admin/care/hardship/%d", h.ID), care.FlashSaved)
}

// GET /admin/care/hardship/{id}: the read is logged.
func (s *Server) hardshipRecordPage(p *page) error {
	id, err := hardshipID(p.r)
	if err != nil {
		return err
	}
	ctx := p.r.Context()
	h, err := s.Care.Hardship(ctx, p.Sess.User, id)
	if err != nil {
		return err
	}
	v := hardshipView{Record: h, Income: care.Yuan(h.IncomeFen),
		Stages: []string{care.StageReviewed, care.StagePublished, care.StageApproved, care.StageOnFile, care.StageOut, care.StageWithdrawn, care.StageApplied}}
	for _, l := range h.Log {
		v.Log = append(v.Log, careLogLine{s.showTime(l.At), l.By, l.Action, l.Note})
	}
	reads, err := s.Care.HardshipReads(ctx, p.Sess.User, id)
	if err != nil {
		return err
	}
	for _, r := range reads {
		v.Reads = append(v.Reads, careLogLine{At: s.showTime(r.At), By: r.By, Action: r.Action})
	}
	p.Title = fmt.Sprintf(care.TitleHardshipOne, h.ID)
	return p.renderData(200, "care_hardship_one", struct {
		*page
		V hardshipView
	}{p, v})
}

// POST /admin/care/hardship/{id}/stage: to, reason.
func (s *Server) hardshipStage(p *page) error {
	id, err := hardshipID(p.r)
	if err != nil {
		return err
	}
	if _, err := s.Care.MoveHardship(p.r.Context(), p.Sess.User, id, p.r.PostFormValue("to"), p.r.PostFormValue("reason"), nil); err != nil {
		return err
	}
	return p.back(fmt.Sprintf("/admin/care/hardship/%d", id), care.FlashSaved)
}
