package announce_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"unionbot/handlers/announce"
	"unionbot/handlers/announce/announcetest"
)

// owner is the 负责人 MustDocxTable writes on every row.
const owner = "工会委员会"

// withOwner is want as read from the table: every item carries its owner.
func withOwner(want []announce.Month) []announce.Month { return withOwnerNamed(want, owner) }

func withOwnerNamed(want []announce.Month, owner string) []announce.Month {
	out := make([]announce.Month, len(want))
	for i, m := range want {
		out[i] = announce.Month{Year: m.Year, Month: m.Month}
		for _, it := range m.Items {
			out[i].Items = append(out[i].Items, it+"（负责人："+owner+"）")
		}
	}
	return out
}

// TestParsePlanSeedFormats reads every seed as the files unions have: text,
// a .docx of paragraphs, a .docx with the schedule as a table whose 学期
// and 负责人 columns are merged, GBK, UTF-16 with a BOM, and a web paste
// with pinyin ruby and site lines. Each gives the months read by hand
// (nothing from the prose in a month), and every non-empty line is either
// placed or listed in Unplaced.
func TestParsePlanSeedFormats(t *testing.T) {
	for _, tt := range seeds {
		text := seedText(t, tt.file)
		for _, f := range []struct {
			name string
			data []byte
			want []announce.Month
		}{
			{"text", []byte(text), tt.want},
			{"docx", announcetest.MustDocx(t, text), tt.want},
			{"docx-table", announcetest.MustDocxTable(t, text, owner), withOwner(tt.want)},
			{"gbk", announcetest.MustGBK(t, text), tt.want},
			{"utf16", announcetest.MustUTF16(t, text), tt.want},
			{"bom", append([]byte("\ufeff"), text...), tt.want},
			{"web-paste", []byte(announcetest.WebPaste(text)), tt.want},
		} {
			t.Run(tt.file+"/"+f.name, func(t *testing.T) {
				doc, err := announce.ReadPlanFile("", f.data)
				if err != nil {
					t.Fatal(err)
				}
				p, err := announce.ParseDocument(doc, 2026)
				if tt.want == nil {
					if !errors.Is(err, announce.ErrNoSchedule) {
						t.Fatalf("err=%v, want ErrNoSchedule", err)
					}
				} else if err != nil {
					t.Fatal(err)
				} else if diff := cmp.Diff(f.want, p.Months); diff != "" {
					t.Fatalf("months (-want +got):\n%s", diff)
				}
				if line := p.AccountFor(doc); line != 0 {
					t.Fatalf("line %d %q neither placed nor unplaced", line, doc.Lines[line-1].Text)
				}
				if got, want := p.Placed+len(p.Unplaced), p.Lines; got != want {
					t.Fatalf("placed %d + unplaced %d = %d, want the %d non-empty lines", p.Placed, len(p.Unplaced), got, want)
				}
				if f.name == "web-paste" {
					mustUnplaceFurniture(t, p)
				}
				t.Logf("%s: %d months, %d items, %d lines placed, %d unplaced, %d parts",
					doc.Format, len(p.Months), p.ItemCount(), p.Placed, len(p.Unplaced), len(p.Parts))
			})
		}
	}
}

func mustUnplaceFurniture(t *testing.T, p *announce.Plan) {
	t.Helper()
	for _, f := range announcetest.Furniture {
		found := false
		for _, u := range p.Unplaced {
			if strings.HasPrefix(f, strings.TrimSuffix(u.Text, "…")) && strings.Contains(u.Reason, "网站内容") {
				found = true
			}
		}
		if !found {
			t.Errorf("site line %q is not listed as site furniture in %v", f, p.Unplaced)
		}
	}
}

// TestParsePlanSeedParts: the five-plan collection is previewed plan by
// plan, and one is picked for the import.
func TestParsePlanSeedParts(t *testing.T) {
	p, err := announce.ParsePlan(seedText(t, "plans-union-group-5.txt"), 2026)
	if err != nil {
		t.Fatal(err)
	}
	var got, want []string
	for _, pt := range p.Parts {
		got = append(got, fmt.Sprintf("%d %s: %d", pt.No, pt.Title, countItems(pt.Months)))
	}
	want = append(want, "1 工会小组年度工作计划篇一: 0") // 篇一 has no month schedule
	for i, s := range group5 {
		want = append(want, fmt.Sprintf("%d 工会小组年度工作计划篇%s: %d", i+2, "二三四五"[i*3:i*3+3], countItems(merge(s))))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("parts (-want +got):\n%s", diff)
	}
	if _, err := p.Pick(0); err == nil || !strings.Contains(err.Error(), "5 篇计划的合集") {
		t.Fatalf("Pick(0) err=%v, want the collection named", err)
	}
	if _, err := p.Pick(1); err == nil || !strings.Contains(err.Error(), "第 1 篇没有按月的工作安排") {
		t.Fatalf("Pick(1) err=%v", err)
	}
	if _, err := p.Pick(6); err == nil || !strings.Contains(err.Error(), "没有第 6 篇") {
		t.Fatalf("Pick(6) err=%v", err)
	}
	months, err := p.Pick(4)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(merge(group5[2]), months); diff != "" {
		t.Fatalf("part 4 (-want +got):\n%s", diff)
	}
}

func countItems(ms []announce.Month) int {
	n := 0
	for _, m := range ms {
		n += len(m.Items)
	}
	return n
}

// TestParsePlanPythonDocx reads a .docx written by another implementation
// (python-docx, testdata/gen_docx.py): 篇五 of a seed with its schedule in a
// table whose 学期 column python-docx merged, items split into runs.
func TestParsePlanPythonDocx(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "plan-part5-python-docx.docx"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := announce.ReadPlanFile("plan.docx", b)
	if err != nil {
		t.Fatal(err)
	}
	p, err := announce.ParseDocument(doc, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(withOwnerNamed(merge(group5[3]), "工会主席"), p.Months); diff != "" {
		t.Fatalf("months (-want +got):\n%s", diff)
	}
	if line := p.AccountFor(doc); line != 0 {
		t.Fatalf("line %d neither placed nor unplaced", line)
	}
	if last := p.Unplaced[len(p.Unplaced)-1]; last.Text != "（本计划经工会委员会讨论通过）" {
		t.Fatalf("last unplaced = %+v, want the closing paragraph after the table", last)
	}
}
