package care

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"unionbot"
)

// Import statuses of a legacy ledger row.
const (
	ImportNew     = "新增"
	ImportExists  = "已存在"
	ImportInvalid = "有误"
)

// ImportRow is one row of a legacy ledger and what importing does with it.
type ImportRow struct {
	Line    int     `json:"line"`
	Payment Payment `json:"payment"`
	Status  string  `json:"status"`
	Reason  string  `json:"reason,omitempty"`
}

// ImportResult is the preview, or the outcome, of a legacy ledger import.
type ImportResult struct {
	Rows   []ImportRow `json:"rows"`
	Added  int         `json:"added"`
	DryRun bool        `json:"dry_run"`
}

// MaxImportRows is the most rows one import reads.
const MaxImportRows = 5000

// ImportLedger reads a legacy 慰问金台账 (the union's paper years, typed
// into Excel with the ledger's columns 日期, 姓名, 部门, 类别, 金额/物品,
// 经办人, 票据号, 备注) and adds the payments not already in the ledger.
// With dryRun it only says what would be added. Imported payments belong
// to no case; they count toward the yearly rules like any other. Rows the
// ledger holds already (same day, name, kind, amount, goods and receipt)
// are skipped, so importing the same file twice adds nothing.
func (s *Service) ImportLedger(ctx context.Context, by string, data []byte, dryRun bool) (*ImportResult, error) {
	if err := s.staff(ctx, by); err != nil {
		return nil, err
	}
	rows, err := ParseLedger(data)
	if err != nil {
		return nil, err
	}
	res := &ImportResult{Rows: rows, DryRun: dryRun}
	seen := map[int]map[string]bool{}
	var add []Payment
	for i := range res.Rows {
		r := &res.Rows[i]
		if r.Status == ImportInvalid {
			continue
		}
		p := &r.Payment
		if m, err := unionbot.FindMember(ctx, s.Members, p.Name); err == nil {
			p.MemberKey = m.UserID
			if p.Department == "" {
				p.Department = m.Department
			}
		} else {
			p.MemberKey = "name:" + p.Name
		}
		p.CreatedBy = by
		if seen[p.Year] == nil {
			existing, err := s.Store.ListPayments(ctx, p.Year)
			if err != nil {
				return nil, err
			}
			seen[p.Year] = map[string]bool{}
			for _, e := range existing {
				seen[p.Year][e.identity()] = true
			}
		}
		if seen[p.Year][p.identity()] {
			r.Status = ImportExists
			continue
		}
		seen[p.Year][p.identity()] = true
		r.Status = ImportNew
		add = append(add, *p)
	}
	res.Added = len(add)
	if dryRun || len(add) == 0 {
		return res, nil
	}
	ctx, rec := s.Audit.Begin(ctx, "care.import", "care-ledger")
	rec.After(map[string]int{"payments_added": len(add)})
	err = s.Store.AddPayments(ctx, add)
	s.Audit.Finish(ctx, rec, err)
	return res, err
}

func (p *Payment) identity() string {
	return strings.Join([]string{p.PaidOn.Format("2006-01-02"), p.Name, p.Kind, strconv.FormatInt(p.AmountFen, 10), p.Goods, p.ReceiptNo}, "\x00")
}

// ParseLedger reads the first sheet of a ledger workbook: a header row
// naming the columns, then one payment a row. Rows it cannot read are
// returned with ImportInvalid and the reason.
func ParseLedger(data []byte) ([]ImportRow, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtImportNotExcel)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtImportNoHeader)
	}
	all, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtImportNotExcel)
	}
	col := map[string]int{}
	head := -1
	for i, row := range all {
		for j, c := range row {
			col[strings.TrimSpace(c)] = j
		}
		if _, ok := col["日期"]; ok {
			if _, ok := col["姓名"]; ok {
				head = i
				break
			}
		}
		col = map[string]int{}
	}
	if head < 0 {
		return nil, unionbot.Errorf(unionbot.EINVALID, "%s", txtImportNoHeader)
	}
	if len(all)-head-1 > MaxImportRows {
		return nil, unionbot.Errorf(unionbot.EINVALID, txtImportTooMany, MaxImportRows)
	}
	cell := func(row []string, name string) string {
		if j, ok := col[name]; ok && j < len(row) {
			return strings.TrimSpace(row[j])
		}
		return ""
	}
	var out []ImportRow
	for i, row := range all[head+1:] {
		r := ImportRow{Line: head + i + 2}
		name, date := cell(row, "姓名"), cell(row, "日期")
		if name == "" && date == "" || name == txtTotal || date == txtTotal {
			continue
		}
		p := Payment{Name: name, Department: cell(row, "部门"), Kind: cell(row, "类别"), Handler: cell(row, "经办人"),
			ReceiptNo: cell(row, "票据号"), Note: cell(row, "备注")}
		day, err := parseLedgerDay(date)
		switch {
		case err != nil:
			r.Status, r.Reason = ImportInvalid, fmt.Sprintf(txtBadDate, date)
		case name == "" || p.Kind == "":
			r.Status, r.Reason = ImportInvalid, txtImportMissing
		default:
			p.PaidOn, p.Year = day, day.Year()
			if !readAmount(cell(row, "金额/物品"), &p) {
				r.Status, r.Reason = ImportInvalid, txtImportAmount
			}
		}
		r.Payment = p
		out = append(out, r)
	}
	return out, nil
}

// parseLedgerDay reads 2026-03-08, 2026/3/8, 2026.3.8 or 2026年3月8日.
func parseLedgerDay(v string) (time.Time, error) {
	r := strings.NewReplacer("年", "-", "月", "-", "日", "", ".", "-", "/", "-")
	v = r.Replace(v)
	for _, layout := range []string{"2006-01-02", "2006-1-2", "01-02-06", "1-2-06"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q", v)
}

// readAmount reads "150", "150元", "150.50" as 分 (without a float), and
// anything else (水果篮) as a 慰问品; "150元、慰问品（水果篮）" as both.
func readAmount(v string, p *Payment) bool {
	if v == "" {
		return false
	}
	for _, part := range strings.Split(v, "、") {
		part = strings.TrimSpace(part)
		num := strings.TrimSuffix(strings.ReplaceAll(part, ",", ""), "元")
		if fen, ok := parseFen(num); ok {
			p.AmountFen += fen
			continue
		}
		if strings.Trim(part, numberRunes) == "" { // money, but not as digits: 四百, 1.234
			return false
		}
		pre, post, _ := strings.Cut(txtGoods, "%s") // as Payment.What writes it
		goods := strings.TrimSuffix(strings.TrimPrefix(part, pre), post)
		p.Goods = strings.TrimSpace(strings.Trim(p.Goods+"、"+goods, "、"))
	}
	return p.AmountFen >= 0 && p.AmountFen <= MaxAmountFen
}

// numberRunes are what an amount is written with, in digits or in words.
const numberRunes = "0123456789.,元零一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟"

// parseFen reads "150", "150.5", "150.50" as 分.
func parseFen(v string) (int64, bool) {
	whole, frac, _ := strings.Cut(v, ".")
	if whole == "" || len(frac) > 2 {
		return 0, false
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w < 0 {
		return 0, false
	}
	frac = (frac + "00")[:2]
	f, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return 0, false
	}
	return w*100 + f, true
}
