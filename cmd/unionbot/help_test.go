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
