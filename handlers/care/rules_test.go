package care_test

import (
	"strings"
	"testing"

	"unionbot"
	"unionbot/handlers/care"
)

// TestCheckPayment: the money rule on its own, one case a row: the
// earlier payments of the member's year, the payment, and the amount
// paid or the refusal (its code and a piece of its sentence).
func TestCheckPayment(t *testing.T) {
	base := care.Rules{Kinds: []care.Kind{
		{Name: "生病住院", AmountsFen: []int64{15000, 10000, 5000}},
		{Name: "结婚", AmountsFen: []int64{50000}},
		{Name: "意外"},
	}}
	capped := base
	capped.YearCount, capped.YearTotalFen = 2, 60000
	once := base
	once.OnePaidPerYear = true
	paid := func(kind string, fen int64) care.Payment { return care.Payment{Kind: kind, AmountFen: fen} }
	for _, tc := range []struct {
		name     string
		rules    care.Rules
		earlier  []care.Payment
		pay      care.Payment
		wantFen  int64
		wantCode string
		wantText string
	}{
		{"first stay gets 150", base, nil, care.Payment{Kind: "生病住院"}, 15000, "", ""},
		{"third stay gets 50", base, []care.Payment{paid("生病住院", 15000), paid("生病住院", 10000)}, care.Payment{Kind: "生病住院"}, 5000, "", ""},
		{"fourth stay refused", base, []care.Payment{paid("生病住院", 15000), paid("生病住院", 10000), paid("生病住院", 5000)},
			care.Payment{Kind: "生病住院"}, 0, unionbot.EFORBIDDEN, "第3次50元"},
		{"less than the standard is fine", base, nil, care.Payment{Kind: "结婚", AmountFen: 30000}, 30000, "", ""},
		{"more than the standard refused", base, nil, care.Payment{Kind: "结婚", AmountFen: 60000}, 0, unionbot.EFORBIDDEN, "标准为500元"},
		{"goods only, no standard filled in", base, nil, care.Payment{Kind: "结婚", Goods: "喜糖"}, 0, "", ""},
		{"no standard needs an amount", base, nil, care.Payment{Kind: "意外"}, 0, unionbot.EINVALID, "金额"},
		{"unknown kind", base, nil, care.Payment{Kind: "升学"}, 0, unionbot.EINVALID, "可选"},
		{"yearly count", capped, []care.Payment{paid("意外", 100), paid("意外", 100)}, care.Payment{Kind: "意外", AmountFen: 100}, 0, unionbot.EFORBIDDEN, "最多2次"},
		{"yearly total", capped, []care.Payment{paid("结婚", 50000)}, care.Payment{Kind: "意外", AmountFen: 20000}, 0, unionbot.EFORBIDDEN, "600元的上限"},
		{"yearly total met exactly", capped, []care.Payment{paid("结婚", 50000)}, care.Payment{Kind: "意外", AmountFen: 10000}, 10000, "", ""},
		{"one paid visit a year", once, []care.Payment{paid("意外", 100)}, care.Payment{Kind: "结婚"}, 0, unionbot.EFORBIDDEN, "只能享受一次"},
		{"override passes and names the rule", once, []care.Payment{paid("意外", 100)}, care.Payment{Kind: "结婚", Override: "特殊情况"}, 50000, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.pay
			p.Name, p.Year = "张老师", 2026
			err := care.CheckPayment(tc.rules, tc.earlier, &p)
			if code := unionbot.ErrorCode(err); code != tc.wantCode || !strings.Contains(unionbot.ErrorMessage(err), tc.wantText) {
				t.Fatalf("err = %v, want code %q with %q", err, tc.wantCode, tc.wantText)
			}
			if err == nil && p.AmountFen != tc.wantFen {
				t.Fatalf("paid %d 分, want %d", p.AmountFen, tc.wantFen)
			}
			if tc.pay.Override != "" && (p.Broken == "" || p.Override == "") {
				t.Fatalf("override kept %q for rule %q, want both", p.Override, p.Broken)
			}
		})
	}
}
