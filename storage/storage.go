// Package storage implements the stores the bot and its features declare,
// on gorm (MySQL/MariaDB in production, SQLite as the embedded default) and
// on Redis or in-process memory for the short-lived things (dedup, locks,
// rate limits, token cache). It is the only package that imports gorm or
// go-redis; its row types are unexported and mapped to domain types here.
package storage

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"
	sqlite3 "github.com/mattn/go-sqlite3"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"
	"gorm.io/plugin/dbresolver"

	"unionbot"
	"unionbot/config"
	"unionbot/handlers/audit"
)

// DB is the relational store.
type DB struct {
	gorm   *gorm.DB
	sql    *sql.DB
	driver string // "sqlite" or "mysql"
	// Now is the store's clock, for tests that stand on a given day.
	Now func() time.Time

	replays uint64 // callbacks recorded, for sweeping old ones now and then

	// sessions, when not nil, serves sessions from memory in front of the
	// table (see CacheSessions).
	sessions *sync.Map
	// links, with sessions, keeps follower → member links (""
	// for none) in memory.
	links *sync.Map
	// sessionWriter commits session changes in groups.
	sessionWriter *sessionWriter
	// replayCache, when not nil, keeps callback sightings in memory in
	// front of their table (see CacheReplays).
	replayCache *replayCache
	// signups groups concurrent sign-ups for one event (SignUp).
	signups signupBatches
}

// Open connects to the database named by a UNIONBOT_DB value
// (sqlite://FILE or mysql://user:pass@tcp(host:port)/db?...). It does not
// migrate; call Migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	driver, dsn, err := config.ParseDB(url)
	if err != nil {
		return nil, err
	}
	gcfg := &gorm.Config{
		Logger:                 logger.Default.LogMode(logger.Silent), // queries hold teachers' words
		SkipDefaultTransaction: true,
		PrepareStmt:            true,
		NowFunc:                func() time.Time { return time.Now().UTC() },
	}
	var dialector gorm.Dialector
	var readDSN string // SQLite: the read-only pool beside the writer
	switch driver {
	case "sqlite":
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		file := dsn
		dsn = "file:" + file + sep + "_journal_mode=WAL&_busy_timeout=10000&_txlock=immediate&_synchronous=NORMAL&_foreign_keys=1"
		if file != ":memory:" && !strings.Contains(file, "mode=memory") {
			readDSN = "file:" + file + sep + "mode=ro&_busy_timeout=10000&_foreign_keys=1"
		}
		dialector = sqlite.New(sqlite.Config{DriverName: sqliteDriver, DSN: dsn})
	case "mysql":
		// Values go in the statement's text (the driver escapes them),
		// not as server-side prepared statements: gorm prepares a statement
		// first met in a transaction on that transaction, and database/sql
		// prepares such a statement again, runs it and closes it in every
		// later transaction, so each statement of a sign-up was three round
		// trips and a parse (Com_stmt_prepare 6.1 a sign-up in the storm).
		mc, err := mysql.ParseDSN(dsn)
		if err != nil {
			return nil, fmt.Errorf("UNIONBOT_DB: %w", err)
		}
		mc.InterpolateParams = true
		gcfg.PrepareStmt = false
		// Without RETURNING, RowsAffected means rows changed on MariaDB too
		// (with it, an upsert that changed nothing still "affects" 1 row).
		dialector = gormmysql.New(gormmysql.Config{DSN: mc.FormatDSN(), DisableWithReturning: true})
	}
	g, err := gorm.Open(dialector, gcfg)
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", driver, err)
	}
	sqlDB, err := g.DB()
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", driver, err)
	}
	if driver == "sqlite" {
		// One writing connection: SQLite has one writer anyway, and this
		// keeps transactions from ever waiting on each other's file locks.
		// Reads outside a transaction go to a read-only pool beside it (gorm's
		// dbresolver), which WAL lets run while the writer writes, so a
		// read does not queue behind every write.
		sqlDB.SetMaxOpenConns(1)
		if err := sqlDB.PingContext(ctx); err != nil { // creates the file, in WAL mode, before readers open it
			sqlDB.Close()
			return nil, fmt.Errorf("connect to %s database: %w", driver, err)
		}
		if readDSN != "" { // none for an in-memory database: it is its one connection's alone
			readers := max(2, runtime.GOMAXPROCS(0))
			resolver := dbresolver.Register(dbresolver.Config{Replicas: []gorm.Dialector{sqlite.New(sqlite.Config{DriverName: sqliteDriver, DSN: readDSN})}}).
				SetMaxOpenConns(readers).SetMaxIdleConns(readers)
			if err := g.Use(resolver); err != nil {
				sqlDB.Close()
				return nil, fmt.Errorf("open %s database readers: %w", driver, err)
			}
		}
	} else {
		// Sized for the cores: a message holds a connection only for its
		// queries, so a few per core keep every core busy while others
		// wait on the network; MariaDB's own default allows 151.
		conns := max(16, 4*runtime.GOMAXPROCS(0))
		sqlDB.SetMaxOpenConns(conns)
		sqlDB.SetMaxIdleConns(conns)
		sqlDB.SetConnMaxLifetime(10 * time.Minute)
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("connect to %s database: %w", driver, err)
	}
	db := &DB{gorm: g, sql: sqlDB, driver: driver}
	db.sessionWriter = &sessionWriter{db: db}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	if db.replayCache != nil {
		db.replayCache.close()
		db.replayCache = nil
	}
	db.sessionWriter.close()
	return db.sql.Close()
}

