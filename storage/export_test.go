package storage

// FlushReplays runs the replay cache's writer once, as its ticker would.
func (db *DB) FlushReplays() { db.replayCache.flush(db) }
