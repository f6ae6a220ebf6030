package wxcrypt

import (
	"strings"
	"testing"
	"time"
)

// BenchmarkSealOpen is the crypto every callback does: open the
// platform's envelope, seal the reply.
func BenchmarkSealOpen(b *testing.B) {
	box := mustBox(b)
	plain := []byte("<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Content><![CDATA[" + strings.Repeat("帮助", 100) + "]]></Content></xml>")
	env, err := box.Seal(plain, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), "nonce")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := box.Open(env); err != nil {
			b.Fatal(err)
		}
		if _, err := box.Seal(plain, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), "nonce"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSealText is a passive reply of the 帮助 menu's size, sealed and
// its envelope recycled.
func BenchmarkSealText(b *testing.B) {
	box := mustBox(b)
	content := strings.Repeat("回复“报名 1”参加活动。", 30)
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		env, err := box.SealText("zhangsan", "wx5823bf96d3bd56c7", content, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC), "nonce")
		if err != nil {
			b.Fatal(err)
		}
		Recycle(env) // as the callbacks do once the reply is written
	}
}
