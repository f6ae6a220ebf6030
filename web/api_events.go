package web

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"unionbot"
	"unionbot/handlers/signup"
)

// eventJSON is an event as the admin API reads and writes it.
type eventJSON struct {
	ID               int64          `json:"id"`
	Title            string         `json:"title"`
	Kind             string         `json:"kind"`
	Description      string         `json:"description"`
	Location         string         `json:"location"`
	StartsAt         *time.Time     `json:"starts_at"`
	EndsAt           *time.Time     `json:"ends_at"`
	SignupOpensAt    *time.Time     `json:"signup_opens_at"`
	SignupClosesAt   *time.Time     `json:"signup_closes_at"`
	CancelDeadline   *time.Time     `json:"cancel_deadline"`
	Capacity         int            `json:"capacity"`
	Waitlist         bool           `json:"waitlist"`
	MaxCompanions    int            `json:"max_companions"`
	TeamMin          int            `json:"team_min"`
	TeamMax          int            `json:"team_max"`
	EligibleTags     []string       `json:"eligible_tags"`
	Fields           []signup.Field `json:"fields"`
	RemindUnanswered bool           `json:"remind_unanswered"`
	Status           string         `json:"status"`
	Taken            int            `json:"taken"`
	Waiting          int            `json:"waiting"`
}

func tp(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func tv(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func toEventJSON(e *signup.Event) *eventJSON {
	return &eventJSON{ID: e.ID, Title: e.Title, Kind: e.Kind, Description: e.Description, Location: e.Location,
		StartsAt: tp(e.StartsAt), EndsAt: tp(e.EndsAt), SignupOpensAt: tp(e.SignupOpensAt), SignupClosesAt: tp(e.SignupClosesAt),
		CancelDeadline: tp(e.CancelDeadline), Capacity: e.Capacity, Waitlist: e.Waitlist, MaxCompanions: e.MaxCompanions,
		TeamMin: e.TeamMin, TeamMax: e.TeamMax, EligibleTags: e.EligibleTags, Fields: e.Fields, Status: e.Status,
		RemindUnanswered: e.RemindUnanswered, Taken: e.Taken, Waiting: e.Waiting}
}

func (j *eventJSON) event() *signup.Event {
	return &signup.Event{ID: j.ID, Title: j.Title, Kind: j.Kind, Description: j.Description, Location: j.Location,
		StartsAt: tv(j.StartsAt), EndsAt: tv(j.EndsAt), SignupOpensAt: tv(j.SignupOpensAt), SignupClosesAt: tv(j.SignupClosesAt),
		CancelDeadline: tv(j.CancelDeadline), Capacity: j.Capacity, Waitlist: j.Waitlist, MaxCompanions: j.MaxCompanions,
		TeamMin: j.TeamMin, TeamMax: j.TeamMax, EligibleTags: j.EligibleTags, Fields: j.Fields, Status: j.Status, RemindUnanswered: j.RemindUnanswered}
}

func (s *Server) eventID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, unionbot.Errorf(unionbot.EINVALID, "活动编号应为正整数。")
	}
	return id, nil
}

func (s *Server) createEvent(w http.ResponseWriter, r *http.Request) error {
	var j eventJSON
	if err := decodeJSON(w, r, &j); err != nil {
		return err
	}
	if j.StartsAt == nil {
		return unionbot.Errorf(unionbot.EINVALID, "缺少活动开始时间 starts_at（RFC 3339）。")
	}
	e := j.event()
	if err := e.Validate(); err != nil {
		return err
	}
	if err := s.Events.CreateEvent(r.Context(), e); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toEventJSON(e))
	return nil
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) error {
	evs, err := s.Events.ListEvents(r.Context(), signup.EventFilter{})
	if err != nil {
		return err
	}
	out := make([]*eventJSON, len(evs))
	for i, e := range evs {
		out[i] = toEventJSON(e)
	}
	writeJSON(w, http.StatusOK, map[string]any{"events": out})
	return nil
}

func (s *Server) getEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := s.eventID(r)
	if err != nil {
		return err
	}
	e, err := s.Events.FindEvent(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toEventJSON(e))
	return nil
}

