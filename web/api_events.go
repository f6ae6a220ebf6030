package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

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
	ConfirmWithin    string         `json:"confirm_within"` // "24h", "90m", "2d"; "" = off
	Allocation       string         `json:"allocation"`     // "fifo" or "rotation"
	LookbackYears    int            `json:"lookback_years"`
	DrawnAt          *time.Time     `json:"drawn_at"`
	Status           string         `json:"status"`
	Taken            int            `json:"taken"`
	Waiting          int            `json:"waiting"`
	Registered       int            `json:"registered"`
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
		RemindUnanswered: e.RemindUnanswered, Taken: e.Taken, Waiting: e.Waiting, Registered: e.Registered,
		ConfirmWithin: signup.FormatWindow(e.ConfirmWithin), Allocation: e.Allocation, LookbackYears: e.LookbackYears, DrawnAt: tp(e.DrawnAt)}
}

// event is the event the JSON describes; EINVALID for a confirm_within
// that is no duration.
func (j *eventJSON) event() (*signup.Event, error) {
	within, err := signup.ParseWindow(j.ConfirmWithin)
	if err != nil {
		return nil, err
	}
	return &signup.Event{ID: j.ID, Title: j.Title, Kind: j.Kind, Description: j.Description, Location: j.Location,
		StartsAt: tv(j.StartsAt), EndsAt: tv(j.EndsAt), SignupOpensAt: tv(j.SignupOpensAt), SignupClosesAt: tv(j.SignupClosesAt),
		CancelDeadline: tv(j.CancelDeadline), Capacity: j.Capacity, Waitlist: j.Waitlist, MaxCompanions: j.MaxCompanions,
		TeamMin: j.TeamMin, TeamMax: j.TeamMax, EligibleTags: j.EligibleTags, Fields: j.Fields, Status: j.Status, RemindUnanswered: j.RemindUnanswered,
		ConfirmWithin: within, Allocation: j.Allocation, LookbackYears: j.LookbackYears}, nil
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
	e, err := j.event()
	if err != nil {
		return err
	}
	e.Status = "" // never the client's: an event opens when published (cancel and close have their routes)
	if err := s.Signups.Publish(r.Context(), e); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toEventJSON(e))
	return nil
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) error {
	evs, err := s.Signups.Events(r.Context(), signup.EventFilter{})
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
	e, err := s.Signups.Event(r.Context(), id)
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
	e, err := s.Signups.Event(r.Context(), id)
	if err != nil {
		return err
	}
	j := toEventJSON(e)
	if err := decodeJSON(w, r, j); err != nil {
		return err
	}
	j.ID, j.Status = id, e.Status // the status changes only through cancel and close
	changed, err := j.event()
	if err != nil {
		return err
	}
	if e, _, err = s.Signups.Update(r.Context(), changed); err != nil {
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
	e, err := s.Signups.CancelEvent(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, toEventJSON(e))
	return nil
}

type entryJSON struct {
	UserID     string              `json:"user_id"`
	Status     string              `json:"status"`               // 已报名, 待确认, 候补, 已登记
	ConfirmBy  *time.Time          `json:"confirm_by,omitempty"` // the end of a 待确认 entry's window
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

func toEntryJSON(x *signup.Entry) entryJSON {
	return entryJSON{x.UserID, x.Status, tp(x.ConfirmBy), x.Name, x.Department, x.Companions, x.Fields, x.SignedUpAt, x.CheckedIn, x.Position, x.Team, x.Members}
}

// GET /api/events/{id}/roster?format=json|csv|xlsx
func (s *Server) roster(w http.ResponseWriter, r *http.Request) error {
	id, err := s.eventID(r)
	if err != nil {
		return err
	}
	ro, err := s.Signups.Roster(r.Context(), id)
	if err != nil {
		return err
	}
	return s.writeRoster(w, ro, r.URL.Query().Get("format"))
}

// writeRoster answers a roster as JSON, or downloads it as CSV or XLSX.
func (s *Server) writeRoster(w http.ResponseWriter, ro *signup.Roster, format string) error {
	switch format {
	case "", "json":
		confirmed, waitlist, registered := []entryJSON{}, []entryJSON{}, []entryJSON{}
		for _, x := range ro.Confirmed {
			confirmed = append(confirmed, toEntryJSON(x))
		}
		for _, x := range ro.Waitlist {
			waitlist = append(waitlist, toEntryJSON(x))
		}
		for _, x := range ro.Registered {
			registered = append(registered, toEntryJSON(x))
		}
		writeJSON(w, http.StatusOK, map[string]any{"event": toEventJSON(ro.Event), "confirmed": confirmed, "waitlist": waitlist,
			"registered": registered})
		return nil
	case "csv":
		attach(w, ro, "csv", "text/csv; charset=utf-8")
		return ro.WriteCSV(w, s.location())
	case "xlsx":
		attach(w, ro, "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		return ro.WriteXLSX(w, s.location())
	}
	return unionbot.Errorf(unionbot.EINVALID, "format 只能是 json、csv 或 xlsx。")
}

func attach(w http.ResponseWriter, ro *signup.Roster, ext, ctype string) {
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf("attachment; filename=\"event-%d.%s\"; filename*=UTF-8''%s", ro.Event.ID, ext,
		url.PathEscape(ro.FileName(ext))))
}

// eventStats counts sign-ups by department (工会小组), for rating groups.
func (s *Server) eventStats(w http.ResponseWriter, r *http.Request) error {
	id, err := s.eventID(r)
	if err != nil {
		return err
	}
	ro, err := s.Signups.Roster(r.Context(), id)
	if err != nil {
		return err
	}
	total, by := ro.Stats()
	writeJSON(w, http.StatusOK, map[string]any{"event": toEventJSON(ro.Event), "total": total, "by_department": by})
	return nil
}

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
	if err := s.Signups.SetCheckedIn(r.Context(), id, user, *body.CheckedIn); err != nil {
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
	e, err := s.Signups.Promote(r.Context(), id, r.PathValue("user"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"user_id": e.UserID, "status": e.Status})
	return nil
}

// POST /api/events/{id}/draw: draw a rotation event's places now (also
// done by the scheduler when sign-up closes); 409 when already drawn.
// Answers the published draw, as GET does.
func (s *Server) drawNow(w http.ResponseWriter, r *http.Request) error {
	id, err := s.eventID(r)
	if err != nil {
		return err
	}
	p, err := s.Signups.DrawNow(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}

// GET /api/events/{id}/draw: the published draw — seed, candidates with
// the history used, and the order — for `unionbot draw verify`.
func (s *Server) getDraw(w http.ResponseWriter, r *http.Request) error {
	id, err := s.eventID(r)
	if err != nil {
		return err
	}
	p, err := s.Signups.Draw(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, p)
	return nil
}
