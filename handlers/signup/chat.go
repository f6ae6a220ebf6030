package signup

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"unionbot"
	"unionbot/bot"
)

// Chat holds the teacher chat commands.
type Chat struct {
	Store Store
}

// FlowSignup is the name of the sign-up form flow.
const FlowSignup = "signup"

func (ch *Chat) openEvents(c *bot.Context) ([]*Event, error) {
	all, err := ch.Store.ListEvents(c.Context(), EventFilter{Statuses: []string{StatusOpen}})
	if err != nil {
		return nil, err
	}
	var out []*Event
	for _, e := range all {
		if e.StatusAt(c.Now()) == StatusOpen {
			out = append(out, e)
		}
	}
	return out, nil
}

func (ch *Chat) line(c *bot.Context, i int, e *Event) string {
	left := "不限名额"
	if l := e.Left(); l >= 0 {
		left = fmt.Sprintf("剩余 %d 个名额", l)
	}
	s := fmt.Sprintf("%d. %s（%s，%s", i+1, e.Title, e.Kind, left)
	if !e.SignupClosesAt.IsZero() {
		s += "，" + e.SignupClosesAt.In(c.Location()).Format("1月2日 15:04") + " 截止"
	}
	return s + "）"
}

// List answers 活动.
func (ch *Chat) List(c *bot.Context) error {
	evs, err := ch.openEvents(c)
	if err != nil {
		return err
	}
	if len(evs) == 0 {
		return c.Reply(txtNoEvents)
	}
	lines := []string{txtListHead}
	for i, e := range evs {
		lines = append(lines, ch.line(c, i, e))
	}
	return c.Reply(strings.Join(lines, "\n"))
}

// pick finds the event a teacher means by number or by part of its title.
func (ch *Chat) pick(c *bot.Context, evs []*Event, q string) (*Event, error) {
	q = strings.Join(strings.Fields(q), "")
	if q == "" {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtWhich)
	}
	if n, err := strconv.Atoi(q); err == nil {
		if n < 1 || n > len(evs) {
			return nil, unionbot.Errorf(unionbot.ENOTFOUND, "没有编号 %d 的活动，发送“活动”查看列表。", n)
		}
		return evs[n-1], nil
	}
	var hits []*Event
	for _, e := range evs {
		t := strings.Join(strings.Fields(e.Title), "")
		if strings.Contains(t, q) || strings.Contains(q, t) {
			hits = append(hits, e)
		}
	}
	switch len(hits) {
	case 0:
		return nil, unionbot.Errorf(unionbot.ENOTFOUND, txtNoMatch, q)
	case 1:
		return hits[0], nil
	}
	var lines []string
	for _, h := range hits {
		for i, e := range evs {
			if e.ID == h.ID {
				lines = append(lines, ch.line(c, i, e))
			}
		}
	}
	return nil, unionbot.Errorf(unionbot.EINVALID, txtAmbiguous, q, strings.Join(lines, "\n"))
}

// form is the state of the sign-up flow.
type form struct {
	EventID    int64
	Step       int // index into the event's fields; len(fields) = companions
	Fields     map[string]string
	Companions int
}

// SignUp answers 报名 <number or title>.
func (ch *Chat) SignUp(c *bot.Context) error {
	evs, err := ch.openEvents(c)
	if err != nil {
		return err
	}
	ev, err := ch.pick(c, evs, c.Args)
	if err != nil {
		return err
	}
	m, err := c.Member()
	if err != nil {
		return err
	}
	if !ev.SignupOpensAt.IsZero() && c.Now().Before(ev.SignupOpensAt) {
		return unionbot.Errorf(unionbot.EFORBIDDEN, txtNotOpenYet, ev.Title, ev.SignupOpensAt.In(c.Location()).Format("1月2日 15:04"))
	}
	if !ev.Eligible(m) {
		return unionbot.Errorf(unionbot.EFORBIDDEN, txtNotEligible, ev.Title, strings.Join(ev.EligibleTags, "、"))
	}
	mine, err := ch.Store.ListEntries(c.Context(), 0, m.UserID)
	if err != nil {
		return err
	}
	for _, e := range mine {
		if e.EventID == ev.ID {
			return unionbot.Errorf(unionbot.ECONFLICT, txtAlready, ev.Title)
		}
	}
	f := &form{EventID: ev.ID, Fields: map[string]string{}}
	if len(ev.Fields) == 0 && ev.MaxCompanions == 0 {
		return ch.submit(c, ev, m, f)
	}
	if err := c.StartFlow(FlowSignup, f); err != nil {
		return err
	}
	return ch.ask(c, ev, f)
}

func (ch *Chat) ask(c *bot.Context, ev *Event, f *form) error {
	if f.Step < len(ev.Fields) {
		fl := ev.Fields[f.Step]
		opts := ""
		if len(fl.Options) > 0 {
			opts = "（" + strings.Join(fl.Options, "/") + "）"
		}
		return c.Replyf(txtAskField, fl.Name, opts)
	}
	return c.Replyf(txtAskCompanions, ev.MaxCompanions)
}

