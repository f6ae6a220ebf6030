package signup

import (
	"fmt"
	"strconv"
	"strings"

	"unionbot"
	"unionbot/bot"
)

// Chat is the chat face of the sign-ups: it reads what teachers and admins
// type, asks the questions and calls the Service for every decision.
type Chat struct{ Service *Service }

// FlowSignup is the name of the sign-up form flow.
const FlowSignup = "signup"

func (ch *Chat) openEvents(c *bot.Context) ([]*Event, error) {
	return ch.Service.OpenToJoin(c.Context())
}

func (ch *Chat) line(c *bot.Context, i int, e *Event) string {
	left := "不限名额"
	if l := e.Left(); l >= 0 {
		left = fmt.Sprintf("剩余 %d 个名额", l)
	}
	s := fmt.Sprintf("%d. %s（%s，%s，%s", i+1, e.Title, e.Kind, when(c, e), left)
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
	if c.Cards() {
		if err := ch.sendEventCards(c, evs); err != nil {
			return err
		}
		lines = append(lines, txtCardsSent)
	}
	return c.Reply(strings.Join(lines, "\n"))
}

// pick finds the event a teacher means by number or by part of its title.
func (ch *Chat) pick(c *bot.Context, evs []*Event, q string) (*Event, error) {
	q = c.Fold(strings.Join(strings.Fields(q), ""))
	if q == "" {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtWhich)
	}
	if n, err := strconv.Atoi(q); err == nil {
		if n < 1 || n > len(evs) {
			return nil, unionbot.Errorf(unionbot.ENOTFOUND, txtNoNumber, n)
		}
		return evs[n-1], nil
	}
	var hits []*Event
	for _, e := range evs {
		t := c.Fold(strings.Join(strings.Fields(e.Title), ""))
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
	return nil, &ambiguous{q: q, hits: hits}
}

// ambiguous is a title that fits several events: the teacher is asked
// which, and the answer's number means that list's item.
type ambiguous struct {
	q    string
	hits []*Event
}

func (a *ambiguous) Error() string { return "ambiguous event title " + a.q }

// form is the state of the sign-up flow.
type form struct {
	EventID    int64
	Step       int // index into steps(event)
	Fields     map[string]string
	Companions int
	Team       string
	Members    []TeamMember
	Tap        *bot.CardTap `json:",omitempty"` // the event card tapped, updated on submit
}

// The sign-up form's questions after the event's own fields.
const (
	stepCompanions = "companions"
	stepTeam       = "team"
	stepMembers    = "members"
)

// steps lists the questions the event asks: its fields by index, then
// companions and, for team events, the team's name and its members.
func steps(ev *Event) []string {
	var out []string
	for i := range ev.Fields {
		out = append(out, strconv.Itoa(i))
	}
	if ev.MaxCompanions > 0 && !ev.IsTeam() {
		out = append(out, stepCompanions)
	}
	if ev.IsTeam() {
		out = append(out, stepTeam, stepMembers)
	}
	return out
}

// SignUp answers 报名 <number or title>.
func (ch *Chat) SignUp(c *bot.Context) error {
	evs, err := ch.openEvents(c)
	if err != nil {
		return err
	}
	ev, err := ch.pick(c, evs, c.Args)
	if err != nil {
		return ch.askWhich(c, actSignUp, err)
	}
	return ch.signUp(c, ev)
}

// signUp runs the pre-checks and opens the sign-up form for ev (or signs
// up at once when it asks nothing).
func (ch *Chat) signUp(c *bot.Context, ev *Event) error { return ch.signUpTapped(c, ev, nil) }

// signUpTapped is signUp from a tap on ev's card, which the form keeps.
func (ch *Chat) signUpTapped(c *bot.Context, ev *Event, tap *bot.CardTap) error {
	m, err := c.Member()
	if err != nil {
		return err
	}
	f := &form{EventID: ev.ID, Fields: map[string]string{}, Tap: tap}
	if len(steps(ev)) == 0 { // entered at once: the transaction checks the rest
		if err := ch.Service.CheckWindow(ev, m); err != nil {
			return err
		}
		return ch.submit(c, ev, m, f)
	}
	if err := ch.Service.CheckSignUp(c.Context(), ev, m); err != nil {
		return err
	}
	if err := c.StartFlow(FlowSignup, f); err != nil {
		return err
	}
	return ch.ask(c, ev, f)
}

func (ch *Chat) ask(c *bot.Context, ev *Event, f *form) error {
	switch step := steps(ev)[f.Step]; step {
	case stepCompanions:
		return c.Replyf(txtAskCompanions, ev.MaxCompanions)
	case stepTeam:
		return c.Reply(txtAskTeam)
	case stepMembers:
		return c.Replyf(txtAskMembers, max(ev.TeamMin, 1), ev.TeamMax, max(ev.TeamMin-1, 0), ev.TeamMax-1)
	default:
		i, _ := strconv.Atoi(step)
		fl := ev.Fields[i]
		opts := ""
		if len(fl.Options) > 0 {
			opts = "（" + strings.Join(fl.Options, "/") + "）"
		}
		return c.Replyf(txtAskField, fl.Name, opts)
	}
}

