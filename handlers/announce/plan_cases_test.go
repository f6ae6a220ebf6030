package announce_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"unionbot/handlers/announce"
	"unionbot/handlers/announce/announcetest"
)

func TestParsePlanForms(t *testing.T) {
	tests := []struct {
		name     string
		text     string
		want     []announce.Month
		warnings int
	}{
		{"same line, half-width colon", "1月份: 召开六届二次教职工代表大会",
			[]announce.Month{{2026, 1, []string{"召开六届二次教职工代表大会"}}}, 0},
		{"items below, full-width colon", "具体工作安排\n三月份：\n1、庆祝三八妇女节\n2、学习新《婚姻法》。\n",
			[]announce.Month{{2026, 3, []string{"庆祝三八妇女节", "学习新《婚姻法》"}}}, 0},
		{"chinese list range", "三、四月份\n1. 春季登山", []announce.Month{{2026, 3, []string{"春季登山"}}, {2026, 4, []string{"春季登山"}}}, 0},
		{"digit list range", "7、8月份：暑期疗养", []announce.Month{{2026, 7, []string{"暑期疗养"}}, {2026, 8, []string{"暑期疗养"}}}, 0},
		{"至 range of three", "七至九月份\n（1）读书月", []announce.Month{{2026, 7, []string{"读书月"}}, {2026, 8, []string{"读书月"}}, {2026, 9, []string{"读书月"}}}, 0},
		{"元月至二月", "元月至二月\n1、慰问老教师", []announce.Month{{2026, 1, []string{"慰问老教师"}}, {2026, 2, []string{"慰问老教师"}}}, 0},
		{"new year crossing", "十二、一月份\n1、迎新年联欢", []announce.Month{{2026, 12, []string{"迎新年联欢"}}, {2027, 1, []string{"迎新年联欢"}}}, 0},
		{"school year wraps", "各月工作安排:\n九月份:\n1、教师节\n一月份:\n1、新年联欢\n二月份：开学", []announce.Month{{2026, 9, []string{"教师节"}}, {2027, 1, []string{"新年联欢"}}, {2027, 2, []string{"开学"}}}, 0},
		{"traditional characters", "九月份:慶祝教師節", []announce.Month{{2026, 9, []string{"慶祝教師節"}}}, 0},
		{"full-width digits", "３月份：三八节；植树", []announce.Month{{2026, 3, []string{"三八节", "植树"}}}, 0},
		{"chinese-numbered items", "五月份\n一、劳动节表彰\n二、教工排球赛", []announce.Month{{2026, 5, []string{"劳动节表彰", "教工排球赛"}}}, 0},
		{"wrapped line joined with a warning", "十月份\n1、迎接上级检查指导基层学校三项制度执行情况和建\n家工作\n2、重阳节活动", []announce.Month{{2026, 10, []string{"迎接上级检查指导基层学校三项制度执行情况和建家工作", "重阳节活动"}}}, 1},
		{"prose after the schedule dropped", "十一月份\n1、健身月\n\n工会小组工作计划篇二\n认真学习贯彻……", []announce.Month{{2026, 11, []string{"健身月"}}}, 0},
		{"empty month warned", "六月份\n七月份\n1、暑期疗养", []announce.Month{{2026, 6, []string{}}, {2026, 7, []string{"暑期疗养"}}}, 1},
		{"an item that names a plan is not a title", "十二月份\n1、年终总结\n2、做好下学期工作安排\n一月份\n1、新年联欢", []announce.Month{{2026, 12, []string{"年终总结", "做好下学期工作安排"}}, {2027, 1, []string{"新年联欢"}}}, 0},
		{"a second schedule starts over in the plan's year", "各月工作安排\n十二月份：总结\n全年主要工作安排\n一月份：联欢", []announce.Month{{2026, 1, []string{"联欢"}}, {2026, 12, []string{"总结"}}}, 0},
		{"CRLF and tabs", "八月份：\r\n\t1、委员会议\r\n", []announce.Month{{2026, 8, []string{"委员会议"}}}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := announce.ParsePlan(tt.text, 2026)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, p.Months); diff != "" {
				t.Fatalf("months (-want +got):\n%s", diff)
			}
			if got := len(p.Warnings); got != tt.warnings {
				t.Fatalf("warnings=%d %q, want %d", got, p.Warnings, tt.warnings)
			}
		})
	}
}

