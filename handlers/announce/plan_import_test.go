package announce_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"unionbot"
	"unionbot/handlers/announce"
	"unionbot/handlers/announce/announcetest"
	"unionbot/handlers/announce/docx/docxtest"
)

// TestParsePlanNothingSilent: the README's own format (a month heading,
// then dated lines) keeps every line, and whatever is not placed is listed
// with a reason.
func TestParsePlanNothingSilent(t *testing.T) {
	text := "2026年工会工作计划\n三月份：\n3月8日 庆祝三八妇女节\n3月12日 植树节义务劳动\n3月20日 教工趣味运动会\n四月份：\n上旬 春季登山\n第三周 教工篮球赛\n\n以上安排如有变动另行通知。\n请各小组长转告。"
	p, err := announce.ParsePlan(text, 2026)
	if err != nil {
		t.Fatal(err)
	}
	want := []announce.Month{
		{Year: 2026, Month: 3, Items: []string{"3月8日 庆祝三八妇女节", "3月12日 植树节义务劳动", "3月20日 教工趣味运动会"}},
		{Year: 2026, Month: 4, Items: []string{"上旬 春季登山", "第三周 教工篮球赛"}},
	}
	if diff := cmp.Diff(want, p.Months); diff != "" {
		t.Fatalf("months (-want +got):\n%s", diff)
	}
	var un []string
	for _, u := range p.Unplaced {
		un = append(un, fmt.Sprintf("%d %s", u.Line, u.Text))
		if u.Reason == "" {
			t.Errorf("line %d unplaced without a reason", u.Line)
		}
	}
	if diff := cmp.Diff([]string{"1 2026年工会工作计划", "10 以上安排如有变动另行通知。", "11 请各小组长转告。"}, un); diff != "" {
		t.Fatalf("unplaced (-want +got):\n%s", diff)
	}
	if p.Lines != 10 || p.Placed != 7 {
		t.Fatalf("lines=%d placed=%d, want 10 and 7", p.Lines, p.Placed)
	}
}

// TestParsePlanLongFile: a 46,000-line plan (one heading a month, every
// line dated) gives one item a line. (Its speed is BenchmarkParsePlanLong's
// business: a time limit here fails under -race on a busy machine.)
func TestParsePlanLongFile(t *testing.T) {
	text, n := longPlan()
	p, err := announce.ParsePlan(text, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.ItemCount(); got != n || n < 46000 {
		t.Fatalf("items=%d, want %d (≥46000)", got, n)
	}
	if len(p.Unplaced) != 0 || p.Placed != n+12 {
		t.Fatalf("placed=%d unplaced=%d, want %d and 0", p.Placed, len(p.Unplaced), n+12)
	}
}

func BenchmarkParsePlanLong(b *testing.B) {
	text, _ := longPlan()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := announce.ParsePlan(text, 2026); err != nil {
			b.Fatal(err)
		}
	}
}

// longPlan is a plan of 46,008 dated lines under twelve month headings.
func longPlan() (string, int) {
	var b strings.Builder
	n := 0
	for m := 1; m <= 12; m++ {
		fmt.Fprintf(&b, "%d月份：\n", m)
		for i := 0; i < 3834; i++ {
			fmt.Fprintf(&b, "%d月%d日 第%d组活动\n", m, i%28+1, i)
			n++
		}
	}
	return b.String(), n
}

func TestStripRuby(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"九月份：組織聯(lián)誼會", "九月份：組織聯誼會"},
		{"十月份：學習職業(yè)道德規範", "十月份：學習職業道德規範"},
		{"十一月份：教工之家建設(shè)", "十一月份：教工之家建設"},
		{"十二月份：迎新聯(lian2)歡(huan1)會", "十二月份：迎新聯歡會"},
		{"三(sān)月(yuè)份：植树", "三月份：植树"},
		{"五月份：聯（lián yì）誼會", "五月份：聯誼會"},
		{"六月份：制作汇报(PPT)和卡拉(ok)比赛，三字二话(画)比赛", "六月份：制作汇报(PPT)和卡拉(ok)比赛，三字二话(画)比赛"},
	} {
		p, err := announce.ParsePlan(tt.in, 2026)
		if err != nil {
			t.Fatal(err)
		}
		_, want, _ := strings.Cut(tt.want, "：")
		if got := p.Months[0].Items[0]; got != want {
			t.Errorf("%q: item %q, want %q", tt.in, got, want)
		}
	}
}

