package bot_test

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzRouter: whatever a teacher types (commands with odd arguments, menu
// numbers, full-width digits, traditional characters, control bytes), the
// router answers without a panic, always says something, and a reply
// stays valid UTF-8 within a WeCom message.
func FuzzRouter(f *testing.F) {
	for _, s := range []string{"报名羽毛球", "我要报名 2", "取消报名", "１", "99999999999999999999", "帮助", "提建议", "活动",
		"發布活動", "体检什么时候", "下一页", "取消", "\x00\xff", "报名\u3000\u3000", "我想", "让路"} {
		f.Add("t001", s)
		f.Add("boss", s)
	}
	b, _ := newTestBot(f)
	f.Fuzz(func(t *testing.T, user, text string) {
		if user == "" || !utf8.ValidString(user) || len(user) > 64 {
			return
		}
		got := say(b, user, text)
		if strings.TrimSpace(got) == "" {
			t.Fatalf("%q got no reply", text)
		}
		if !utf8.ValidString(got) || len(got) > 2048 {
			t.Fatalf("%q: reply of %d bytes, valid UTF-8 %v", text, len(got), utf8.ValidString(got))
		}
	})
}
