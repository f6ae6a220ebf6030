package storage

import (
	"context"
	"testing"
	"time"

	"unionbot/handlers/audit"
)

// TestAuditTriggers: on both databases the audit log refuses UPDATE and
// DELETE even from SQL the program does not have (a trigger from step 15).
func TestAuditTriggers(t *testing.T) {
	for driver, newURL := range testURLs(t) {
		t.Run(driver, func(t *testing.T) {
			ctx := context.Background()
			db, err := Open(ctx, newURL())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			e := &audit.Entry{At: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), Actor: "boss", Channel: "api", Action: "event.update", Outcome: audit.OK}
			if err := db.AddAudit(ctx, e); err != nil {
				t.Fatal(err)
			}
			if err := db.conn(ctx).Exec("UPDATE audit_log SET actor = 'someone else'").Error; err == nil {
				t.Error("UPDATE of audit_log succeeded")
			}
			if err := db.conn(ctx).Exec("DELETE FROM audit_log").Error; err == nil {
				t.Error("DELETE from audit_log succeeded")
			}
			list, err := db.ListAudit(ctx, audit.Filter{})
			if err != nil || len(list) != 1 || list[0].Actor != "boss" {
				t.Fatalf("after the attempts: %v %+v", err, list)
			}
		})
	}
}
