package storage_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"unionbot"
	"unionbot/handlers/care"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// mustCareService is the care feature on db with one care staff member
// "c1", an admin with the care role "boss", a teacher "t1", and the rules:
// 生病住院 150/100/50元 within a year, 结婚 500元, at most 5 payments and
// 1,000元 a member a year.
func mustCareService(t *testing.T, db *storage.DB, now time.Time) *care.Service {
	t.Helper()
	ctx := t.Context()
	svc := &care.Service{Store: db, Members: db, Now: func() time.Time { return now }, Location: time.UTC,
		IsAdmin: func(_ context.Context, u string) bool { return u == "boss" }}
	for _, m := range []*unionbot.Member{{UserID: "c1", Name: "关怀干事"}, {UserID: "boss", Name: "工会主席", Role: unionbot.RoleAdmin},
		{UserID: "t1", Name: "张老师", Department: "语文组"}, {UserID: "t2", Name: "李老师", Department: "数学组"}} {
		if err := db.SaveMember(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, u := range []string{"c1", "boss"} {
		if err := svc.Grant(ctx, u, "boss", true); err != nil {
			t.Fatal(err)
		}
	}
	rules := care.DefaultRules()
	rules.Kind("生病住院").AmountsFen = []int64{15000, 10000, 5000}
	rules.Kind("结婚").AmountsFen = []int64{50000}
	rules.YearCount, rules.YearTotalFen = 5, 100000
	if _, err := svc.SetRules(ctx, "c1", rules); err != nil {
		t.Fatal(err)
	}
	return svc
}

// mustCase reports a case about subject and has c1 take it.
func mustCase(t *testing.T, svc *care.Service, kind, subject string) *care.Case {
	t.Helper()
	c := &care.Case{Kind: kind, SubjectID: subject, Summary: "住院"}
	if err := svc.Report(t.Context(), "t2", c); err != nil {
		t.Fatalf("report: %v", err)
	}
	if _, err := svc.Assign(t.Context(), "c1", c.ID, "c1"); err != nil {
		t.Fatalf("assign: %v", err)
	}
	return c
}

// TestCareHospitalSequence: under 150/100/50, the first three stays in
// hospital in one year are paid 150, 100 and 50元 (the amount filled in
// from the rule), a fourth is refused with the rule named, an admin's
// override with a reason is paid and logged, and a new year starts over.
func TestCareHospitalSequence(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
		svc := mustCareService(t, db, now)
		ctx := t.Context()
		for i, want := range []int64{15000, 10000, 5000} {
			c := mustCase(t, svc, "生病住院", "t1")
			p := &care.Payment{Handler: "王会计", ReceiptNo: fmt.Sprint("R", i)}
			got, err := svc.Pay(ctx, "c1", c.ID, p)
			if err != nil {
				t.Fatalf("stay %d: %v", i+1, err)
			}
			if p.AmountFen != want || got.Status != care.StatusPaid {
				t.Fatalf("stay %d: paid %d (%s), want %d (%s)", i+1, p.AmountFen, got.Status, want, care.StatusPaid)
			}
		}
		c := mustCase(t, svc, "生病住院", "t1")
		_, err := svc.Pay(ctx, "c1", c.ID, &care.Payment{Handler: "王会计"})
		if unionbot.ErrorCode(err) != unionbot.EFORBIDDEN || !strings.Contains(unionbot.ErrorMessage(err), "第1次150元、第2次100元、第3次50元") {
			t.Fatalf("fourth stay: %v, want refused naming the 150/100/50 rule", err)
		}
		if _, err := svc.Pay(ctx, "c1", c.ID, &care.Payment{Handler: "王会计", AmountFen: 5000, Override: "病情严重，主席同意"}); unionbot.ErrorCode(err) != unionbot.EFORBIDDEN {
			t.Fatalf("override by a non-admin: %v, want EFORBIDDEN", err)
		}
		got, err := svc.Pay(ctx, "boss", c.ID, &care.Payment{Handler: "王会计", AmountFen: 5000, Override: "病情严重，主席同意"})
		if err != nil {
			t.Fatalf("override: %v", err)
		}
		last := got.Log[len(got.Log)-1]
		if last.Action != care.ActOverride || !strings.Contains(last.Note, "病情严重") || !strings.Contains(last.Note, "不能再发放") {
			t.Fatalf("override logged as %+v, want the rule and the reason", last)
		}
		// 2027: the sequence starts over.
		c = mustCase(t, svc, "生病住院", "t1")
		p := &care.Payment{Handler: "王会计", PaidOn: time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC)}
		if _, err := svc.Pay(ctx, "c1", c.ID, p); err != nil || p.AmountFen != 15000 {
			t.Fatalf("first stay of 2027: %d, %v; want 15000", p.AmountFen, err)
		}
		l, err := svc.Ledger(ctx, "c1", 2026)
		if err != nil {
			t.Fatal(err)
		}
		if l.TotalFen != 35000 || len(l.Payments) != 4 {
			t.Fatalf("2026 ledger: %d payments, %d 分; want 4, 35000", len(l.Payments), l.TotalFen)
		}
	})
}