// Form handles the teacher's answers in the sign-up flow.
func (ch *Chat) Form(c *bot.Context) error {
	var f form
	if err := c.LoadFlow(&f); err != nil {
		return err
	}
	ev, err := ch.Store.FindEvent(c.Context(), f.EventID)
	if err != nil {
		c.EndFlow()
		return err
	}
	ans := strings.TrimSpace(c.Text())
	if f.Step < len(ev.Fields) {
		fl := ev.Fields[f.Step]
		if len(fl.Options) > 0 && !contains(fl.Options, ans) {
			return c.Replyf(txtBadOption, fl.Name, strings.Join(fl.Options, "/"))
		}
		f.Fields[fl.Name] = ans
		f.Step++
	} else {
		n, err := strconv.Atoi(ans)
		if err != nil || n < 0 || n > ev.MaxCompanions {
			return c.Replyf(txtBadCompanions, ev.MaxCompanions)
		}
		f.Companions = n
		f.Step++
	}
	if f.Step < len(ev.Fields) || (f.Step == len(ev.Fields) && ev.MaxCompanions > 0) {
		if err := c.SaveFlow(&f); err != nil {
			return err
		}
		return ch.ask(c, ev, &f)
	}
	c.EndFlow()
	m, err := c.Member()
	if err != nil {
		return err
	}
	return ch.submit(c, ev, m, &f)
}

func (ch *Chat) submit(c *bot.Context, ev *Event, m *unionbot.Member, f *form) error {
	e := &Entry{EventID: ev.ID, UserID: m.UserID, Name: m.DisplayName(), Department: m.Department,
		Companions: f.Companions, Fields: f.Fields}
	if err := ch.Store.SignUp(c.Context(), e); err != nil {
		return err
	}
	if e.Status == EntryWaiting {
		return c.Replyf(txtWaiting, ev.Title, e.Position)
	}
	return c.Replyf(txtConfirmed, ev.Title, when(c, ev))
}

func when(c *bot.Context, ev *Event) string {
	s := ev.StartsAt.In(c.Location()).Format("1月2日 15:04")
	if ev.Location != "" {
		s += "，" + ev.Location
	}
	return s
}

// mine lists the teacher's live entries' events, for 取消报名/签到 lookups.
func (ch *Chat) mine(c *bot.Context) ([]*Entry, []*Event, error) {
	es, err := ch.Store.ListEntries(c.Context(), 0, c.UserID())
	if err != nil {
		return nil, nil, err
	}
	evs := make([]*Event, len(es))
	for i, e := range es {
		evs[i] = e.Event
	}
	return es, evs, nil
}

// Cancel answers 取消报名 <number or title>; numbers refer to 我的报名.
func (ch *Chat) Cancel(c *bot.Context) error {
	_, evs, err := ch.mine(c)
	if err != nil {
		return err
	}
	if len(evs) == 0 {
		return c.Reply(txtNoEntries)
	}
	ev, err := ch.pick(c, evs, c.Args)
	if err != nil {
		return err
	}
	if !ev.CancelDeadline.IsZero() && c.Now().After(ev.CancelDeadline) {
		return unionbot.Errorf(unionbot.EFORBIDDEN, txtPastDeadline, ev.Title, ev.CancelDeadline.In(c.Location()).Format("1月2日 15:04"))
	}
	loc := c.Location()
	_, _, err = ch.Store.CancelEntry(c.Context(), ev.ID, c.UserID(), func(ev *Event, p *Entry) *unionbot.Notice {
		return &unionbot.Notice{ToUsers: []string{p.UserID}, Kind: "signup", Ref: fmt.Sprintf("event:%d", ev.ID),
			Text: fmt.Sprintf(txtPromoted, ev.Title, ev.StartsAt.In(loc).Format("活动时间 1月2日 15:04。"))}
	})
	if err != nil {
		return err
	}
	return c.Replyf(txtCancelled, ev.Title)
}

// Mine answers 我的报名.
func (ch *Chat) Mine(c *bot.Context) error {
	es, _, err := ch.mine(c)
	if err != nil {
		return err
	}
	if len(es) == 0 {
		return c.Reply(txtNoEntries)
	}
	lines := []string{txtMyHead}
	for i, e := range es {
		st := e.Status
		if st == EntryWaiting {
			st = fmt.Sprintf("候补第 %d 位", e.Position)
		}
		if e.CheckedIn {
			st += "，已签到"
		}
		lines = append(lines, fmt.Sprintf("%d. %s（%s，%s）", i+1, e.Event.Title, when(c, e.Event), st))
	}
	return c.Reply(strings.Join(lines, "\n"))
}

// CheckIn answers 签到 <title or number>, only on the event's day.
func (ch *Chat) CheckIn(c *bot.Context) error {
	_, evs, err := ch.mine(c)
	if err != nil {
		return err
	}
	if len(evs) == 0 {
		return c.Reply(txtNoEntries)
	}
	ev, err := ch.pick(c, evs, c.Args)
	if err != nil {
		return err
	}
	loc := c.Location()
	if !sameDay(c.Now().In(loc), ev.StartsAt.In(loc)) {
		return unionbot.Errorf(unionbot.EFORBIDDEN, txtNotEventDay, ev.Title, ev.StartsAt.In(loc).Format("1月2日"))
	}
	if err := ch.Store.CheckIn(c.Context(), ev.ID, c.UserID()); err != nil {
		return err
	}
	return c.Replyf(txtCheckedIn, ev.Title)
}

func sameDay(a, b time.Time) bool {
	return a.Year() == b.Year() && a.YearDay() == b.YearDay()
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
