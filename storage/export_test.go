package storage

import (
	"context"
	"strings"

	"unionbot"
)

// EnqueueStep1 queues n in the notices table as steps 1 to 15 had it,
// for tests that run a later step over a database of an earlier one
// (today's notice row has columns step 16 added).
func (db *DB) EnqueueStep1(ctx context.Context, n *unionbot.Notice) error {
	now := db.now()
	return db.conn(ctx).Create(&s1Notice{ToUsers: strings.Join(n.ToUsers, "|"), Text: n.Text, Kind: n.Kind,
		Status: unionbot.NoticePending, NextAt: now, LeasedUntil: epoch, CreatedAt: now}).Error
}
