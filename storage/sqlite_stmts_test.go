package storage

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"
)

// TestSQLiteStatementCache: a statement prepared in one transaction is the
// same SQLite statement in the next (not prepared again); a second prepare
// of a text whose statement is still out (its rows open) gets its own;
// after a schema change (Migrate says so) "SELECT *" sees the new column.
func TestSQLiteStatementCache(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open(sqliteDriver, "file:"+filepath.Join(t.TempDir(), "c.db")+"?_journal_mode=WAL")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, "CREATE TABLE t (a INTEGER)"); err != nil {
		t.Fatal(err)
	}
	cached := func(query string) *cachedStmt {
		t.Helper()
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var s *cachedStmt
		if err := conn.Raw(func(dc any) error { s = dc.(*cachingConn).stmts[query]; return nil }); err != nil {
			t.Fatal(err)
		}
		return s
	}
	const insert = "INSERT INTO t (a) VALUES (?)"
	var first *cachedStmt
	for i := 1; i <= 3; i++ {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		st, err := tx.PrepareContext(ctx, insert)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.ExecContext(ctx, i); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		s := cached(insert)
		if s == nil || s.out {
			t.Fatalf("transaction %d: statement %+v, want cached and back", i, s)
		}
		if first == nil {
			first = s
		} else if s != first {
			t.Fatalf("transaction %d prepared the statement again", i)
		}
	}

	// Two holders of one text at once: each reads all three rows.
	const sel = "SELECT a FROM t ORDER BY a"
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	s1, err := tx.PrepareContext(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	rows1, err := s1.QueryContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	rows1.Next()
	s2, err := tx.PrepareContext(ctx, sel)
	if err != nil {
		t.Fatal(err)
	}
	rows2, err := s2.QueryContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sum := func(rows *sql.Rows, got int) int {
		for {
			var a int
			if err := rows.Scan(&a); err != nil {
				t.Fatal(err)
			}
			got += a
			if !rows.Next() {
				break
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		return got
	}
	rows2.Next()
	if a, b := sum(rows2, 0), sum(rows1, 0); a != 6 || b != 6 {
		t.Fatalf("interleaved reads summed %d and %d, want 6 and 6", a, b)
	}
	s1.Close()
	s2.Close()
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}

	// A schema change recompiles the cached statement.
	const all = "SELECT * FROM t LIMIT 1"
	cols := func() []string {
		rows, err := db.QueryContext(ctx, all)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		c, _ := rows.Columns()
		return c
	}
	st, err := db.PrepareContext(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	if _, err := db.ExecContext(ctx, "ALTER TABLE t ADD COLUMN b TEXT"); err != nil {
		t.Fatal(err)
	}
	sqliteSchemaChanged() // as Migrate does after each step
	st, err = db.PrepareContext(ctx, all)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := st.QueryContext(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := rows.Columns()
	rows.Close()
	st.Close()
	if len(c) != 2 || len(cols()) != 2 {
		t.Fatalf("columns after ALTER: %v", c)
	}
}
