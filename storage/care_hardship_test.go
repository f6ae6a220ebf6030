package storage_test

import (
	"strings"
	"testing"
	"time"

	"unionbot"
	"unionbot/handlers/care"
	"unionbot/storage"
	"unionbot/storage/storagetest"
)

// TestHardshipRecord: one record per household; the stages in order with
// who and when, a wrong move refused with the moves open; every read in
// the access log; the yearly re-check and the 回访 six months after
// closing each reminded once, to the care staff.
func TestHardshipRecord(t *testing.T) {
	storagetest.ForEachDB(t, func(t *testing.T, db *storage.DB) {
		now := time.Date(2026, 1, 10, 9, 0, 0, 0, time.UTC)
		svc := mustCareService(t, db, now)
		svc.Now = func() time.Time { return now }
		ctx := t.Context()
		h := &care.Hardship{MemberID: "t1", Tier: care.TierDeep, MainCause: "本人重病", SubCauses: []string{"子女上学", "住房困难"},
			Household: []care.HouseholdMember{{Name: "张小明", Relation: "子", IncomeFen: 0}}, IncomeFen: 3_600_000}
		if err := svc.OpenHardship(ctx, "c1", h); err != nil {
			t.Fatal(err)
		}
		if err := svc.OpenHardship(ctx, "c1", &care.Hardship{MemberID: "t1", Tier: care.TierRelative, MainCause: "x"}); unionbot.ErrorCode(err) != unionbot.ECONFLICT {
			t.Fatalf("a second record of the household: %v, want ECONFLICT", err)
		}
		if _, err := svc.MoveHardship(ctx, "c1", h.ID, care.StageOnFile, "", nil); unionbot.ErrorCode(err) != unionbot.ECONFLICT ||
			!strings.Contains(unionbot.ErrorMessage(err), "审核") {
			t.Fatalf("申请 straight to 在档: %v, want refused naming 审核", err)
		}
		for _, to := range []string{care.StageReviewed, care.StagePublished, care.StageApproved, care.StageOnFile} {
			if _, err := svc.MoveHardship(ctx, "c1", h.ID, to, "", nil); err != nil {
				t.Fatalf("to %s: %v", to, err)
			}
		}
		if _, err := svc.Hardship(ctx, "t1", h.ID); unionbot.ErrorCode(err) != unionbot.EFORBIDDEN {
			t.Fatalf("read by a teacher: %v, want EFORBIDDEN", err)
		}
		got, err := svc.Hardship(ctx, "boss", h.ID)
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, l := range got.Log {
			steps = append(steps, l.Action+"/"+l.By)
		}
		if s := strings.Join(steps, " "); s != "申请/c1 审核/c1 公示/c1 审批/c1 在档/c1" || len(got.SubCauses) != 2 || got.Household[0].Name != "张小明" {
			t.Fatalf("record %+v, log %s", got, s)
		}
		svc.Hardship(ctx, "c1", h.ID)
		reads, err := svc.HardshipReads(ctx, "c1", h.ID)
		if err != nil || len(reads) != 2 || reads[0].By != "boss" || reads[1].By != "c1" {
			t.Fatalf("reads %+v, %v; want boss then c1", reads, err)
		}

		// The yearly re-check: not before a year, then once.
		remind := func(at time.Time) int {
			t.Helper()
			if err := svc.HardshipJob(ctx, at); err != nil {
				t.Fatal(err)
			}
			ns, err := db.ListNotices(ctx, "care", 100)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, x := range ns {
				if strings.Contains(x.Text, "年度复核") || strings.Contains(x.Text, "回访") {
					n++
				}
			}
			return n
		}
		if n := remind(now.AddDate(0, 11, 0)); n != 0 {
			t.Fatalf("%d reminders after 11 months, want 0", n)
		}
		if n := remind(now.AddDate(1, 0, 1)); n != 1 {
			t.Fatalf("%d reminders after a year, want 1", n)
		}
		if n := remind(now.AddDate(1, 0, 2)); n != 1 {
			t.Fatalf("%d reminders the day after, want still 1", n)
		}
		now = now.AddDate(1, 1, 0)
		if _, err := svc.MoveHardship(ctx, "c1", h.ID, care.StageOut, "", nil); unionbot.ErrorCode(err) != unionbot.EINVALID {
			t.Fatalf("脱困 without a reason: %v, want EINVALID", err)
		}
		if _, err := svc.MoveHardship(ctx, "c1", h.ID, care.StageOut, "子女工作，家庭收入恢复", nil); err != nil {
			t.Fatal(err)
		}
		if n := remind(now.AddDate(0, 5, 0)); n != 1 {
			t.Fatalf("%d reminders 5 months after closing, want 1", n)
		}
		if n := remind(now.AddDate(0, 6, 1)); n != 2 {
			t.Fatalf("%d reminders 6 months after closing, want 2 (the 回访)", n)
		}
	})
}