func TestReadPlanFileRefusals(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
		want string
	}{
		{"plan.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest"), "另存为”.docx"},
		{"plan.wps", []byte("anything"), "WPS（.wps）"},
		{"plan.pdf", []byte("%PDF-1.7\n"), "PDF 文件无法直接读取"},
		{"", []byte("%PDF-1.4\n"), "PDF 文件无法直接读取"},
		{"plan.docx", []byte("PK\x03\x04not a zip"), "不是有效的 Word"},
		{"plan.docx", []byte("just text saved as .docx"), "不是有效的 Word"},
		{"plan.txt", []byte("\x00\x01\x02\xff\xfe binary"), "无法识别文件的文字编码"},
		{"plan.txt", []byte{0x81, 0x20, 0xff, 0xff}, "无法识别文件的文字编码"},
	} {
		_, err := announce.ReadPlanFile(tt.name, tt.data)
		if unionbot.ErrorCode(err) != unionbot.EINVALID || !strings.Contains(unionbot.ErrorMessage(err), tt.want) {
			t.Errorf("ReadPlanFile(%q) err=%v, want EINVALID with %q", tt.name, err, tt.want)
		}
	}
}

func TestReadPlanFileEncodings(t *testing.T) {
	text := "三月份：\n1、庆祝“三八”妇女节\n2、職工聯誼會"
	be := []byte{0xfe, 0xff}
	for _, r := range text {
		be = append(be, byte(r>>8), byte(r))
	}
	for _, tt := range []struct {
		name   string
		data   []byte
		format string
	}{
		{"utf-8", []byte(text), announce.FormatUTF8},
		{"utf-8 bom", append([]byte("\ufeff"), text...), announce.FormatUTF8},
		{"utf-16le bom", announcetest.MustUTF16(t, text), announce.FormatUTF16},
		{"utf-16be bom", be, announce.FormatUTF16},
		{"gbk", announcetest.MustGBK(t, "三月份：\n1、庆祝“三八”妇女节\n2、职工联谊会"), announce.FormatGB18030},
		{"docx", announcetest.MustDocx(t, text), announce.FormatDocx},
	} {
		doc, err := announce.ReadPlanFile("", tt.data)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		p, err := announce.ParseDocument(doc, 2026)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if doc.Format != tt.format || p.ItemCount() != 2 || !strings.Contains(p.Months[0].Items[0], "妇女节") {
			t.Errorf("%s: format %s, months %v", tt.name, doc.Format, p.Months)
		}
	}
}