// patchEvent applies the fields present in the body on top of the event.
func (s *Server) patchEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := s.eventID(r)
	if err != nil {
		return err
	}
	e, err := s.Events.FindEvent(r.Context(), id)
	if err != nil {
		return err
	}
	j := toEventJSON(e)
	if err := decodeJSON(w, r, j); err != nil {
		return err
	}
	j.ID = id
	e = j.event()
	if err := e.Validate(); err != nil {
		return err
	}
	if err := s.Events.UpdateEvent(r.Context(), e); err != nil {
		return err
	}
	// More places (or none to wait for) take the waitlist in, in order.
	if _, err := s.Events.PromoteWaiting(r.Context(), id, signup.PromotedNotice(s.location())); err != nil {
		return err
	}
	if e, err = s.Events.FindEvent(r.Context(), id); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toEventJSON(e))
	return nil
}

func (s *Server) cancelEvent(w http.ResponseWriter, r *http.Request) error {
	id, err := s.eventID(r)
	if err != nil {
		return err
	}
	e, err := s.Events.CancelEvent(r.Context(), id, signup.CancelledNotice)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toEventJSON(e))
	return nil
}

type entryJSON struct {
	UserID     string              `json:"user_id"`
	Name       string              `json:"name"`
	Department string              `json:"department"`
	Companions int                 `json:"companions"`
	Fields     map[string]string   `json:"fields"`
	SignedUpAt time.Time           `json:"signed_up_at"`
	CheckedIn  bool                `json:"checked_in"`
	Position   int                 `json:"position,omitempty"`
	Team       string              `json:"team,omitempty"`
	Members    []signup.TeamMember `json:"members,omitempty"`
}

func (s *Server) roster(w http.ResponseWriter, r *http.Request) error {
	id, err := s.eventID(r)
	if err != nil {
		return err
	}
	e, err := s.Events.FindEvent(r.Context(), id)
	if err != nil {
		return err
	}
	entries, err := s.Events.ListEntries(r.Context(), id, "")
	if err != nil {
		return err
	}
	confirmed, waitlist := []entryJSON{}, []entryJSON{}
	for _, x := range entries {
		j := entryJSON{x.UserID, x.Name, x.Department, x.Companions, x.Fields, x.SignedUpAt, x.CheckedIn, x.Position, x.Team, x.Members}
		if x.Status == signup.EntryWaiting {
			waitlist = append(waitlist, j)
		} else {
			confirmed = append(confirmed, j)
		}
	}
	switch r.URL.Query().Get("format") {
	case "", "json":
		writeJSON(w, http.StatusOK, map[string]any{"event": toEventJSON(e), "confirmed": confirmed, "waitlist": waitlist})
		return nil
	case "csv":
		return writeRosterCSV(w, s.location(), e, confirmed, waitlist)
	case "xlsx":
		return writeRosterXLSX(w, s.location(), e, confirmed, waitlist)
	}
	return unionbot.Errorf(unionbot.EINVALID, "format 只能是 json、csv 或 xlsx。")
}

func rosterRows(loc *time.Location, e *signup.Event, status string, entries []entryJSON) [][]string {
	head := []string{"状态", "序号", "工号", "姓名", "部门", "家属人数", "报名时间", "已签到"}
	for _, f := range e.Fields {
		head = append(head, f.Name)
	}
	if e.IsTeam() {
		head = append(head, "队名", "队员（确认情况）", "已确认人数")
	}
	rows := [][]string{head}
	for i, x := range entries {
		in := "否"
		if x.CheckedIn {
			in = "是"
		}
		row := []string{status, strconv.Itoa(i + 1), x.UserID, x.Name, x.Department, strconv.Itoa(x.Companions),
			x.SignedUpAt.In(loc).Format("2006-01-02 15:04:05"), in}
		for _, f := range e.Fields {
			row = append(row, x.Fields[f.Name])
		}
		if e.IsTeam() {
			names := make([]string, len(x.Members))
			n := 1
			for i, m := range x.Members {
				names[i] = m.Name + "（" + m.Status + "）"
				if m.Status == signup.MemberAccepted {
					n++
				}
			}
			row = append(row, x.Team, strings.Join(names, "、"), strconv.Itoa(n))
		}
		rows = append(rows, row)
	}
	return rows
}

