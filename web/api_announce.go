package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"unionbot"
	"unionbot/handlers/announce"
)

// AnnounceService is the calendar and monthly announcement feature.
type AnnounceService interface {
	Import(ctx context.Context, text string, year int, dryRun bool) (*announce.Plan, announce.ImportResult, error)
	Items(ctx context.Context, year, month int) ([]*announce.Item, error)
	AddItem(ctx context.Context, it *announce.Item) error
	Compose(ctx context.Context, ym announce.YM, late bool) (*announce.Announcement, error)
	Push(ctx context.Context, ym announce.YM, trigger, by string, late bool) (*announce.Delivery, error)
	Deliveries(ctx context.Context, limit int) ([]*announce.Delivery, error)
	Broadcast(ctx context.Context, text, audience string) (*unionbot.Notice, error)
}

// MaxPlanBody is the largest plan text the import reads.
const MaxPlanBody = 1 << 20

func queryYear(r *http.Request) (int, error) {
	y, err := strconv.Atoi(r.URL.Query().Get("year"))
	if err != nil || y < 2000 || y > 2999 {
		return 0, unionbot.Errorf(unionbot.EINVALID, "请在地址中给出年份，如 ?year=2026。")
	}
	return y, nil
}

func queryMonth(r *http.Request) (announce.YM, error) {
	if r.URL.Query().Get("month") == "" {
		return announce.YM{}, unionbot.Errorf(unionbot.EINVALID, "请在地址中给出月份，如 ?month=2026-12。")
	}
	return announce.ParseYM(r.URL.Query().Get("month"))
}

// POST /api/plans/import?year=2026[&dry_run=1], plain-text body: the plan.
func (s *Server) importPlan(w http.ResponseWriter, r *http.Request) error {
	year, err := queryYear(r)
	if err != nil {
		return err
	}
	body, err := readBody(w, r, MaxPlanBody)
	if err != nil {
		return err
	}
	dry, _ := strconv.ParseBool(r.URL.Query().Get("dry_run"))
	p, res, err := s.Announce.Import(r.Context(), string(body), year, dry)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if !dry && res.Added+res.Removed > 0 {
		status = http.StatusCreated
	}
	writeJSON(w, status, map[string]any{"year": year, "dry_run": dry, "months": p.Months, "warnings": p.Warnings,
		"added": res.Added, "removed": res.Removed, "unchanged": res.Unchanged})
	return nil
}

type itemJSON struct {
	ID       int64  `json:"id"`
	Year     int    `json:"year"`
	Month    int    `json:"month"`
	Day      int    `json:"day,omitempty"`
	Title    string `json:"title"`
	Details  string `json:"details,omitempty"`
	Audience string `json:"audience,omitempty"`
	EventID  int64  `json:"event_id,omitempty"`
	Source   string `json:"source"`
}

func toItemJSON(it *announce.Item) itemJSON {
	return itemJSON{ID: it.ID, Year: it.Year, Month: it.Month, Day: it.Day, Title: it.Title, Details: it.Details,
		Audience: it.Audience, EventID: it.EventID, Source: it.Source}
}

// GET /api/plans?year=2026[&month=3]: the calendar.
func (s *Server) listPlanItems(w http.ResponseWriter, r *http.Request) error {
	year, err := queryYear(r)
	if err != nil {
		return err
	}
	month := 0
	if v := r.URL.Query().Get("month"); v != "" {
		if month, err = strconv.Atoi(v); err != nil || month < 1 || month > 12 {
			return unionbot.Errorf(unionbot.EINVALID, "month 应为 1 到 12。")
		}
	}
	items, err := s.Announce.Items(r.Context(), year, month)
	if err != nil {
		return err
	}
	out := make([]itemJSON, len(items))
	for i, it := range items {
		out[i] = toItemJSON(it)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
	return nil
}

// POST /api/plans/items {year, month, day, title, details, audience, event_id}:
// an activity entered by hand, which imports never replace.
func (s *Server) addPlanItem(w http.ResponseWriter, r *http.Request) error {
	var in itemJSON
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	it := &announce.Item{Year: in.Year, Month: in.Month, Day: in.Day, Title: in.Title, Details: in.Details,
		Audience: in.Audience, EventID: in.EventID}
	if err := s.Announce.AddItem(r.Context(), it); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toItemJSON(it))
	return nil
}

// POST /api/announcements/preview?month=2026-12
func (s *Server) previewAnnouncement(w http.ResponseWriter, r *http.Request) error {
	ym, err := queryMonth(r)
	if err != nil {
		return err
	}
	a, err := s.Announce.Compose(r.Context(), ym, false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"month": ym.String(), "title": a.Title, "markdown": a.Markdown,
		"text": a.Text, "count": a.Count})
	return nil
}

// POST /api/announcements/send?month=2026-12: 409 when it was sent already.
func (s *Server) sendAnnouncement(w http.ResponseWriter, r *http.Request) error {
	ym, err := queryMonth(r)
	if err != nil {
		return err
	}
	d, err := s.Announce.Push(r.Context(), ym, announce.TriggerAPI, "api", false)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, toDeliveryJSON(d))
	return nil
}

type deliveryJSON struct {
	Month     string       `json:"month"`
	Late      bool         `json:"late"`
	Trigger   string       `json:"trigger"`
	By        string       `json:"by,omitempty"`
	Items     int          `json:"items"`
	CreatedAt time.Time    `json:"created_at"`
	Notices   []noticeJSON `json:"notices"`
}

func toDeliveryJSON(d *announce.Delivery) deliveryJSON {
	out := deliveryJSON{Month: d.Month.String(), Late: d.Late, Trigger: d.Trigger, By: d.By, Items: d.Items,
		CreatedAt: d.CreatedAt, Notices: []noticeJSON{}}
	for _, n := range d.Notices {
		ch := n.Channel
		if ch == "" {
			ch = "wecom"
		}
		out.Notices = append(out.Notices, noticeJSON{ID: n.ID, Kind: n.Kind, Ref: n.Ref, Channel: ch, Status: n.Status,
			Attempts: n.Attempts, ErrCode: n.LastCode, Error: n.LastErr, Recipients: len(n.ToUsers), CreatedAt: n.CreatedAt,
			SentAt: n.SentAt})
	}
	return out
}

// GET /api/announcements: the monthly announcements with each message's
// attempts and WeCom errcode.
func (s *Server) listAnnouncements(w http.ResponseWriter, r *http.Request) error {
	ds, err := s.Announce.Deliveries(r.Context(), 36)
	if err != nil {
		return err
	}
	out := make([]deliveryJSON, len(ds))
	for i, d := range ds {
		out[i] = toDeliveryJSON(d)
	}
	writeJSON(w, http.StatusOK, map[string]any{"announcements": out})
	return nil
}

// POST /api/broadcasts {"text", "audience"}: an ad-hoc message through the
// outbox; audience is all, department:ID, tag:ID or users:a,b.
func (s *Server) broadcast(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Text     string `json:"text"`
		Audience string `json:"audience"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	n, err := s.Announce.Broadcast(r.Context(), in.Text, in.Audience)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"id": n.ID, "ref": n.Ref, "status": n.Status})
	return nil
}