func TestParsePlanNoSchedule(t *testing.T) {
	for _, text := range []string{
		"",
		"一、指导思想\n以人为本。\n三、具体工作\n",
		"今年的一月份，校工会召开了教工大会。同时在每年的6月份，开展民主评议。",
		"10、1、2号家属院离退休职工活动室检查维护。",
		"三月至四月间，为全院女会员职工常规妇科检查",
		"12月份组织教职工参加上级举办的羽毛球比赛。",
	} {
		if _, err := announce.ParsePlan(text, 2026); !errors.Is(err, announce.ErrNoSchedule) {
			t.Errorf("ParsePlan(%q) err=%v, want ErrNoSchedule", text, err)
		}
	}
}

func TestParsePlanBadYear(t *testing.T) {
	if _, err := announce.ParsePlan("三月份：植树", 0); err == nil || errors.Is(err, announce.ErrNoSchedule) {
		t.Fatalf("err=%v, want a year error", err)
	}
}

// FuzzParsePlan runs the parser on the input as text and as the bytes of an
// uploaded file (a .docx among the seeds): no panic, months within a year
// of the plan's, items trimmed and valid, every line accounted for.
func FuzzParsePlan(f *testing.F) {
	f.Add("三月份：\n1、庆祝三八妇女节\n十二、一月份\n1、联欢", 2026)
	f.Add("元月至二月\n1、慰问\n七至八月份:暑期", 2025)
	f.Add("九月份:慶祝教師節\n二\n10、1、2号", 2026)
	f.Add("当前位置：首页 > 计划\n【篇一】\n三(sān)月份\n3月8日 聯(lián)誼會\n【篇二】\n四月份：植树", 2026)
	f.Add(string(announcetest.MustDocx(f, "三月份：\n1、庆祝三八妇女节\n2、植树")), 2026)
	f.Add(string(announcetest.MustDocxTable(f, "九月份\n1、教师节\n十二、一月份\n1、联欢", "工会")), 2026)
	f.Add(string(announcetest.MustGBK(f, "三月份：\n1、庆祝三八妇女节")), 2026)
	f.Fuzz(func(t *testing.T, text string, year int) {
		check := func(p *announce.Plan, doc *announce.Document) {
			for _, m := range p.Months {
				if m.Month < 1 || m.Month > 12 || m.Year < year || m.Year > year+1 {
					t.Fatalf("month %d-%d out of range for year %d", m.Year, m.Month, year)
				}
				for _, it := range m.Items {
					if it == "" || strings.TrimSpace(it) != it || !utf8.ValidString(it) && utf8.ValidString(text) {
						t.Fatalf("bad item %q", it)
					}
				}
			}
			if line := p.AccountFor(doc); line != 0 {
				t.Fatalf("line %d neither placed nor unplaced", line)
			}
		}
		if p, err := announce.ParsePlan(text, year); err == nil {
			check(p, announce.TextDocument(text))
		}
		doc, err := announce.ReadPlanFile("", []byte(text))
		if err != nil {
			return
		}
		if p, err := announce.ParseDocument(doc, year); err == nil {
			check(p, doc)
		}
	})
}

func TestParsePlanNotUTF8(t *testing.T) {
	gbk := "\xc8\xfd\xd4\xc2\xb7\xdd\xa3\xba" // 三月份： in GBK
	if _, err := announce.ParsePlan(gbk, 2026); err == nil || errors.Is(err, announce.ErrNoSchedule) {
		t.Fatalf("err=%v, want the encoding named", err)
	}
}

func TestItemsFromPlanDays(t *testing.T) {
	p, err := announce.ParsePlan("三月份：\n1、3月8日 庆祝三八妇女节\n2、12日：植树节义务劳动\n3、4月1日前上报材料\n4、31日 月末总结\n二月份：30日 不存在的日子", 2026)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, it := range announce.ItemsFromPlan(p, 2026) {
		got = append(got, fmt.Sprintf("%d-%d-%d %s", it.Year, it.Month, it.Day, it.Title))
	}
	want := []string{"2026-3-8 庆祝三八妇女节", "2026-3-12 植树节义务劳动", "2026-3-0 4月1日前上报材料", "2026-3-31 月末总结", "2027-2-0 30日 不存在的日子"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("items (-want +got):\n%s", diff)
	}
}
