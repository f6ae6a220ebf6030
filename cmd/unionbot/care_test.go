package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"unionbot"
	"unionbot/bot/wecom/fakewecom"
)

// careAPI calls a care route as staff member by (ActorHeader) and checks
// the status.
func careAPI(tb testing.TB, h *harness, by, method, path, body string, want int) []byte {
	tb.Helper()
	req, _ := http.NewRequest(method, h.URL()+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testAPIKey)
	if by != "" {
		req.Header.Set("X-Unionbot-User", by)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		tb.Fatalf("%s %s as %q: status %d, want %d: %s", method, path, by, res.StatusCode, want, b)
	}
	return b
}

// mustCareStaff makes c001 a care staff member (granted by the admin
// token) with the hospital rule 150/100/50元 within a year.
func mustCareStaff(t *testing.T, h *harness) {
	t.Helper()
	for _, m := range []*unionbot.Member{{UserID: "c001", Name: "关怀干事"}, {UserID: "t001", Name: "张老师", Department: "语文组"},
		{UserID: "t002", Name: "李老师", Department: "数学组"}} {
		if err := h.DB.SaveMember(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	MustAPI(t, h, "PUT", "/api/members/c001/care", "", 200)
	careAPI(t, h, "c001", "PUT", "/api/care/rules", `{"kinds":[{"name":"生病住院","amounts_fen":[15000,10000,5000]},{"name":"结婚","amounts_fen":[50000]}]}`, 200)
}

// TestCareCaseEndToEnd: a teacher reports a colleague in hospital by chat
// (a real encrypted callback), staff take it in chat, then visit, pay and
// close it through the API; every step is in the case's log and the
// reporter was told of each. A third stay that year is paid 50元, a
// fourth refused with the rule named; the year's ledger in Excel totals
// exactly what was paid, by kind and by department.
func TestCareCaseEndToEnd(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_RATE_LIMIT": "0", "test.clock": "2026-03-02T01:00:00Z"})
	mustCareStaff(t, h)
	for _, say := range []string{"报告慰问", "张老师", "1"} {
		h.MustSay(t, "t002", say)
	}
	if got := h.MustSay(t, "t002", "昨晚住院，市一医院"); !strings.Contains(got, "登记为第1号") || !strings.Contains(got, "接下来") {
		t.Fatalf("report: %q, want the case number and what happens next", got)
	}
	if got := h.MustSay(t, "c001", "认领 1"); !strings.Contains(got, "已受理第1号") {
		t.Fatalf("claim: %q", got)
	}
	careAPI(t, h, "c001", "POST", "/api/care/cases/1/visit", `{"date":"2026-03-02","visitors":"关怀干事、工会主席","note":"送了水果"}`, 200)
	careAPI(t, h, "c001", "POST", "/api/care/cases/1/payments", `{"handler":"王会计","receipt_no":"R-001"}`, 200)
	b := careAPI(t, h, "c001", "POST", "/api/care/cases/1/close", `{"note":"已出院"}`, 200)
	var c struct {
		Status string
		Log    []struct{ Action, By string }
	}
	json.Unmarshal(b, &c)
	var steps []string
	for _, l := range c.Log {
		steps = append(steps, l.Action+"/"+l.By)
	}
	if got, want := strings.Join(steps, " "), "报告/t002 指派/c001 探望/c001 发放/c001 结案/c001"; c.Status != "已结案" || got != want {
		t.Fatalf("case %s, log %s; want 已结案 with %s", c.Status, got, want)
	}
	h.Drain(t)
	// Drain delivers what is due, but a notice the background worker has
	// leased may still be on its way: wait for the four steps' notices.
	toReporter := func(m fakewecom.Sent) bool { return strings.Contains("|"+m.ToUser+"|", "|t002|") }
	var told []string
	for _, m := range h.Fake.WaitSent(4, 5*time.Second, toReporter) {
		told = append(told, m.Content)
	}
	for _, want := range []string{"已由关怀干事受理", "已探望", "已发放150元", "已结案"} {
		if !strings.Contains(strings.Join(told, "\n"), want) {
			t.Errorf("the reporter was told %q, want %q", told, want)
		}
	}
	if n := len(h.Fake.SentTo("t001")); n != 0 {
		t.Errorf("the colleague in hospital got %d messages about a report on them, want 0", n)
	}

	// The second and third stays of 2026, then a fourth.
	for i, want := range []string{"100元", "50元"} {
		id := mustStaffCase(t, h, "生病住院", "t001")
		b := careAPI(t, h, "c001", "POST", "/api/care/cases/"+id+"/payments", `{"handler":"王会计","receipt_no":"R-00`+strconv.Itoa(i+2)+`"}`, 200)
		if !bytes.Contains(b, []byte(`"note":"`+want)) {
			t.Fatalf("stay %d: %s, want paid %s", i+2, b, want)
		}
	}
	id := mustStaffCase(t, h, "生病住院", "t001")
	b = careAPI(t, h, "c001", "POST", "/api/care/cases/"+id+"/payments", `{"handler":"王会计"}`, 403)
	if !strings.Contains(string(b), "第1次150元、第2次100元、第3次50元") {
		t.Fatalf("fourth stay: %s, want the rule named", b)
	}
	id = mustStaffCase(t, h, "结婚", "t002")
	careAPI(t, h, "c001", "POST", "/api/care/cases/"+id+"/payments", `{"handler":"王会计","goods":"喜糖","amount_fen":20000}`, 200)

	x := careAPI(t, h, "c001", "GET", "/api/care/ledger?year=2026&format=xlsx", "", 200)
	f, err := excelize.OpenReader(bytes.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	// Looking at the ledger is logged, as reading a case is.
	if a := careAPI(t, h, "c001", "GET", "/api/care/access?ref=ledger:2026", "", 200); !bytes.Contains(a, []byte(`"by":"c001","action":"查看台账"`)) {
		t.Fatalf("ledger access log %s, want c001's export", a)
	}
	// The exported ledger, imported back, adds nothing: every row is there.
	b = careAPI(t, h, "c001", "POST", "/api/care/ledger/import?dry_run=1", string(x), 200)
	if !bytes.Contains(b, []byte(`"added":0`)) || bytes.Count(b, []byte(`"status":"已存在"`)) != 4 {
		t.Fatalf("re-import preview: %s, want 4 rows already there", b)
	}
	rows, _ := f.GetRows("慰问金台账")
	if len(rows) != 6 || strings.Join(rows[0], ",") != "日期,姓名,部门,类别,金额/物品,经办人,票据号,备注" {
		t.Fatalf("ledger rows %q, want the header, 4 payments and 合计", rows)
	}
	if got := rows[5]; got[0] != "合计" || got[4] != "500.00" {
		t.Fatalf("ledger total row %q, want 合计 500.00 (150+100+50+200)", got)
	}
	for sheet, want := range map[string]string{"按类别合计": "生病住院 3 300.00|结婚 1 200.00|合计 4 500.00",
		"按部门合计": "数学组 1 200.00|语文组 3 300.00|合计 4 500.00"} {
		rows, _ := f.GetRows(sheet)
		var got []string
		for _, r := range rows[1:] {
			got = append(got, strings.Join(r, " "))
		}
		if strings.Join(got, "|") != want {
			t.Errorf("%s: %q, want %q", sheet, got, want)
		}
	}
}

// mustStaffCase reports a case about subject through the API and has
// c001 take it; it returns the case's id.
func mustStaffCase(t *testing.T, h *harness, kind, subject string) string {
	t.Helper()
	b := careAPI(t, h, "c001", "POST", "/api/care/cases", fmt.Sprintf(`{"kind":%q,"subject_id":%q,"summary":"登记"}`, kind, subject), 201)
	var c struct{ ID int64 }
	json.Unmarshal(b, &c)
	id := strconv.FormatInt(c.ID, 10)
	careAPI(t, h, "c001", "POST", "/api/care/cases/"+id+"/assign", `{"to":"c001"}`, 200)
	return id
}