// TestParsePlanDocxTable: a schedule table whose 学期 column is merged
// down, whose months are sometimes merged too, with a header, prose around
// it and a table of contacts that is no schedule.
func TestParsePlanDocxTable(t *testing.T) {
	c := func(ps ...string) docxtest.Cell { return docxtest.Cell{Paragraphs: ps} }
	restart := func(ps ...string) docxtest.Cell { return docxtest.Cell{Paragraphs: ps, Restart: true} }
	cont := docxtest.Cell{Continue: true}
	data := docxtest.MustBuild(t, 2,
		docxtest.Para("某校工会2026学年工作计划"),
		docxtest.Para("一、指导思想：围绕学校中心工作，九月份开展的活动要早作准备。"),
		docxtest.Block{Table: [][]docxtest.Cell{
			{c("学期"), c("月份"), c("主要工作"), c("负责人")},
			{restart("第一学期"), c("九月"), c("1、庆祝教师节", "2、新教师入会"), c("张主席")},
			{cont, restart("十月"), c("重阳节慰问退休教师"), c("李委员")},
			{cont, cont, c("秋季教工运动会"), c("王委员")},
			{cont, c("十二、一月"), c("迎新年联欢"), c("")},
			{restart("第二学期"), c("三月"), c("三八节女教工活动"), c("")},
			{cont, c(""), c(""), c("")},
		}},
		docxtest.Para("二、保障措施：每月检查一次。"),
		docxtest.Block{Table: [][]docxtest.Cell{
			{c("姓名"), c("电话")},
			{c("张主席"), c("123")},
		}},
	)
	doc, err := announce.ReadPlanFile("plan.docx", data)
	if err != nil {
		t.Fatal(err)
	}
	p, err := announce.ParseDocument(doc, 2026)
	if err != nil {
		t.Fatal(err)
	}
	want := []announce.Month{
		{Year: 2026, Month: 9, Items: []string{"庆祝教师节（负责人：张主席）", "新教师入会（负责人：张主席）"}},
		{Year: 2026, Month: 10, Items: []string{"重阳节慰问退休教师（负责人：李委员）", "秋季教工运动会（负责人：王委员）"}},
		{Year: 2026, Month: 12, Items: []string{"迎新年联欢"}},
		{Year: 2027, Month: 1, Items: []string{"迎新年联欢"}},
		{Year: 2027, Month: 3, Items: []string{"三八节女教工活动"}},
	}
	if diff := cmp.Diff(want, p.Months); diff != "" {
		t.Fatalf("months (-want +got):\n%s", diff)
	}
	if line := p.AccountFor(doc); line != 0 {
		t.Fatalf("line %d neither placed nor unplaced", line)
	}
	var reasons []string
	for _, u := range p.Unplaced {
		reasons = append(reasons, u.Text)
	}
	for _, s := range []string{"学期 | 月份 | 主要工作 | 负责人", "二、保障措施：每月检查一次。", "姓名", "张主席", "123"} {
		if !contains(reasons, s) {
			t.Errorf("%q not in unplaced %q", s, reasons)
		}
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func TestParsePlanNoScheduleStillAccounts(t *testing.T) {
	doc := announce.TextDocument("一、指导思想\n以人为本。")
	p, err := announce.ParseDocument(doc, 2026)
	if !errors.Is(err, announce.ErrNoSchedule) || p == nil || len(p.Unplaced) != 2 {
		t.Fatalf("p=%+v err=%v, want ErrNoSchedule and both lines unplaced", p, err)
	}
}

// TestSiteLines: which lines of a paste are the site's, listed with that
// reason, and which are the plan's own prose.
func TestSiteLines(t *testing.T) {
	for _, tt := range []struct {
		line string
		site bool
	}{
		{"当前位置：首页 > 范文大全 > 工作计划", true},
		{"范文大全 › 首页 > 工作计划", true},
		{"1. 1、下载文档前请自行甄别文档内容的完整性,平台不提供额外的编辑、内容补充、找答案等附加服务。", true},
		{"猜你喜欢：学校工会工作总结", true},
		{"上一篇：学校工会工作总结", true},
		{"ID:3109358", true},
		{"时间:2023-09-20 18:41:06", true},
		{"篇1:八一路小学工会干部常深入教职工之中,听取教职工的意见和建议,及时了解教职工的生活工作情况......", true},
		{"关闭", true},
		{"认真学习贯彻……", false},
		{"工会工作首页建设", false},
		{"组织教职工观看《时间》纪录片", false},
	} {
		p, _ := announce.ParsePlan(tt.line, 2026)
		if len(p.Unplaced) != 1 {
			t.Fatalf("%q: unplaced %v", tt.line, p.Unplaced)
		}
		if got := strings.Contains(p.Unplaced[0].Reason, "网站内容"); got != tt.site {
			t.Errorf("%q: reason %q, site=%v, want %v", tt.line, p.Unplaced[0].Reason, got, tt.site)
		}
	}
}