func attach(w http.ResponseWriter, e *signup.Event, ext, ctype string) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"event-%d.%s\"; filename*=UTF-8''%s", e.ID, ext,
		urlEscape(e.Title+"报名表."+ext)))
}

func writeRosterCSV(w http.ResponseWriter, loc *time.Location, e *signup.Event, confirmed, waitlist []entryJSON) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // so that Excel reads UTF-8
	cw := csv.NewWriter(&buf)
	cw.WriteAll(rosterRows(loc, e, signup.EntryConfirmed, confirmed))
	cw.WriteAll(rosterRows(loc, e, signup.EntryWaiting, waitlist)[1:])
	attach(w, e, "csv", "text/csv; charset=utf-8")
	_, err := w.Write(buf.Bytes())
	return err
}

func writeRosterXLSX(w http.ResponseWriter, loc *time.Location, e *signup.Event, confirmed, waitlist []entryJSON) error {
	f := excelize.NewFile()
	defer f.Close()
	for i, sheet := range []struct {
		name    string
		entries []entryJSON
	}{{"已报名", confirmed}, {"候补", waitlist}} {
		if i == 0 {
			f.SetSheetName("Sheet1", sheet.name)
		} else if _, err := f.NewSheet(sheet.name); err != nil {
			return fmt.Errorf("roster sheet: %w", err)
		}
		for r, row := range rosterRows(loc, e, sheet.name, sheet.entries) {
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			vals := make([]any, len(row))
			for k := range row {
				vals[k] = row[k]
			}
			if err := f.SetSheetRow(sheet.name, cell, &vals); err != nil {
				return fmt.Errorf("roster row: %w", err)
			}
		}
	}
	attach(w, e, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	return f.Write(w)
}

// eventStats counts sign-ups by department (工会小组), for rating groups.
func (s *Server) eventStats(w http.ResponseWriter, r *http.Request) error {
	id, err := s.eventID(r)
	if err != nil {
		return err
	}
	e, err := s.Events.FindEvent(r.Context(), id)
	if err != nil {
		return err
	}
	entries, err := s.Events.ListEntries(r.Context(), id, "")
	if err != nil {
		return err
	}
	type count struct {
		Confirmed  int `json:"confirmed"`
		Waitlist   int `json:"waitlist"`
		Companions int `json:"companions"`
		CheckedIn  int `json:"checked_in"`
	}
	by := map[string]*count{}
	var total count
	for _, x := range entries {
		d := x.Department
		if d == "" {
			d = "未登记"
		}
		if by[d] == nil {
			by[d] = &count{}
		}
		for _, c := range []*count{by[d], &total} {
			if x.Status == signup.EntryWaiting {
				c.Waitlist++
				continue
			}
			c.Confirmed++
			c.Companions += x.Companions
			if x.CheckedIn {
				c.CheckedIn++
			}
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"event": toEventJSON(e), "total": total, "by_department": by})
	return nil
}

func urlEscape(s string) string { return url.PathEscape(s) }

// POST /api/events/{id}/entries/{user}/checkin {"checked_in": true|false}
func (s *Server) setCheckIn(w http.ResponseWriter, r *http.Request) error {
	id, err := s.eventID(r)
	if err != nil {
		return err
	}
	var body struct {
		CheckedIn *bool `json:"checked_in"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	if body.CheckedIn == nil {
		return unionbot.Errorf(unionbot.EINVALID, "请给出 checked_in（true 或 false）。")
	}
	user := r.PathValue("user")
	if err := s.Events.SetCheckedIn(r.Context(), id, user, *body.CheckedIn); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": user, "checked_in": *body.CheckedIn})
	return nil
}

// POST /api/events/{id}/entries/{user}/promote: an admin moves one teacher
// from the waitlist to a place (409 when the places are all taken); the
// teacher is told.
func (s *Server) promoteEntry(w http.ResponseWriter, r *http.Request) error {
	id, err := s.eventID(r)
	if err != nil {
		return err
	}
	e, err := s.Events.PromoteEntry(r.Context(), id, r.PathValue("user"), signup.PromotedNotice(s.location()))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": e.UserID, "status": e.Status})
	return nil
}
