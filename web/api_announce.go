package web

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"unionbot"
	"unionbot/handlers/announce"
)

// AnnounceService is the calendar and monthly announcement feature.
type AnnounceService interface {
	ImportFile(ctx context.Context, req announce.ImportRequest) (*announce.ImportReport, error)
	Items(ctx context.Context, year, month int) ([]*announce.Item, error)
	AddItem(ctx context.Context, it *announce.Item) error
	Compose(ctx context.Context, ym announce.YM, late bool) (*announce.Announcement, error)
	Push(ctx context.Context, ym announce.YM, trigger, by string, late bool) (*announce.Delivery, error)
	Deliveries(ctx context.Context, limit int) ([]*announce.Delivery, error)
	Broadcast(ctx context.Context, text, audience string) (*unionbot.Notice, error)
}

// MaxPlanBody is the largest plan file or text the import reads (a Word
// file with a picture or two fits).
const MaxPlanBody = 16 << 20

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

// POST /api/plans/import?year=2026[&dry_run=1][&part=2]: the plan as the
// body (plain text in UTF-8, UTF-16 or GBK, or a Word file as
// application/vnd.openxmlformats-officedocument.wordprocessingml.document),
// or as the "file" (or "text") field of a multipart upload.
func (s *Server) importPlan(w http.ResponseWriter, r *http.Request) error {
	year, err := queryYear(r)
	if err != nil {
		return err
	}
	part := 0
	if v := r.URL.Query().Get("part"); v != "" {
		if part, err = strconv.Atoi(v); err != nil || part < 1 {
			return unionbot.Errorf(unionbot.EINVALID, "part 应为从 1 开始的篇号，如 ?part=2。")
		}
	}
	name, data, err := readPlanUpload(w, r)
	if err != nil {
		return err
	}
	dry, _ := strconv.ParseBool(r.URL.Query().Get("dry_run"))
	rep, err := s.Announce.ImportFile(r.Context(), announce.ImportRequest{Name: name, Data: data, Year: year, Part: part, DryRun: dry})
	if err != nil {
		return err
	}
	status := http.StatusOK
	out := planImportJSON(rep, year, dry)
	if !dry && out.Added+out.Changed+out.Removed > 0 {
		status = http.StatusCreated
	}
	writeJSON(w, status, out)
	return nil
}

// readPlanUpload returns the uploaded plan: a multipart "file" (with its
// name) or "text" field, or the body itself.
func readPlanUpload(w http.ResponseWriter, r *http.Request) (string, []byte, error) {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt != "multipart/form-data" {
		b, err := readBody(w, r, MaxPlanBody)
		return "", b, err
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxPlanBody)
	if err := r.ParseMultipartForm(MaxPlanBody); err != nil {
		return "", nil, unionbot.Errorf(unionbot.EINVALID, "上传的内容无法读取或超过 %d 字节。", MaxPlanBody)
	}
	if f, h, err := r.FormFile("file"); err == nil {
		defer f.Close()
		b, err := io.ReadAll(f)
		if err != nil {
			return "", nil, fmt.Errorf("read uploaded plan: %w", err)
		}
		return h.Filename, b, nil
	}
	if t := r.FormValue("text"); t != "" {
		return "", []byte(t), nil
	}
	return "", nil, unionbot.Errorf(unionbot.EINVALID, "请上传工作计划文件（file 字段）或粘贴全文（text 字段）。")
}

// planImport is the answer of POST /api/plans/import.
type planImport struct {
	Year     int                 `json:"year"`
	DryRun   bool                `json:"dry_run"`
	Format   string              `json:"format"`
	Months   []announce.Month    `json:"months"`
	Warnings []string            `json:"warnings"`
	Unplaced []announce.Unplaced `json:"unplaced"`
	Lines    int                 `json:"lines"`
	Placed   int                 `json:"placed"`
	Parts    []announce.Part     `json:"parts,omitempty"`
	Diff     *planDiffJSON       `json:"diff,omitempty"`
	// Counts of the diff, as before the diff was there.
	Added     int `json:"added"`
	Changed   int `json:"changed"`
	Removed   int `json:"removed"`
	Unchanged int `json:"unchanged"`
}

type planDiffJSON struct {
	Added   []itemJSON       `json:"added"`
	Changed []planChangeJSON `json:"changed"`
	Removed []itemJSON       `json:"removed"`
}

type planChangeJSON struct {
	itemJSON
	From string `json:"from"`
	Kept bool   `json:"kept"`
}

func planImportJSON(rep *announce.ImportReport, year int, dry bool) planImport {
	p := rep.Plan
	out := planImport{Year: year, DryRun: dry, Format: rep.Format, Months: p.Months, Warnings: p.Warnings,
		Unplaced: p.Unplaced, Lines: p.Lines, Placed: p.Placed, Parts: p.Parts}
	if d := rep.Diff; d != nil {
		out.Diff = &planDiffJSON{Added: []itemJSON{}, Changed: []planChangeJSON{}, Removed: []itemJSON{}}
		for _, it := range d.Added {
			out.Diff.Added = append(out.Diff.Added, toItemJSON(it))
		}
		for _, c := range d.Changed {
			out.Diff.Changed = append(out.Diff.Changed, planChangeJSON{itemJSON: toItemJSON(c.Item), From: c.From, Kept: c.Kept})
		}
		for _, it := range d.Removed {
			out.Diff.Removed = append(out.Diff.Removed, toItemJSON(it))
		}
		out.Added, out.Changed, out.Removed, out.Unchanged = len(d.Added), len(d.Changed), len(d.Removed), d.Unchanged
	}
	return out
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
	Changed  bool   `json:"changed,omitempty"`
}

func toItemJSON(it *announce.Item) itemJSON {
	return itemJSON{ID: it.ID, Year: it.Year, Month: it.Month, Day: it.Day, Title: it.Title, Details: it.Details,
		Audience: it.Audience, EventID: it.EventID, Source: it.Source, Changed: it.Changed}
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
