package storage

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"unionbot/bot"
)

// sessionWriter commits session saves and deletes in groups. Each caller
// waits until its own change is committed, so a reply never goes out for
// a step the table does not hold; but the changes that arrive while one
// group is being written go together in the next group's transaction, so a
// busy bot pays one commit (one WAL append on SQLite) for many teachers
// instead of one each. One writer per database, so groups never overlap.
type sessionWriter struct {
	db    *DB
	queue groupQueue[struct{}, *sessionChange]
	mu    sync.Mutex // guards the statements
	// save and del are prepared on first use; only drain uses them.
	save, del *sql.Stmt
}

// sessionChange is one save (data set) or delete (data "").
type sessionChange struct {
	userID  string
	data    string
	expires time.Time
	updated time.Time
	decoded *bot.Session // the saved session, for the cache; nil for a delete
	done    chan error
}

// write queues c and waits for the group that carries it to commit.
func (w *sessionWriter) write(c *sessionChange) error {
	c.done = make(chan error, 1)
	if w.queue.add(struct{}{}, c) {
		go w.drain()
	}
	return <-c.done
}

// close closes the prepared statements; call it after the last write.
func (w *sessionWriter) close() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.save != nil {
		w.save.Close()
		w.del.Close()
		w.save, w.del = nil, nil
	}
}

// drain writes groups until the queue is empty.
func (w *sessionWriter) drain() {
	for group := w.queue.take(struct{}{}, 0); group != nil; group = w.queue.take(struct{}{}, 0) {
		err := w.db.commitSessions(group)
		for _, c := range group { // in arrival order: the last change to a user wins
			switch {
			case err != nil:
				w.db.forgetSession(c.userID) // the table decides again
			case c.decoded == nil:
				w.db.cacheSession(c.userID, cachedSession{})
			default:
				w.db.cacheSession(c.userID, cachedSession{expires: c.expires, decoded: c.decoded})
			}
		}
		for _, c := range group {
			c.done <- err
		}
	}
}

// commitSessions writes a group, in plain SQL through statements prepared
// once: alone, a change is one statement in its own implicit transaction;
// several go in one transaction. The last change to each user counts.
func (db *DB) commitSessions(group []*sessionChange) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	save, del, err := db.sessionStatements(ctx)
	if err != nil {
		return err
	}
	if len(group) == 1 {
		return db.execSessionChange(ctx, save, del, group[0])
	}
	last := make(map[string]*sessionChange, len(group))
	for _, c := range group {
		last[c.userID] = c
	}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("save sessions: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // after Commit it does nothing
	txSave, txDel := tx.StmtContext(ctx, save), tx.StmtContext(ctx, del)
	for _, c := range group {
		if last[c.userID] != c {
			continue // a later change to the same user replaces it
		}
		if err := db.execSessionChange(ctx, txSave, txDel, c); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return mapErr(err, "save session", "", "")
	}
	return nil
}

func (db *DB) execSessionChange(ctx context.Context, save, del *sql.Stmt, c *sessionChange) error {
	if c.decoded == nil {
		_, err := del.ExecContext(ctx, c.userID)
		return mapErr(err, "delete session", "", "")
	}
	_, err := save.ExecContext(ctx, c.userID, c.data, c.expires, c.updated)
	return mapErr(err, "save session", "", "")
}

// sessionStatements prepares, once, the upsert and the delete.
func (db *DB) sessionStatements(ctx context.Context) (save, del *sql.Stmt, err error) {
	w := db.sessionWriter
	w.mu.Lock() // against close; the first group waits for the preparing
	defer w.mu.Unlock()
	if w.save != nil {
		return w.save, w.del, nil
	}
	upsert := "INSERT INTO sessions (user_id, data, expires_at, updated_at) VALUES (?,?,?,?)"
	if db.driver == "mysql" {
		upsert += " ON DUPLICATE KEY UPDATE data = VALUES(data), expires_at = VALUES(expires_at), updated_at = VALUES(updated_at)"
	} else {
		upsert += " ON CONFLICT(user_id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at, updated_at = excluded.updated_at"
	}
	if w.save, err = db.sql.PrepareContext(ctx, upsert); err != nil {
		return nil, nil, fmt.Errorf("prepare session upsert: %w", err)
	}
	if w.del, err = db.sql.PrepareContext(ctx, "DELETE FROM sessions WHERE user_id = ?"); err != nil {
		w.save.Close()
		w.save = nil
		return nil, nil, fmt.Errorf("prepare session delete: %w", err)
	}
	return w.save, w.del, nil
}
