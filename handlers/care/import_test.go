package care_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"unionbot/handlers/care"
)

// mustLegacyLedger is a paper year typed into Excel: a title line above
// the header, dates in three spellings, money with and without 元, a
// 慰问品, a 合计 row, and one row that cannot be read.
func mustLegacyLedger(t *testing.T) []byte {
	t.Helper()
	f := excelize.NewFile()
	rows := [][]any{
		{"2019年工会慰问金台账"},
		{"日期", "姓名", "部门", "类别", "金额/物品", "经办人", "票据号", "备注"},
		{"2019-03-08", "张老师", "语文组", "生病住院", "400", "王会计", "2019-001", ""},
		{"2019/5/1", "李老师", "数学组", "结婚", "500元", "王会计", "2019-002", "新婚"},
		{"2019年10月7日", "退休教师甲", "退休", "节日慰问", "慰问品（重阳糕）", "赵干事", "", ""},
		{"2019-12-01", "王老师", "英语组", "生育", "四百", "王会计", "", ""},
		{"合计", "", "", "", "900.00"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestImportLegacyLedger: the preview says what will be added and what is
// wrong, adds nothing; the import adds it; a second import adds nothing;
// the year's ledger then totals the imported money.
func TestImportLegacyLedger(t *testing.T) {
	_, svc, _ := mustBot(t, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	ctx := context.Background()
	data := mustLegacyLedger(t)
	if _, err := svc.ImportLedger(ctx, "adm", data, true); err == nil {
		t.Fatal("an admin without the care role previewed an import")
	}
	preview, err := svc.ImportLedger(ctx, "c1", data, true)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range preview.Rows {
		got = append(got, r.Payment.Name+":"+r.Status+":"+care.Yuan(r.Payment.AmountFen)+":"+r.Payment.Goods)
	}
	want := []string{"张老师:新增:400元:", "李老师:新增:500元:", "退休教师甲:新增:0元:重阳糕", "王老师:有误:0元:"}
	if diff := cmp.Diff(want, got); diff != "" || preview.Added != 3 {
		t.Fatalf("preview added %d (-want +got):\n%s", preview.Added, diff)
	}
	if l, _ := svc.Ledger(ctx, "c1", 2019); len(l.Payments) != 0 {
		t.Fatalf("the preview added %d payments", len(l.Payments))
	}
	if res, err := svc.ImportLedger(ctx, "c1", data, false); err != nil || res.Added != 3 {
		t.Fatalf("import: %+v, %v; want 3 added", res, err)
	}
	if res, err := svc.ImportLedger(ctx, "c1", data, false); err != nil || res.Added != 0 || res.Rows[0].Status != care.ImportExists {
		t.Fatalf("second import: %+v, %v; want nothing added", res, err)
	}
	l, err := svc.Ledger(ctx, "c1", 2019)
	if err != nil {
		t.Fatal(err)
	}
	if l.TotalFen != 90000 || len(l.Payments) != 3 || l.Payments[0].MemberKey != "t1" || l.Payments[2].MemberKey != "name:退休教师甲" {
		t.Fatalf("2019 ledger: %d 分 in %+v; want 90000 in 3, 张老师 as t1", l.TotalFen, l.Payments)
	}
}

// TestLedgerRoundTrip: the ledger the bot exports reads back as the same
// payments.
func TestLedgerRoundTrip(t *testing.T) {
	day := time.Date(2026, 3, 8, 0, 0, 0, 0, time.UTC)
	ps := []care.Payment{
		{Name: "张老师", Department: "语文组", Kind: "生病住院", PaidOn: day, Year: 2026, AmountFen: 15050, Handler: "王会计", ReceiptNo: "R1"},
		{Name: "李老师", Department: "数学组", Kind: "结婚", PaidOn: day, Year: 2026, AmountFen: 20000, Goods: "喜糖", Handler: "王会计", Note: "新婚"},
	}
	var b bytes.Buffer
	if err := care.NewLedger(2026, ps).WriteXLSX(&b); err != nil {
		t.Fatal(err)
	}
	rows, err := care.ParseLedger(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var back []care.Payment
	for _, r := range rows {
		if r.Status == care.ImportInvalid {
			t.Fatalf("line %d: %s", r.Line, r.Reason)
		}
		back = append(back, r.Payment)
	}
	if diff := cmp.Diff(ps, back); diff != "" {
		t.Fatalf("round trip (-exported +read back):\n%s", diff)
	}
}
