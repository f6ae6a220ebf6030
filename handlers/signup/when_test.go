package signup

import (
	"testing"
	"time"
)

func TestParseWhen(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, cst) // a Wednesday
	for _, tc := range []struct{ in, want string }{
		{"2026-12-12 14:00", "2026-12-12 14:00"},
		{"2026/12/12 14:00", "2026-12-12 14:00"},
		{"12月12日 14:00", "2026-12-12 14:00"},
		{"12月12日下午2点", "2026-12-12 14:00"},
		{"十二月十二日下午两点", "2026-12-12 14:00"},
		{"1月5日 9:30", "2027-01-05 09:30"},
		{"明天上午9点", "2026-12-03 09:00"},
		{"后天 14:30", "2026-12-04 14:30"},
		{"下周六下午两点", "2026-12-12 14:00"},
		{"周五晚上7点半", "2026-12-04 19:30"},
		{"星期一 8:00", "2026-12-07 08:00"},
		{"１２月１２日　１４：００", "2026-12-12 14:00"},
	} {
		got, ok := ParseWhen(tc.in, now, cst)
		if !ok || got.Format("2006-01-02 15:04") != tc.want {
			t.Errorf("ParseWhen(%q) = %v, %v; want %s", tc.in, got.Format("2006-01-02 15:04"), ok, tc.want)
		}
	}
	for _, bad := range []string{"", "12月12日", "下周六", "2月30日 10:00", "25:00", "随便什么时候", "明天 25点"} {
		if got, ok := ParseWhen(bad, now, cst); ok {
			t.Errorf("ParseWhen(%q) = %v, want refused", bad, got)
		}
	}
}
