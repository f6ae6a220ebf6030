package storage

import (
	"context"
	"database/sql"
	"time"

	"unionbot"
)

// SQLDB is the connection pool, for the metrics of its statistics.
func (db *DB) SQLDB() *sql.DB { return db.sql }

// OutboxBacklog counts the notices not delivered yet (pending, retries
// included) and gives the creation time of the oldest, zero when there is
// none: the outbox's gauges on /metrics.
func (db *DB) OutboxBacklog(ctx context.Context) (int, time.Time, error) {
	var n int64
	q := db.conn(ctx).Model(&noticeRow{}).Where("status = ?", unionbot.NoticePending)
	if err := q.Count(&n).Error; err != nil {
		return 0, time.Time{}, mapErr(err, "count pending notices", "", "")
	}
	if n == 0 {
		return 0, time.Time{}, nil
	}
	// Ids grow with creation, so the lowest pending id is the oldest.
	var rows []noticeRow
	err := db.conn(ctx).Select("id", "created_at").Where("status = ?", unionbot.NoticePending).
		Order("id").Limit(1).Find(&rows).Error
	if err != nil {
		return 0, time.Time{}, mapErr(err, "find the oldest pending notice", "", "")
	}
	if len(rows) == 0 { // delivered in between
		return int(n), time.Time{}, nil
	}
	return int(n), rows[0].CreatedAt, nil
}
