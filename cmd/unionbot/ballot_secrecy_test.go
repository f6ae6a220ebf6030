package main

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"unionbot/bot/wecom/fakewecom"
)

// TestBallotSecrecy: three representatives (in the address book, with
// names and departments) vote through the whole flow, their ballot closes
// and is published; then every admin output — each ballot endpoint while
// open and after, the Excel export unzipped, the delivery log, the console
// pages and downloads, what admins were sent, and the program's debug log
// — is searched for a voter's id, name or department, and for a voter's
// receipt beside their id. The session store keeps no choices after
// 确认投票, and no stored notice carries a voter's receipt.
func TestBallotSecrecy(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_LOG_LEVEL": "debug", "UNIONBOT_RATE_LIMIT": "0"})
	type voter struct{ id, name, dept, motion, pick, rating string }
	voters := []voter{
		{"zhao5566", "赵小明", "数学教研组", "1", "1", "1"},
		{"qian7788", "钱小红", "语文教研组", "2", "2", "3"},
		{"sun9900", "孙小刚", "体育教研组", "3", "弃权", "4"},
	}
	h.Fake.AddUser(fakewecom.User{UserID: testAdmin, Name: "工会主席", Department: []int{1}})
	for i, v := range voters {
		h.Fake.AddDepartment(10+i, v.dept)
		h.Fake.AddUser(fakewecom.User{UserID: v.id, Name: v.name, Department: []int{10 + i}})
		mustMember(t, h, v.id, v.name, v.dept)
		MustAPI(t, h, "PATCH", "/api/members/"+v.id, `{"tags":["教代会代表"]}`, 200)
	}
	questions := congressQuestions + "," + reviewQuestions
	id := mustBallot(t, h, "教代会表决与评议", "教代会代表", questions, h.Now().Add(48*time.Hour))
	path := fmt.Sprintf("/api/ballots/%d", id)
	outputs := map[string]string{}
	outputs["while open "+path] = string(MustAPI(t, h, "GET", path, "", 200))
	receipts := map[string]string{}
	for _, v := range voters {
		receipts[v.id] = vote(t, h, v.id, "", []string{v.motion, "1", v.pick, v.rating, "2", "3", "食堂排队太久"})
		if s, err := h.DB.LoadSession(t.Context(), v.id); err == nil && (s.Flow != "" || len(s.State) > 0) {
			t.Errorf("%s's session after 确认投票 still holds %s %s", v.id, s.Flow, s.State)
		}
		outputs["while open, after "+v.id+" "+path] = string(MustAPI(t, h, "GET", path, "", 200))
	}
	outputs["close"] = string(MustAPI(t, h, "POST", path+"/close", "", 200))
	h.Fake.WaitSent(1, 5*time.Second, func(s fakewecom.Sent) bool { return strings.Contains(s.Content, "投票结果") })

	for _, p := range []string{"/api/ballots", path, path + "/result", "/api/notices", "/api/notices?kind=ballot"} {
		outputs[p] = string(MustAPI(t, h, "GET", p, "", 200))
	}
	unzip := func(name string, xlsx []byte) {
		zr, err := zip.NewReader(bytes.NewReader(xlsx), int64(len(xlsx)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, f := range zr.File {
			rc, _ := f.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			outputs[name+" "+f.Name] = string(b)
		}
	}
	unzip("export", MustAPI(t, h, "GET", path+"/export?format=xlsx", "", 200))
	console := fmt.Sprintf("/admin/ballots/%d", id)
	for _, p := range []string{"/admin", "/admin/ballots", console, console + "/result"} {
		outputs["console "+p] = consoleGet(t, h, p)
	}
	unzip("console export", []byte(consoleGet(t, h, console+"/export")))
	for _, m := range h.Fake.Sent() {
		if m.ToUser == testAdmin {
			outputs["notice to admin: "+clipTest(m.Content)] = m.Content
		}
	}
	outputs["log"] = h.Stderr.String()

	if !strings.Contains(outputs[path+"/result"], "食堂排队太久") || !strings.Contains(outputs["console "+console], "中层干部民主评议") {
		t.Fatalf("the outputs searched do not show the ballot:\n%s", outputs[path+"/result"])
	}
	for where, out := range outputs {
		for _, v := range voters {
			for _, secret := range []string{v.id, v.name, v.dept} {
				if strings.Contains(out, secret) {
					t.Errorf("%s shows voter %s's %q:\n%s", where, v.id, secret, clipAround(out, secret))
				}
			}
		}
	}
	for _, v := range voters {
		code := strings.ReplaceAll(receipts[v.id], "-", "")
		if strings.Contains(outputs["log"], code) || strings.Contains(outputs["log"], receipts[v.id]) {
			t.Errorf("the log shows %s's receipt", v.id)
		}
		for _, m := range h.Fake.SentTo(v.id) {
			if strings.Contains(m.Content, receipts[v.id]) || strings.Contains(m.Content, code) {
				t.Errorf("an active message to %s carries their receipt: %q", v.id, m.Content)
			}
		}
	}
	notices, err := h.DB.ListNotices(t.Context(), "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range notices {
		for _, v := range voters {
			code := strings.ReplaceAll(receipts[v.id], "-", "")
			if strings.Contains(n.Text, receipts[v.id]) || strings.Contains(n.Text, code) {
				t.Errorf("stored notice %d (%s, to %v) carries %s's receipt", n.ID, n.Kind, n.ToUsers, v.id)
			}
		}
	}
}
