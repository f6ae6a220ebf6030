package bot

import "testing"

// TestPassiveOutcome: a passive reply is recorded bare unless it would read
// as another outcome, and every recorded form reads back as what it was,
// including the marked form recorded before replies went bare.
func TestPassiveOutcome(t *testing.T) {
	for _, reply := range []string{"工会助手可以帮您：", "A", "N", "P:", "P:报名成功", "P", "AN", " ", "C:", "C:某某", "Q: 会费？", "c:小写"} {
		out := passiveOutcome(reply)
		if got, ok := passiveReply(out); !ok || got != reply {
			t.Errorf("reply %q recorded as %q reads back as %q, %v", reply, out, got, ok)
		}
		if got, ok := passiveReply(outcomePassive + reply); !ok || got != reply { // recorded by an earlier version
			t.Errorf("marked reply %q reads back as %q, %v", reply, got, ok)
		}
	}
	if passiveOutcome("帮助菜单") != "帮助菜单" {
		t.Error("an ordinary reply is copied behind a mark")
	}
	for _, out := range []string{"", outcomeActive, outcomeNone, "C:4f1c9a2b7e"} { // the last: Redis's claim, no outcome yet
		if r, ok := passiveReply(out); ok || r != "" {
			t.Errorf("outcome %q read as passive reply %q", out, r)
		}
	}
}
