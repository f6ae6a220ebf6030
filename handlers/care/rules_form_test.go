package care

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The console's rules form reads back what it shows, takes the ways a
// chair writes amounts, and names the line it cannot read.
func TestRulesForm(t *testing.T) {
	r := Rules{Kinds: []Kind{{"生病住院", []int64{15000, 10000, 5000}}, {"结婚", []int64{50050}}, {"意外", nil}}, YearCount: 3, YearTotalFen: 80000}
	f := FormOf(r)
	if f.Kinds != "生病住院 150/100/50\n结婚 500.50\n意外" || f.YearCount != "3" || f.YearTotalYuan != "800" {
		t.Fatalf("form = %+v", f)
	}
	got, err := f.Rules()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Fatalf("round trip (-want +got):\n%s", diff)
	}
	got, err = RulesForm{Kinds: "生病住院：150元、100元、50元\r\n\n 结婚 500\n", YearTotalYuan: "800元", OnePaidPerYear: true}.Rules()
	if err != nil || len(got.Kinds) != 2 || !cmp.Equal(got.Kinds[0].AmountsFen, []int64{15000, 10000, 5000}) || got.YearTotalFen != 80000 || !got.OnePaidPerYear {
		t.Fatalf("Chinese punctuation: %+v, %v", got, err)
	}
	for _, tc := range []struct {
		f    RulesForm
		want string
	}{
		{RulesForm{Kinds: "生病住院 150\n结婚 五百"}, "第 2 行“结婚 五百”看不懂"},
		{RulesForm{Kinds: "生病住院 150", YearCount: "三"}, "每年次数上限“三”看不懂"},
		{RulesForm{Kinds: "生病住院 150", YearTotalYuan: "-5"}, "每年金额上限“-5”看不懂"},
		{RulesForm{Kinds: "\n"}, txtNoKinds},
	} {
		if _, err := tc.f.Rules(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%+v: %v, want %q", tc.f, err, tc.want)
		}
	}
}
