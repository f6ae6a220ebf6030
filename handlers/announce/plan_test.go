package announce_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"unionbot"
	"unionbot/handlers/announce"
)

// ym is a year-month key in the expected tables.
type ym struct{ y, m int }

// schedule is one month schedule as read by hand from a seed document.
type schedule []struct {
	months []ym
	items  []string
}

// merge lays the schedules of one document over each other in document
// order, as ParsePlan does: a month collects the items of every schedule.
func merge(ss ...schedule) []announce.Month {
	byKey := map[ym]*announce.Month{}
	var keys []ym
	for _, s := range ss {
		for _, e := range s {
			for _, k := range e.months {
				m, ok := byKey[k]
				if !ok {
					m = &announce.Month{Year: k.y, Month: k.m, Items: []string{}}
					byKey[k] = m
					keys = append(keys, k)
				}
				m.Items = append(m.Items, e.items...)
			}
		}
	}
	var out []announce.Month
	for y := 2000; y < 2100; y++ {
		for mo := 1; mo <= 12; mo++ {
			if m, ok := byKey[ym{y, mo}]; ok {
				out = append(out, *m)
			}
		}
	}
	return out
}

// group5 are the four schedules of plans-union-group-5.txt (篇一 has none).
var group5 = []schedule{
	{ // 篇二 三、具体工作: a school year, 十二、一月份 runs into 2027.
		{[]ym{{2026, 2}}, []string{"制订女工工作计划,开展“树、创、献”活动,开展女工捐款活动", "妇女心理健康知识讲座"}},
		{[]ym{{2026, 3}, {2026, 4}}, []string{"参与庆祝“三八”节活动。组织女教工夜游苏州活动,感受家乡的美好风光", "组织学校女教工摄影大赛,推荐作品参与区女工摄影大赛", "“大手拉小手”女工爱心助学活动"}},
		{[]ym{{2026, 5}}, []string{"做知性女人系列征文活动,出版工会女工专刊", "配合工会做好版面设计,参与区级版面展示"}},
		{[]ym{{2026, 6}, {2026, 7}}, []string{"征求教职工合理化建议,暑期疗养活动"}},
		{[]ym{{2026, 9}}, []string{"调整完善下半年度女工工作", "庆祝教师节活动", "开展新老教师“师徒结对”活动"}},
		{[]ym{{2026, 10}}, []string{"欢迎____年新教师,进行新教师岗位培训", "参与退休教师重阳节活动"}},
		{[]ym{{2026, 11}}, []string{"教职工健身月活动", "做好读书心得、读后感评比活动", "万名师生“一帮一”活动"}},
		{[]ym{{2026, 12}, {2027, 1}}, []string{"女工学年工作总结会", "做好女工工作档案的整理、归档工作", "组织女教工参与迎新年联欢活动"}},
	},
	{ // 篇三 各月工作安排: 八月份 to 一月份 (next year).
		{[]ym{{2026, 8}}, []string{"委员、工会组长会议。制订下半年工作计划"}},
		{[]ym{{2026, 9}}, []string{"组织教职工庆教师节活动", "新学期教师拜师活动,与教育教学部门共同召开拜师会", "代表片工会参加展女教师风采服装展示活动"}},
		{[]ym{{2026, 10}}, []string{"迎接上级检查指导基层学校三项制度执行情况和建家工作", "安排退休教师活动;(重阳节活动)"}},
		{[]ym{{2026, 11}}, []string{"迎接建家升级验收", "生活困难教职工调查及审核"}},
		{[]ym{{2026, 12}}, []string{"“两节”送温暖慰问活动", "组织教职工参加区教育工会组织的羽毛球赛"}},
		{[]ym{{2027, 1}}, []string{"新年联欢活动"}},
	},
	{ // 篇四 全年主要工作安排: 一月份 to 十二月份; 七、八月份 has one unnumbered item.
		{[]ym{{2026, 1}}, []string{"总结xx年工会工作", "制定xx年工会工作", "春节慰问、送温暖活动"}},
		{[]ym{{2026, 2}}, []string{"学习新《工会法》", "建立工会会员档案", "筹备教工之家"}},
		{[]ym{{2026, 3}}, []string{"庆祝“三·八”妇女节", "学习新《婚姻法》", "参加市教育工会女职工卡拉ok比赛", "创办“教工之家”"}},
		{[]ym{{2026, 4}}, []string{"教工运动会", "参加市教育工会职工乒乓球比赛", "布置、完善“教工之家”", "创办《教工之声报》"}},
		{[]ym{{2026, 5}}, []string{"参加市教育工会“xx大”知识竞赛", "教工排球赛", "教工体检"}},
		{[]ym{{2026, 6}}, []string{"检查验收“教工之家”", "召开教代会", "总结上半年工作"}},
		{[]ym{{2026, 7}, {2026, 8}}, []string{"暑期生活"}},
		{[]ym{{2026, 9}}, []string{"庆祝第二十个教师节", "新会员入会,调整工会小组", "参加市教育工会“爱祖国、爱教育”大型歌会"}},
		{[]ym{{2026, 10}}, []string{"庆祝老年节", "参加市教育工会职工三字二话(画)比赛", "青蓝工程教学活动"}},
		{[]ym{{2026, 11}}, []string{"女子健美操队训练", "编印《教工之声报》"}},
		{[]ym{{2026, 12}}, []string{"教工拔河比赛", "迎接市教育工会教代会评估", "年终总结"}},
	},
	{ // 篇五, no title: 元月至二月, ..., 七至八月份, ..., 十二月份; "关闭" after it is page debris.
		{[]ym{{2026, 1}, {2026, 2}}, []string{"做好xx年工会工作总结并上报工作", "慰问老教师及重病教师", "计划xx年的工作。筹划工会换届选举工作", "完善档案"}},
		{[]ym{{2026, 3}}, []string{"拟写xx年工会工作计划", "组织开展三八节系列庆祝活动,慰问单亲女教职工", "组织召开建立“温馨组室”室长工作会,部署本学期的建立工作任务", "组织工会换届选举工作"}},
		{[]ym{{2026, 4}}, []string{"与学校党支部一齐,组织党员教师和工会委员祭扫革命烈士墓", "组织工会干部进行业务学习,增强工会服务意识", "筹划“五一”节活动"}},
		{[]ym{{2026, 5}}, []string{"组织庆祝“五一”劳动节活动", "组织深入到年级组及教研组开展调研活动", "与学校党支部、教科处配合,组织教师外出学习培训"}},
		{[]ym{{2026, 6}}, []string{"开展庆“六一”慰问学校父母都不在的留守儿童", "组织召开教代会,对校长进行民主评议", "组织评选各级各类先进教师", "优秀“温馨组室”的评比", "对教师进行师德师风量化考核"}},
		{[]ym{{2026, 7}, {2026, 8}}, []string{"上报民主评议校长的状况和教师节市级以上表彰的各类先进名单", "召开二届一次教职工代表大会", "做好暑期教师的维稳工作"}},
		{[]ym{{2026, 9}}, []string{"组织开展教师节系列庆祝活动", "“温馨组室”建立活动的巩固安排部署", "组织召开工会干部会议"}},
		{[]ym{{2026, 10}}, []string{"开展国庆节庆祝活动", "与周边学校开展联谊活动"}},
		{[]ym{{2026, 11}}, []string{"建立健全困难职工档案", "组织学习《中小学教师职业道德规范》"}},
		{[]ym{{2026, 12}}, []string{"准备送温暖活动的相关工作", "做好迎接20xx年市教育工会的考核工作", "工会工作、女工委工作年度总结", "完善档案工作"}},
	},
}

