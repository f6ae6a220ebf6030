package signup

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"time"
)

// TestRosterCSVNeutralisesFormulas: names, departments and answers typed by
// teachers or taken from the address book never start a cell a
// spreadsheet would run.
func TestRosterCSVNeutralisesFormulas(t *testing.T) {
	hostile := []string{`=HYPERLINK("http://x","点我")`, "@SUM(1+1)*cmd|' /C calc'!A0", "+1", "-1+2", "\t=1", "\r=1"}
	ev := &Event{ID: 1, Title: "春游", Fields: []Field{{Name: "备注"}}}
	r := &Roster{Event: ev}
	for i, h := range hostile {
		r.Confirmed = append(r.Confirmed, &Entry{UserID: "t" + string(rune('a'+i)), Name: h, Department: h,
			Fields: map[string]string{"备注": h}, SignedUpAt: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)})
	}
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf, time.UTC); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(hostile)+1 {
		t.Fatalf("%d rows, want %d", len(rows), len(hostile)+1)
	}
	for i, row := range rows {
		for j, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("row %d cell %d = %q starts a formula", i, j, cell)
			}
		}
	}
	if got := rows[1][3]; got != "'"+hostile[0] {
		t.Fatalf("name cell = %q, want the name behind an apostrophe", got)
	}
}
