package signup

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"unionbot"
)

// Roster is an event with its live entries: confirmed (and 待确认) in
// arrival order, then the waitlist in its order; on a rotation event
// before its draw, the registered teachers.
type Roster struct {
	Event      *Event
	Confirmed  []*Entry
	Waitlist   []*Entry
	Registered []*Entry
}

// Roster reads an event's roster; ENOTFOUND for an unknown id.
func (s *Service) Roster(ctx context.Context, id int64) (*Roster, error) {
	ev, err := s.Store.FindEvent(ctx, id)
	if err != nil {
		return nil, err
	}
	entries, err := s.Store.ListEntries(ctx, id, "")
	if err != nil {
		return nil, err
	}
	r := &Roster{Event: ev}
	for _, x := range entries {
		switch x.Status {
		case EntryWaiting:
			r.Waitlist = append(r.Waitlist, x)
		case EntryRegistered:
			r.Registered = append(r.Registered, x)
		default:
			r.Confirmed = append(r.Confirmed, x)
		}
	}
	return r, nil
}

// Count is a tally of a roster or of one department in it.
type Count struct {
	Confirmed  int `json:"confirmed"`
	Waitlist   int `json:"waitlist"`
	Companions int `json:"companions"`
	CheckedIn  int `json:"checked_in"`
	Pending    int `json:"pending"` // of Confirmed, promoted and awaiting 确认参加
}

// Stats counts the roster in total and by department (工会小组), for
// rating the groups; entries without a department count as 未登记.
func (r *Roster) Stats() (total Count, byDept map[string]*Count) {
	byDept = map[string]*Count{}
	add := func(x *Entry) {
		d := x.Department
		if d == "" {
			d = txtNoDepartment
		}
		if byDept[d] == nil {
			byDept[d] = &Count{}
		}
		for _, c := range []*Count{byDept[d], &total} {
			if x.Status == EntryWaiting || x.Status == EntryRegistered {
				c.Waitlist++
				continue
			}
			if x.Status == EntryPending {
				c.Pending++
			}
			c.Confirmed++
			c.Companions += x.Companions
			if x.CheckedIn {
				c.CheckedIn++
			}
		}
	}
	for _, x := range r.Confirmed {
		add(x)
	}
	for _, x := range append(r.Waitlist, r.Registered...) {
		add(x)
	}
	return total, byDept
}

// rows is one sheet of the roster: the header, then a row an entry.
func (r *Roster) rows(loc *time.Location, status string, entries []*Entry) [][]string {
	e := r.Event
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
		st := status
		switch x.Status {
		case EntryPending:
			st = PendingLabel(x, loc)
		case EntryRegistered:
			st = EntryRegistered
		}
		row := []string{st, strconv.Itoa(i + 1), x.UserID, x.Name, x.Department, strconv.Itoa(x.Companions),
			x.SignedUpAt.In(loc).Format("2006-01-02 15:04:05"), in}
		for _, f := range e.Fields {
			row = append(row, x.Fields[f.Name])
		}
		if e.IsTeam() {
			names := make([]string, len(x.Members))
			for i, m := range x.Members {
				names[i] = m.Name + "（" + m.Status + "）"
			}
			row = append(row, x.Team, strings.Join(names, "、"), strconv.Itoa(x.Accepted()))
		}
		rows = append(rows, row)
	}
	return rows
}

// FileName is the roster's download name, e.g. 羽毛球赛报名表.xlsx.
func (r *Roster) FileName(ext string) string { return r.Event.Title + "报名表." + ext }

// WriteCSV writes the roster as CSV with a byte-order mark, so that Excel
// reads the UTF-8.
func (r *Roster) WriteCSV(w io.Writer, loc *time.Location) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	cw := csv.NewWriter(&buf)
	all := append(r.rows(loc, EntryConfirmed, r.Confirmed), r.rows(loc, EntryWaiting, r.Waitlist)[1:]...)
	all = append(all, r.rows(loc, EntryRegistered, r.Registered)[1:]...)
	for _, row := range all {
		cw.Write(unionbot.SafeCSVRow(row))
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("roster csv: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// WriteXLSX writes the roster as a workbook: 已报名 and 候补 sheets.
func (r *Roster) WriteXLSX(w io.Writer, loc *time.Location) error {
	f := excelize.NewFile()
	defer f.Close()
	for i, sheet := range []struct {
		name    string
		entries []*Entry
	}{{EntryConfirmed, r.Confirmed}, {EntryWaiting, r.Waitlist}, {EntryRegistered, r.Registered}} {
		if sheet.name == EntryRegistered && len(sheet.entries) == 0 {
			continue
		}
		if i == 0 {
			f.SetSheetName("Sheet1", sheet.name)
		} else if _, err := f.NewSheet(sheet.name); err != nil {
			return fmt.Errorf("roster sheet: %w", err)
		}
		for n, row := range r.rows(loc, sheet.name, sheet.entries) {
			cell, _ := excelize.CoordinatesToCellName(1, n+1)
			vals := make([]any, len(row))
			for k := range row {
				vals[k] = row[k]
			}
			if err := f.SetSheetRow(sheet.name, cell, &vals); err != nil {
				return fmt.Errorf("roster row: %w", err)
			}
		}
	}
	return f.Write(w)
}

// PendingLabel is how a roster shows a promoted teacher who has not yet
// confirmed: 待确认（至 2026-12-02 14:00）.
func PendingLabel(x *Entry, loc *time.Location) string {
	return EntryPending + "（至 " + x.ConfirmBy.In(loc).Format("2006-01-02 15:04") + "）"
}
