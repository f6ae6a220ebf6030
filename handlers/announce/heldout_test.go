package announce_test

import (
	"os"
	"path/filepath"
	"testing"

	"unionbot/handlers/announce"
)

// heldOut is the expected schedule of testdata/heldout/web-paste-trad.txt,
// written by hand from the text before the parser was run on it. The file
// is never used to tune the parser (see testdata/heldout/README.md).
var heldOut = []announce.Month{
	{Year: 2026, Month: 3, Items: []string{"慶祝三八婦女節，組織女教工聯誼會", "開展職業道德學習"}},
	{Year: 2026, Month: 4, Items: []string{"組織教工廣播操比賽", "退休教工春遊活動"}},
	{Year: 2026, Month: 5, Items: []string{"參加區教工龍舟賽", "做好發展新教工入會工作"}},
	{Year: 2026, Month: 6, Items: []string{"召開教職工代表座談會"}},
	{Year: 2026, Month: 7, Items: []string{"組織教職工暑期旅遊", "暑期為退休教工送清涼"}},
	{Year: 2026, Month: 9, Items: []string{"組織好教師節慶祝活動"}},
	{Year: 2026, Month: 10, Items: []string{"組織教師健身跑步比賽", "退休教工秋遊活動"}},
	{Year: 2026, Month: 11, Items: []string{"組織退休教工體檢"}},
	{Year: 2026, Month: 12, Items: []string{"開展幫困送溫暖活動", "準備元旦迎新聯歡活動"}},
}

// heldOutFloor is how many of the 15 expected items the parser found when
// the set was first measured; the test keeps it from getting worse.
const heldOutFloor = 15

func TestParsePlanHeldOut(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "heldout", "web-paste-trad.txt"))
	if err != nil {
		t.Fatal(err)
	}
	doc := announce.TextDocument(string(b))
	p, err := announce.ParseDocument(doc, 2026)
	if err != nil {
		t.Fatal(err)
	}
	found, total := scoreHeldOut(t, heldOut, p)
	t.Logf("held-out web-paste-trad.txt: %d of %d month items, %d extra items, %d lines unplaced",
		found, total, p.ItemCount()-found, len(p.Unplaced))
	if found < heldOutFloor {
		t.Fatalf("held-out found %d of %d items, want at least %d", found, total, heldOutFloor)
	}
	if line := p.AccountFor(doc); line != 0 {
		t.Fatalf("line %d neither placed nor unplaced", line)
	}
}

// heldOutGBK is the expected schedule of testdata/heldout/gbk-dated.txt,
// the second held-out set, written by hand before it was first parsed.
var heldOutGBK = []announce.Month{
	{Year: 2026, Month: 2, Items: []string{"2月20日 召开工会委员会议，制定本年度工作计划", "2月下旬 开学慰问困难教职工"}},
	{Year: 2026, Month: 3, Items: []string{"3月8日 三八妇女节女教工登山活动", "3月12日 植树节义务劳动", "3月下旬 教职工篮球友谊赛"}},
	{Year: 2026, Month: 4, Items: []string{"清明节祭扫烈士墓", "组织教职工春季健步走"}},
	{Year: 2026, Month: 5, Items: []string{"召开六届三次教代会", "评选“师德标兵”"}},
	{Year: 2026, Month: 6, Items: []string{"端午节慰问全体教职工"}},
	{Year: 2026, Month: 7, Items: []string{"暑期教职工疗休养"}},
	{Year: 2026, Month: 8, Items: []string{"暑期教职工疗休养"}},
	{Year: 2026, Month: 9, Items: []string{"9月10日 庆祝教师节表彰大会", "9月下旬 新教师入会仪式"}},
	{Year: 2026, Month: 10, Items: []string{"重阳节看望退休教师"}},
	{Year: 2026, Month: 11, Items: []string{"11月15日 教职工趣味运动会"}},
	{Year: 2026, Month: 12, Items: []string{"12月31日 迎新年文艺联欢会"}},
}

const heldOutGBKFloor = 17

func TestParsePlanHeldOutGBK(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "heldout", "gbk-dated.txt"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := announce.ReadPlanFile("gbk-dated.txt", b)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Format != announce.FormatGB18030 {
		t.Fatalf("format=%s, want %s", doc.Format, announce.FormatGB18030)
	}
	p, err := announce.ParseDocument(doc, 2026)
	if err != nil {
		t.Fatal(err)
	}
	found, total := scoreHeldOut(t, heldOutGBK, p)
	t.Logf("held-out gbk-dated.txt: %d of %d month items, %d extra, %d lines unplaced", found, total, p.ItemCount()-found, len(p.Unplaced))
	if found < heldOutGBKFloor {
		t.Fatalf("held-out found %d of %d items, want at least %d", found, total, heldOutGBKFloor)
	}
	if line := p.AccountFor(doc); line != 0 {
		t.Fatalf("line %d neither placed nor unplaced", line)
	}
}

// scoreHeldOut counts the (month, item) pairs of want that p has.
func scoreHeldOut(t *testing.T, want []announce.Month, p *announce.Plan) (found, total int) {
	t.Helper()
	got := map[[2]int]map[string]bool{}
	for _, m := range p.Months {
		got[[2]int{m.Year, m.Month}] = map[string]bool{}
		for _, it := range m.Items {
			got[[2]int{m.Year, m.Month}][it] = true
		}
	}
	for _, m := range want {
		for _, it := range m.Items {
			total++
			if got[[2]int{m.Year, m.Month}][it] {
				found++
			} else {
				t.Logf("held-out: missing %d-%d %q", m.Year, m.Month, it)
			}
		}
	}
	return found, total
}
