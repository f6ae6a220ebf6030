package storage

import (
	"context"
	"strings"

	"unionbot"
)

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

// EnqueueStep1 queues n in the notices table as steps 1 to 15 had it,
// for tests that run a later step over a database of an earlier one
// (today's notice row has columns step 16 added).
func (db *DB) EnqueueStep1(ctx context.Context, n *unionbot.Notice) error {
	now := db.now()
	return db.conn(ctx).Create(&s1Notice{ToUsers: strings.Join(n.ToUsers, "|"), Text: n.Text, Kind: n.Kind,
		Status: unionbot.NoticePending, NextAt: now, LeasedUntil: epoch, CreatedAt: now}).Error
}

// UseClaimScript makes setOnce run its Lua script, as it does against a
// server older than Redis 7.0.
func (r *Redis) UseClaimScript() { r.scriptedSetOnce.Store(true) }
