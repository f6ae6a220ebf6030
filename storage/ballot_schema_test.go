package storage

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
)

// TestBallotTablesHoldNoLink: the stored ballots have a ballot id, a
// receipt and the answers, and nothing else (no member, no time); the
// turnout has a ballot id and a member, nothing else; and on SQLite
// neither has a rowid that would keep the order of casting.
func TestBallotTablesHoldNoLink(t *testing.T) {
	ctx := context.Background()
	urls := map[string]string{"sqlite": "sqlite://" + filepath.Join(t.TempDir(), "ballots.db")}
	if base := os.Getenv("UNIONBOT_TEST_MYSQL"); base != "" {
		name := fmt.Sprintf("unionbot_schema%d", time.Now().UnixNano()%1e9)
		u, err := CreateDatabase(ctx, base, name)
		if err != nil {
			t.Fatal(err)
		}
		defer DropDatabase(ctx, base, name)
		urls["mysql"] = u
	}
	for driver, url := range urls {
		t.Run(driver, func(t *testing.T) {
			db, err := Open(ctx, url)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"ballot_votes": "answers,ballot_id,receipt", "ballot_turnout": "ballot_id,user_id"}
			for table, cols := range want {
				got, err := db.gorm.WithContext(ctx).Migrator().ColumnTypes(table)
				if err != nil {
					t.Fatal(err)
				}
				var names []string
				for _, c := range got {
					names = append(names, strings.ToLower(c.Name()))
				}
				sort.Strings(names)
				if strings.Join(names, ",") != cols {
					t.Errorf("%s columns = %v, want %s", table, names, cols)
				}
				if driver == "sqlite" {
					err := db.gorm.WithContext(ctx).Session(&gorm.Session{}).Exec("SELECT rowid FROM " + table).Error
					if err == nil {
						t.Errorf("%s has a rowid, which keeps the order of insertion", table)
					}
				}
			}
		})
	}
}
