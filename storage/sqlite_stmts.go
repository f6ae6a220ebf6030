package storage

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"sync/atomic"

	"github.com/mattn/go-sqlite3"
)

// sqliteDriver is mattn/go-sqlite3 with a cache of prepared statements on
// each connection. gorm prepares a statement first met in a transaction on
// that transaction, and database/sql prepares it again on every later
// transaction and finalizes it at the end (go-gorm/gorm#4644,
// golang/go#28130): sqlite3_prepare_v2 was 11% of the bot's CPU in a
// sign-up storm on SQLite. Here a statement finalized by database/sql goes
// back to its connection's cache, and the next prepare of the same text on
// that connection takes it (SQLite resets a statement when it is bound
// again, and recompiles it itself after a schema change). A statement is
// handed to one holder at a time: a prepare while the cached one is out
// gets a statement of its own.
//
// SQLite recompiles a statement after a schema change only when it is
// stepped, after mattn's driver has read its column count: a cached
// "SELECT *" would read the old columns. Migrate (this process's only DDL
// on a running database) calls sqliteSchemaChanged, and every connection
// empties its cache before its next prepare.
const sqliteDriver = "sqlite3_unionbot"

// sqliteSchemaEpoch counts schema changes; a connection whose cache is
// older empties it.
var sqliteSchemaEpoch atomic.Int64

// sqliteSchemaChanged makes every connection prepare its statements anew.
func sqliteSchemaChanged() { sqliteSchemaEpoch.Add(1) }

// maxCachedStmts bounds each connection's cache: gorm's statements are a
// few hundred texts, but an IN list makes a new text for each length.
const maxCachedStmts = 512

func init() {
	sql.Register(sqliteDriver, &cachingDriver{})
}

type cachingDriver struct{ sqlite3.SQLiteDriver }

func (d *cachingDriver) Open(dsn string) (driver.Conn, error) {
	c, err := d.SQLiteDriver.Open(dsn)
	if err != nil {
		return nil, err
	}
	sc, ok := c.(*sqlite3.SQLiteConn)
	if !ok {
		c.Close()
		return nil, fmt.Errorf("sqlite3 driver returned %T", c)
	}
	return &cachingConn{SQLiteConn: sc, stmts: map[string]*cachedStmt{}, epoch: sqliteSchemaEpoch.Load()}, nil
}

// cachingConn is one SQLite connection with its statement cache;
// database/sql uses a connection from one goroutine at a time, so the
// cache needs no lock.
type cachingConn struct {
	*sqlite3.SQLiteConn
	stmts map[string]*cachedStmt
	epoch int64 // sqliteSchemaEpoch when the cache was last emptied
}

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if e := sqliteSchemaEpoch.Load(); e != c.epoch {
		c.empty()
		c.epoch = e
	}
	if s, ok := c.stmts[query]; ok && !s.out {
		s.out = true
		return s, nil
	}
	st, err := c.SQLiteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	s := &cachedStmt{SQLiteStmt: st.(*sqlite3.SQLiteStmt), out: true}
	if _, taken := c.stmts[query]; !taken && len(c.stmts) < maxCachedStmts {
		s.kept = true
		c.stmts[query] = s
	}
	return s, nil
}

// empty finalizes the cached statements not out now; those out are
// finalized when database/sql closes them.
func (c *cachingConn) empty() {
	for q, s := range c.stmts {
		s.kept = false
		if !s.out {
			s.SQLiteStmt.Close()
		}
		delete(c.stmts, q)
	}
}

// Close finalizes the cached statements, then closes the connection.
func (c *cachingConn) Close() error {
	c.empty()
	return c.SQLiteConn.Close()
}

// cachedStmt is a statement that, when kept in its connection's cache,
// goes back to it on Close instead of being finalized.
type cachedStmt struct {
	*sqlite3.SQLiteStmt
	kept bool // in the cache: Close hands it back
	out  bool // held by database/sql now
}

func (s *cachedStmt) Close() error {
	if !s.kept {
		return s.SQLiteStmt.Close()
	}
	s.out = false // database/sql closes a statement only after its rows
	return nil
}