// TestCarePayConcurrent: ten staff paying the same member at once never
// pass a rule together, because each rule is checked under the
// member-year lock, not before it: under a 1,000元 cap ten 500元
// weddings pass twice; under one paid visit a year, once; under
// 150/100/50 ten hospital stays pass three times, for 300元.
func TestCarePayConcurrent(t *testing.T) {
	for _, tc := range []struct {
		name      string
		kind      string
		set       func(*care.Rules)
		paid      int
		totalYuan int64
	}{
		{"yearly total", "结婚", func(r *care.Rules) {}, 2, 1000},
		{"one paid visit a year", "结婚", func(r *care.Rules) { r.YearTotalFen, r.YearCount, r.OnePaidPerYear = 0, 0, true }, 1, 500},
		{"150/100/50", "生病住院", func(r *care.Rules) { r.YearTotalFen, r.YearCount = 0, 0 }, 3, 300},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
				now := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
				svc := mustCareService(t, db, now)
				rules, _ := svc.Rules(t.Context())
				tc.set(&rules)
				if _, err := svc.SetRules(t.Context(), "c1", rules); err != nil {
					t.Fatal(err)
				}
				const n = 10
				cases := make([]*care.Case, n)
				for i := range cases {
					cases[i] = mustCase(t, svc, tc.kind, "t1")
				}
				var (
					wg            sync.WaitGroup
					mu            sync.Mutex
					paid, refused int
				)
				for i := 0; i < n; i++ {
					wg.Add(1)
					go func() {
						defer wg.Done()
						_, err := svc.Pay(context.Background(), "c1", cases[i].ID, &care.Payment{Handler: "王会计"})
						mu.Lock()
						defer mu.Unlock()
						switch unionbot.ErrorCode(err) {
						case "":
							paid++
						case unionbot.EFORBIDDEN:
							refused++
						default:
							t.Errorf("pay: %v", err)
						}
					}()
				}
				wg.Wait()
				if paid != tc.paid || refused != n-tc.paid {
					t.Fatalf("paid %d, refused %d; want %d paid, %d refused", paid, refused, tc.paid, n-tc.paid)
				}
				l, err := svc.Ledger(t.Context(), "c1", 2026)
				if err != nil || l.TotalFen != tc.totalYuan*100 {
					t.Fatalf("ledger total %v, %v; want %d元", l, err, tc.totalYuan)
				}
			})
		})
	}
}

// TestCarePrivacy: without the care role (an admin too) nothing is shown;
// every read is logged; a teacher sees a colleague's report about them
// only once staff acted.
func TestCarePrivacy(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		svc := mustCareService(t, db, time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
		ctx := t.Context()
		if err := db.SaveMember(ctx, &unionbot.Member{UserID: "adm", Role: unionbot.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		c := &care.Case{Kind: "生病住院", SubjectID: "t1", Summary: "阑尾炎住院"}
		if err := svc.Report(ctx, "t2", c); err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"", "adm", "t1"} {
			if _, err := svc.Case(ctx, who, c.ID); unionbot.ErrorCode(err) != unionbot.EFORBIDDEN {
				t.Errorf("case read by %q: %v, want EFORBIDDEN", who, err)
			}
		}
		if mine, _ := svc.Mine(ctx, "t1"); len(mine) != 0 {
			t.Fatalf("t1 sees %d cases before staff acted, want 0", len(mine))
		}
		if mine, _ := svc.Mine(ctx, "t2"); len(mine) != 1 {
			t.Fatalf("the reporter sees %d cases, want 1", len(mine))
		}
		svc.Case(ctx, "c1", c.ID)
		svc.Assign(ctx, "c1", c.ID, "c1")
		svc.Case(ctx, "boss", c.ID)
		if mine, _ := svc.Mine(ctx, "t1"); len(mine) != 1 {
			t.Fatalf("t1 sees %d cases after staff acted, want 1", len(mine))
		}
		reads, err := svc.Reads(ctx, "c1", c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var who []string
		for _, r := range reads {
			who = append(who, r.By+":"+r.Action)
		}
		if got, want := strings.Join(who, ","), "c1:查看,boss:查看"; got != want {
			t.Fatalf("reads %s, want %s", got, want)
		}
	})
}