// seeds are the union texts of the shared seed folder. A nil want means the
// document holds no month schedule.
var seeds = []struct {
	file string
	want []announce.Month
}{
	{"plans-union-group-5.txt", merge(group5...)},
	{"plan-2020-primary-school.txt", nil},   // goals and measures only, no months
	{"summary-2009-zujie-primary.txt", nil}, // a summary: "6月份" and "一月份" only inside sentences
}

// seedText reads a seed from ../shared/seeds (next to the repository) when
// it is there, else the copy in testdata, which is always there.
func seedText(t testing.TB, file string) string {
	t.Helper()
	for _, dir := range []string{filepath.Join("..", "..", "..", "shared", "seeds"), "testdata"} {
		b, err := os.ReadFile(filepath.Join(dir, file))
		if err == nil {
			return string(b)
		}
	}
	t.Fatalf("seed %s is neither in ../shared/seeds nor in testdata", file)
	return ""
}

func TestParsePlanSeeds(t *testing.T) {
	for _, tt := range seeds {
		t.Run(tt.file, func(t *testing.T) {
			p, err := announce.ParsePlan(seedText(t, tt.file), 2026)
			if tt.want == nil {
				if !errors.Is(err, announce.ErrNoSchedule) {
					t.Fatalf("err=%v, want ErrNoSchedule", err)
				}
				if got := unionbot.ErrorMessage(err); !strings.Contains(got, "没有") {
					t.Fatalf("message=%q, want a Chinese sentence", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, p.Months); diff != "" {
				t.Fatalf("months (-want +got):\n%s", diff)
			}
		})
	}
}

// TestParsePlanSeedsInTestdata keeps the testdata copies equal to the shared
// seeds where the shared folder is present (CI has only the copies).
func TestParsePlanSeedsInTestdata(t *testing.T) {
	for _, tt := range seeds {
		local, err := os.ReadFile(filepath.Join("testdata", tt.file))
		if err != nil || len(local) == 0 {
			t.Fatalf("testdata/%s: %v", tt.file, err)
		}
		shared, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "seeds", tt.file))
		if err == nil && string(shared) != string(local) {
			t.Errorf("testdata/%s differs from the shared seed; copy it again", tt.file)
		}
	}
}

func BenchmarkParsePlan(b *testing.B) {
	text, err := os.ReadFile(filepath.Join("testdata", "plans-union-group-5.txt"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if _, err := announce.ParsePlan(string(text), 2026); err != nil {
			b.Fatal(err)
		}
	}
}