// Driver is "sqlite" or "mysql".
func (db *DB) Driver() string { return db.driver }

// Ping checks the database answers, for /healthz.
func (db *DB) Ping(ctx context.Context) error { return db.sql.PingContext(ctx) }

func (db *DB) now() time.Time {
	if db.Now != nil {
		return db.Now().UTC()
	}
	return time.Now().UTC()
}

// conn is the gorm handle bound to ctx.
func (db *DB) conn(ctx context.Context) *gorm.DB { return db.gorm.WithContext(ctx) }

// transact runs fn in a transaction, retrying a few times when the database
// reports a deadlock or a busy file, which concurrent sign-ups cause.
// Inside fn use only tx: never db, or SQLite's single connection deadlocks.
//
// When ctx carries an admin change ready to be recorded (audit.Begin and
// After), its audit entry is written at the end of fn, in the same
// transaction: the change and its record commit or roll back together.
func (db *DB) transact(ctx context.Context, fn func(tx *gorm.DB) error) error {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		var change *audit.Change
		err = db.conn(ctx).Transaction(func(tx *gorm.DB) error {
			if err := fn(tx); err != nil {
				return err
			}
			var err error
			change, err = db.writePending(ctx, tx)
			return err
		})
		if err == nil && change != nil {
			change.Written()
		}
		if !retryable(err) || ctx.Err() != nil {
			return err
		}
		time.Sleep(time.Duration(attempt+1) * 10 * time.Millisecond)
	}
	return err
}

// retryable reports errors after which the same transaction may succeed.
func retryable(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1213 || me.Number == 1205 // deadlock, lock wait timeout
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.Code == sqlite3.ErrBusy || se.Code == sqlite3.ErrLocked
	}
	return errors.Is(err, mysql.ErrInvalidConn) || errors.Is(err, sql.ErrConnDone)
}

// mapErr turns database errors into domain errors: a missing row is
// ENOTFOUND, a duplicate key ECONFLICT with msg; anything else is wrapped.
func mapErr(err error, op string, notFound, conflict string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, gorm.ErrRecordNotFound):
		return unionbot.Errorf(unionbot.ENOTFOUND, "%s", notFound)
	case isDuplicate(err):
		return unionbot.Errorf(unionbot.ECONFLICT, "%s", conflict)
	}
	return fmt.Errorf("%s: %w", op, err)
}

// isDuplicate reports a unique-key violation on either database.
func isDuplicate(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1062
	}
	var se sqlite3.Error
	if errors.As(err, &se) {
		return se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
	}
	return errors.Is(err, gorm.ErrDuplicatedKey)
}

// CreateDatabase creates database name on the MySQL server of url (whose own
// database must exist) and returns a url for it. Tests use it to get a fresh
// database each.
func CreateDatabase(ctx context.Context, url, name string) (string, error) {
	db, err := Open(ctx, url)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if err := db.conn(ctx).Exec("CREATE DATABASE IF NOT EXISTS `" + name + "` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci").Error; err != nil {
		return "", fmt.Errorf("create database %s: %w", name, err)
	}
	at := strings.LastIndex(url, "@")
	slash := at + strings.Index(url[at:], "/")
	rest := ""
	if q := strings.Index(url[slash:], "?"); q >= 0 {
		rest = url[slash+q:]
	}
	return url[:slash+1] + name + rest, nil
}

// DropDatabase drops database name on the server of url.
func DropDatabase(ctx context.Context, url, name string) error {
	db, err := Open(ctx, url)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.conn(ctx).Exec("DROP DATABASE IF EXISTS `" + name + "`").Error
}
