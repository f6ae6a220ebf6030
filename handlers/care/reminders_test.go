package care_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"unionbot/handlers/care"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestUpcoming: birthdays (29 February on the 28th in other years),
// retirements in their own year, work anniversaries every 10 years.
func TestUpcoming(t *testing.T) {
	ps := []care.Profile{
		{UserID: "a", Name: "甲", Birthday: day("1980-03-02")},
		{UserID: "b", Name: "乙", Birthday: day("1984-02-29")},
		{UserID: "c", Name: "丙", RetiresOn: day("2027-03-01"), JoinedOn: day("1997-03-03")},
		{UserID: "d", Name: "丁", RetiresOn: day("2026-03-01"), JoinedOn: day("2001-03-03")},
	}
	for _, tc := range []struct {
		from string
		want string
	}{
		{"2027-02-27", "02-28 乙 43岁生日|03-01 丙 退休|03-02 甲 47岁生日|03-03 丙 参加工作30周年"},
		{"2028-02-27", "02-29 乙 44岁生日|03-02 甲 48岁生日"},
		{"2026-03-01", "03-01 丁 退休|03-02 甲 46岁生日"},
	} {
		var got []string
		for _, e := range care.Upcoming(ps, day(tc.from), 7) {
			got = append(got, e.Day.Format("01-02")+" "+e.Name+" "+e.What)
		}
		if strings.Join(got, "|") != tc.want {
			t.Errorf("from %s: %q, want %q", tc.from, strings.Join(got, "|"), tc.want)
		}
	}
}

// TestCareReminders: profiles imported from Excel tag the women and the
// retired; the weekly digest goes to care staff once; two weeks before
// 三八 staff get the women's list once, and one step opens a 节日慰问
// case for each (a second step opens none).
func TestCareReminders(t *testing.T) {
	now := time.Date(2026, 2, 23, 0, 0, 0, 0, time.UTC) // a Monday, 13 days before 三八
	_, svc, db := mustBot(t, now)
	ctx := context.Background()
	f := excelize.NewFile()
	for i, r := range [][]any{{"账号", "姓名", "性别", "出生日期", "参加工作时间", "退休日期"},
		{"t1", "张老师", "女", "1980-02-25", "2006-03-01", ""},
		{"", "李老师", "男", "1966/2/26", "1986-09-01", "2026-02-01"}} {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		f.SetSheetRow("Sheet1", cell, &r)
	}
	var b bytes.Buffer
	f.Write(&b)
	if _, err := svc.ImportProfiles(ctx, "adm", b.Bytes()); err == nil {
		t.Fatal("an admin without the care role imported profiles")
	}
	if n, err := svc.ImportProfiles(ctx, "c1", b.Bytes()); err != nil || n != 2 {
		t.Fatalf("import: %d, %v; want 2", n, err)
	}
	t1, _ := db.FindMember(ctx, "t1")
	t2, _ := db.FindMember(ctx, "t2")
	if !t1.HasTag(care.TagWomen) || t1.HasTag(care.TagRetired) || !t2.HasTag(care.TagRetired) || t2.HasTag(care.TagWomen) {
		t.Fatalf("tags t1 %v, t2 %v; want 女教职工 and 退休", t1.Tags, t2.Tags)
	}
	for i := 0; i < 2; i++ {
		if err := svc.DigestJob(ctx, now); err != nil {
			t.Fatal(err)
		}
		if err := svc.FestivalJob(ctx, now); err != nil {
			t.Fatal(err)
		}
	}
	ns, _ := db.ListNotices(ctx, "care", 50)
	var digest, festival []string
	for _, n := range ns {
		switch n.Ref {
		case "care:digest":
			digest = append(digest, n.Text)
		case "care:festival":
			festival = append(festival, n.Text)
		}
		if strings.Join(n.ToUsers, ",") != "c1,c2" {
			t.Errorf("%s went to %v, want the care staff", n.Ref, n.ToUsers)
		}
	}
	if len(digest) != 1 || !strings.Contains(digest[0], "2月25日 张老师：46岁生日") || !strings.Contains(digest[0], "2月26日 李老师：60岁生日") {
		t.Fatalf("digests %q, want one with both birthdays", digest)
	}
	if len(festival) != 1 || !strings.Contains(festival[0], "三八（3月8日）") || !strings.Contains(festival[0], "共 1 人：张老师") {
		t.Fatalf("festival lists %q, want one for 三八 naming 张老师", festival)
	}
	if n, err := svc.CreateFestivalCases(ctx, "c1", "三八", 2026); err != nil || n != 1 {
		t.Fatalf("create: %d, %v; want 1", n, err)
	}
	if n, err := svc.CreateFestivalCases(ctx, "c1", "三八", 2026); err != nil || n != 0 {
		t.Fatalf("again: %d, %v; want 0", n, err)
	}
	cs, _ := svc.Cases(ctx, "c1", care.CaseFilter{})
	if len(cs) != 1 || cs[0].SubjectID != "t1" || cs[0].Kind != "节日慰问" {
		t.Fatalf("cases %+v, want one 节日慰问 for t1", cs)
	}
}
