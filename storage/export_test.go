package storage

import "context"

// FlushReplays runs the replay cache's writer once, as its ticker would.
func (db *DB) FlushReplays() { db.replayCache.flush(db) }

// HoldWriter begins a transaction on the writing connection and returns
// its rollback: SQLite's only writer is busy until then.
func (db *DB) HoldWriter(ctx context.Context) (func(), error) {
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE members SET name = name WHERE user_id = ?", "nobody"); err != nil {
		tx.Rollback()
		return nil, err
	}
	return func() { tx.Rollback() }, nil
}

// ExecRaw runs one statement: tests of a migration write rows in the shape
// of the schema before it, which today's row types no longer have.
func (db *DB) ExecRaw(ctx context.Context, query string, args ...any) error {
	return db.conn(ctx).Exec(query, args...).Error
}