// Form handles the teacher's answers in the sign-up flow. A refused answer
// leaves the form where it was.
func (ch *Chat) Form(c *bot.Context) error {
	var f form
	if err := c.LoadFlow(&f); err != nil {
		return err
	}
	ev, err := ch.Service.Event(c.Context(), f.EventID)
	if err != nil {
		c.EndFlow()
		return err
	}
	st := steps(ev)
	if f.Step >= len(st) { // the event changed under the form
		f.Step = len(st) - 1
	}
	ans := strings.TrimSpace(c.Text())
	switch step := st[f.Step]; step {
	case stepCompanions:
		n, err := strconv.Atoi(ans)
		if err != nil || n < 0 || n > ev.MaxCompanions {
			return c.Replyf(txtBadCompanions, ev.MaxCompanions)
		}
		f.Companions = n
	case stepTeam:
		if ans == "" || len([]rune(ans)) > 20 {
			return c.Reply(txtBadTeam)
		}
		f.Team = ans
	case stepMembers:
		members, err := ch.teammates(c, ans)
		if err != nil {
			return err
		}
		if n := len(members) + 1; n < max(ev.TeamMin, 1) || n > ev.TeamMax {
			return c.Replyf(txtTeamSize, n, max(ev.TeamMin, 1), ev.TeamMax)
		}
		f.Members = members
	default:
		i, _ := strconv.Atoi(step)
		fl := ev.Fields[i]
		if len(fl.Options) > 0 && !contains(fl.Options, ans) {
			return c.Replyf(txtBadOption, fl.Name, strings.Join(fl.Options, "/"))
		}
		if ans == "" || len([]rune(ans)) > 50 {
			return c.Replyf(txtBadField, fl.Name)
		}
		f.Fields[fl.Name] = ans
	}
	f.Step++
	if f.Step < len(st) {
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
	err = ch.submit(c, ev, m, &f)
	if f.Tap != nil && unionbot.ErrorCode(err) != unionbot.EINTERNAL {
		ch.updateOutcome(c, f.Tap, ev)
	}
	return err
}

// teammates resolves the captain's list: user ids or names separated by
// spaces, commas or 、. A name must belong to exactly one member.
func (ch *Chat) teammates(c *bot.Context, list string) ([]TeamMember, error) {
	words := strings.FieldsFunc(list, func(r rune) bool {
		return r == ' ' || r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '\n'
	})
	if len(words) == 0 {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtNoMembers)
	}
	seen := map[string]bool{c.UserID(): true}
	var out []TeamMember
	for _, w := range words {
		m, err := ch.findMember(c, w)
		if err != nil {
			return nil, err
		}
		if m.UserID == c.UserID() {
			continue // the captain is on the team anyway
		}
		if seen[m.UserID] {
			return nil, unionbot.Errorf(unionbot.EINVALID, txtTwice, w)
		}
		seen[m.UserID] = true
		out = append(out, TeamMember{UserID: m.UserID, Name: m.DisplayName(), Status: MemberPending})
	}
	return out, nil
}

func (ch *Chat) findMember(c *bot.Context, w string) (*unionbot.Member, error) {
	return ch.Service.FindMember(c.Context(), w)
}

func (ch *Chat) submit(c *bot.Context, ev *Event, m *unionbot.Member, f *form) error {
	e := &Entry{Companions: f.Companions, Fields: f.Fields, Team: f.Team, Members: f.Members}
	if err := ch.Service.SignUp(c.Context(), ev, m, e); err != nil {
		return err
	}
	if ev.IsTeam() {
		names := make([]string, len(e.Members))
		for i, m := range e.Members {
			names[i] = m.Name
		}
		st := "已报名"
		switch e.Status {
		case EntryWaiting:
			st = fmt.Sprintf("名额已满，队伍进入候补第 %d 位", e.Position)
		case EntryRegistered:
			st = "已登记，截止后统一分配"
		}
		return c.Replyf(txtTeamDone, ev.Title, e.Team, st, strings.Join(names, "、"))
	}
	switch e.Status {
	case EntryWaiting:
		return c.Replyf(txtWaiting, ev.Title, e.Position)
	case EntryRegistered:
		return c.Replyf(txtRegistered, ev.Title, when(c, ev), ev.SignupClosesAt.In(c.Location()).Format("1月2日 15:04"))
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
	es, err := ch.Service.Mine(c.Context(), c.UserID())
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
	if strings.TrimSpace(c.Args) == "" { // which one: by context
		if len(evs) == 1 {
			if err := c.StartFlow(FlowConfirmCancel, choiceState{Action: actCancel, IDs: []int64{evs[0].ID}}); err != nil {
				return err
			}
			return c.Replyf(txtConfirmCancel, evs[0].Title)
		}
		return ch.askWhich(c, actCancel, &ambiguous{hits: evs})
	}
	ev, err := ch.pick(c, evs, c.Args)
	if err != nil {
		return ch.askWhich(c, actCancel, err)
	}
	return ch.cancel(c, ev)
}

func (ch *Chat) cancel(c *bot.Context, ev *Event) error {
	if _, err := ch.Service.Cancel(c.Context(), ev, c.UserID()); err != nil {
		return err
	}
	return c.Replyf(txtCancelled, ev.Title)
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
