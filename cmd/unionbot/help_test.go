package main

import (
	"strings"
	"testing"
)

// TestHelpForAdminsAndNoAdmins: 帮助 shows an admin their commands, grouped,
// with examples, and a teacher none; with no admin configured, 转人工 is
// offered nowhere (the menu, an unknown question, an answer's footer).
func TestHelpForAdminsAndNoAdmins(t *testing.T) {
	h := MustRunMain(t, "sqlite", nil)
	admin, teacher := h.MustSay(t, testAdmin, "帮助"), h.MustSay(t, "t1", "帮助")
	for _, want := range []string{"管理员命令", "发布活动", "修改名额 1 30", "回复 JY-2026-0001", "答复 3"} {
		if !strings.Contains(admin, want) {
			t.Errorf("admin's 帮助 lacks %q:\n%s", want, admin)
		}
	}
	if strings.Contains(teacher, "管理员命令") || !strings.Contains(teacher, "转人工") {
		t.Errorf("teacher's 帮助:\n%s", teacher)
	}

	h2 := MustRunMain(t, "sqlite", map[string]string{"UNIONBOT_ADMINS": ""})
	if got := h2.MustSay(t, "t1", "帮助"); strings.Contains(got, "转人工") {
		t.Errorf("帮助 offers 转人工 with no admin to answer:\n%s", got)
	}
	if got := h2.MustSay(t, "t1", "学校游泳馆周末几点开门"); strings.Contains(got, "转人工") || !strings.Contains(got, "还不会回答") {
		t.Errorf("an unknown question offers 转人工 with no admin: %q", got)
	}
	if !strings.Contains(h2.Stderr.String(), "UNIONBOT_ADMINS is empty") {
		t.Error("no start-up warning that nobody is an admin")
	}
}

// TestAnnouncementWithoutWeCom: with WeCom not configured, sending the
// monthly announcement is refused with the reason in Chinese and does not
// use up the month.
func TestAnnouncementWithoutWeCom(t *testing.T) {
	h := MustRunMain(t, "sqlite", map[string]string{"WECOM_SECRET": "", "UNIONBOT_DB": mustCalendarDB(t, "sqlite"),
		"test.clock": "2026-12-03T10:00:00+08:00"})
	b := MustAPI(t, h, "POST", "/api/announcements/send?month=2026-12", "", 503)
	if !strings.Contains(string(b), "企业微信还没有配置") {
		t.Fatalf("send without WeCom: %s", b)
	}
	if b := MustAPI(t, h, "GET", "/api/announcements", "", 200); strings.Contains(string(b), "2026-12") {
		t.Fatalf("the refused send used up the month: %s", b)
	}
}
