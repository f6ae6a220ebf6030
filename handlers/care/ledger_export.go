package care

import (
	"fmt"
	"io"

	"github.com/xuri/excelize/v2"
)

// Ledger sheets and headers, as the union's paper ledger has them.
var (
	sheetLedger = "慰问金台账"
	sheetByKind = "按类别合计"
	sheetByDept = "按部门合计"
	ledgerHead  = []any{"日期", "姓名", "部门", "类别", "金额/物品", "经办人", "票据号", "备注"}
	totalHead   = []any{"名称", "笔数", "金额合计（元）"}
)

const (
	txtTotal        = "合计"
	txtOverrideCell = "超标准：%s（%s）"
)

// FileName is the ledger's download name, e.g. 2026年慰问金台账.xlsx.
func (l *Ledger) FileName() string { return fmt.Sprintf("%d年%s.xlsx", l.Year, sheetLedger) }

// WriteXLSX writes the year's ledger: every payment, then the totals by
// kind and by department, each sheet ending in 合计. Amounts are written
// from 分 as text ("150.00"), never through a float.
func (l *Ledger) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", sheetLedger)
	rows := [][]any{ledgerHead}
	for _, p := range l.Payments {
		note := p.Note
		if p.Override != "" {
			note = joinNote(note, fmt.Sprintf(txtOverrideCell, p.Override, p.Broken))
		}
		rows = append(rows, []any{p.PaidOn.Format("2006-01-02"), p.Name, p.Department, p.Kind, p.What(), p.Handler, p.ReceiptNo, note})
	}
	rows = append(rows, []any{txtTotal, "", "", "", Plain(l.TotalFen)})
	if err := setRows(f, sheetLedger, rows); err != nil {
		return err
	}
	for _, s := range []struct {
		name   string
		totals []Total
	}{{sheetByKind, l.ByKind}, {sheetByDept, l.ByDepartment}} {
		if _, err := f.NewSheet(s.name); err != nil {
			return fmt.Errorf("ledger sheet: %w", err)
		}
		rows := [][]any{totalHead}
		n := 0
		for _, t := range s.totals {
			rows = append(rows, []any{t.Name, t.Count, Plain(t.TotalFen)})
			n += t.Count
		}
		rows = append(rows, []any{txtTotal, n, Plain(l.TotalFen)})
		if err := setRows(f, s.name, rows); err != nil {
			return err
		}
	}
	return f.Write(w)
}

func setRows(f *excelize.File, sheet string, rows [][]any) error {
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return fmt.Errorf("ledger row: %w", err)
		}
	}
	return nil
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "；" + b
}

// Plain shows 分 as 元 with two decimals and no unit, e.g. 15000 → "150.00".
func Plain(fen int64) string { return fmt.Sprintf("%d.%02d", fen/100, fen%100) }
