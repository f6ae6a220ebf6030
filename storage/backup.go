package storage

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// The backup format is ours and portable: JSON lines, one header, then per
// table a line naming its columns followed by one line per row, then a
// trailer with the row count (a cut-off file is refused). A value is null,
// a number, a string, {"t": RFC 3339} for a time or {"b": base64} for
// bytes, so a dump of SQLite loads into MariaDB and back.
const (
	BackupFormat  = "unionbot-backup"
	BackupVersion = 1
)

// Errors Restore and Backup return for the CLI to word.
var (
	ErrNotBackup      = errors.New("not a unionbot backup")
	ErrBackupTooNew   = errors.New("the backup's schema is newer than this program's")
	ErrTargetNotEmpty = errors.New("the target database is not empty")
	ErrBackupCut      = errors.New("the backup file is incomplete")
	ErrNoSchema       = errors.New("the database has no unionbot schema")
)

// BackupInfo describes a backup: where it came from and what it holds.
type BackupInfo struct {
	Format    string         `json:"format"`
	Version   int            `json:"version"`
	Schema    int            `json:"schema"`
	Driver    string         `json:"driver"`
	CreatedAt time.Time      `json:"created_at"`
	Rows      map[string]int `json:"rows,omitempty"` // set by the trailer
}

// Total is the number of rows in all tables.
func (b *BackupInfo) Total() int {
	n := 0
	for _, c := range b.Rows {
		n += c
	}
	return n
}

type backupLine struct {
	Header  *BackupInfo       `json:"header,omitempty"`
	Table   string            `json:"table,omitempty"`
	Columns []string          `json:"columns,omitempty"`
	Row     []json.RawMessage `json:"r,omitempty"`
	End     map[string]int    `json:"end,omitempty"`
}

// querier is a transaction or a connection that reads one snapshot.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Backup writes every table of the database to w as one consistent
// snapshot. SQLite: an online copy (VACUUM INTO, which does not stop the
// running bot) is dumped. MySQL: one REPEATABLE READ transaction WITH
// CONSISTENT SNAPSHOT reads every table.
func (db *DB) Backup(ctx context.Context, w io.Writer) (*BackupInfo, error) {
	schema, err := db.SchemaVersion(ctx)
	if err != nil || schema == 0 {
		return nil, fmt.Errorf("%w (%v)", ErrNoSchema, err)
	}
	info := &BackupInfo{Format: BackupFormat, Version: BackupVersion, Schema: schema, Driver: db.driver, CreatedAt: db.now()}
	if db.driver == "sqlite" {
		dir, err := os.MkdirTemp("", "unionbot-backup-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		snap := filepath.Join(dir, "snapshot.db")
		if _, err := db.sql.ExecContext(ctx, "VACUUM INTO ?", snap); err != nil {
			return nil, fmt.Errorf("backup: VACUUM INTO: %w", err)
		}
		s, err := Open(ctx, "sqlite://"+snap)
		if err != nil {
			return nil, err
		}
		defer s.Close()
		tables, err := s.tables()
		if err != nil {
			return nil, err
		}
		return info, dump(ctx, s.sql, tables, info, w)
	}
	tables, err := db.tables()
	if err != nil {
		return nil, err
	}
	conn, err := db.sql.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"); err != nil {
		return nil, fmt.Errorf("backup: start snapshot: %w", err)
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")
	return info, dump(ctx, conn, tables, info, w)
}

// tables lists the bot's tables: every table its migrations make or once
// made (ownTables) but the migrations' own record (a restore migrates the
// target itself), SQLite's internals and the outbox's sender lease, which
// belongs to the running process (a restored lease would keep the
// restored bot from sending until it ran out). Another program's tables in
// the same database are neither backed up, nor counted, nor dropped.
func (db *DB) tables() ([]string, error) {
	own, err := ownTables()
	if err != nil {
		return nil, err
	}
	all, err := db.gorm.Migrator().GetTables()
	if err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	var out []string
	for _, t := range all {
		if own[t] && t != (schemaMigration{}).TableName() && t != "outbox_leases" {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out, nil
}

var ownTablesOnce = sync.OnceValues(schemaTables)

// ownTables is every table the migrations make, at any version: a backup
// from an older schema may hold a table a later step renamed or dropped.
func ownTables() (map[string]bool, error) { return ownTablesOnce() }

// schemaTables runs the migrations one step at a time on a scratch SQLite
// file and collects the tables after each step. Table names are the same
// on both drivers (the row types name them).
func schemaTables() (map[string]bool, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "unionbot-schema-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	s, err := Open(ctx, "sqlite://"+filepath.Join(dir, "schema.db"))
	if err != nil {
		return nil, err
	}
	defer s.Close()
	versions := make([]int, 0, len(migrations))
	for _, m := range migrations {
		versions = append(versions, m.version)
	}
	sort.Ints(versions)
	own := map[string]bool{}
	for _, v := range versions {
		if err := s.MigrateTo(ctx, v); err != nil {
			return nil, fmt.Errorf("list the schema's tables: %w", err)
		}
		all, err := s.gorm.Migrator().GetTables()
		if err != nil {
			return nil, fmt.Errorf("list the schema's tables: %w", err)
		}
		for _, t := range all {
			if !strings.HasPrefix(t, "sqlite_") {
				own[t] = true
			}
		}
	}
	return own, nil
}

func dump(ctx context.Context, q querier, tables []string, info *BackupInfo, w io.Writer) error {
	enc := json.NewEncoder(w)
	if err := enc.Encode(backupLine{Header: info}); err != nil {
		return err
	}
	counts := map[string]int{}
	for _, t := range tables {
		n, err := dumpTable(ctx, q, t, enc)
		if err != nil {
			return fmt.Errorf("backup %s: %w", t, err)
		}
		counts[t] = n
	}
	info.Rows = counts
	return enc.Encode(backupLine{End: counts})
}

func dumpTable(ctx context.Context, q querier, table string, enc *json.Encoder) (int, error) {
	rows, err := q.QueryContext(ctx, "SELECT * FROM `"+table+"`")
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	types, err := rows.ColumnTypes()
	if err != nil {
		return 0, err
	}
	cols := make([]string, len(types))
	kinds := make([]string, len(types))
	for i, ct := range types {
		cols[i], kinds[i] = ct.Name(), columnKind(ct.DatabaseTypeName())
	}
	if err := enc.Encode(backupLine{Table: table, Columns: cols}); err != nil {
		return 0, err
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return n, err
		}
		row := make([]json.RawMessage, len(vals))
		for i, v := range vals {
			if row[i], err = encodeValue(v, kinds[i]); err != nil {
				return n, fmt.Errorf("column %s: %w", cols[i], err)
			}
		}
		if err := enc.Encode(backupLine{Row: row}); err != nil {
			return n, err
		}
		n++
	}
	return n, rows.Err()
}

// columnKind sorts a column's declared type (SQLite's or MySQL's) into
// what its values are: int, float, time, bytes or text.
func columnKind(dbType string) string {
	t := strings.ToUpper(dbType)
	switch {
	case strings.Contains(t, "INT"):
		return "int"
	case strings.Contains(t, "BLOB") || strings.Contains(t, "BINARY"):
		return "bytes"
	case strings.Contains(t, "DATE") || strings.Contains(t, "TIME"):
		return "time"
	case strings.Contains(t, "REAL") || strings.Contains(t, "FLOAT") || strings.Contains(t, "DOUBLE"):
		return "float"
	case t == "NUMERIC" || t == "DECIMAL" || t == "BOOL" || t == "BOOLEAN":
		return "number"
	}
	return "text"
}

type timeValue struct {
	T string `json:"t"`
}

type bytesValue struct {
	B string `json:"b"`
}

// encodeValue writes one scanned value; the MySQL driver gives most
// values as text bytes, SQLite as Go types, so kind decides.
func encodeValue(v any, kind string) (json.RawMessage, error) {
	if b, ok := v.([]byte); ok && kind != "bytes" {
		v = string(b)
	}
	switch x := v.(type) {
	case nil:
		return json.RawMessage("null"), nil
	case time.Time:
		return json.Marshal(timeValue{x.UTC().Format(time.RFC3339Nano)})
	case []byte:
		return json.Marshal(bytesValue{base64.StdEncoding.EncodeToString(x)})
	case string:
		switch kind {
		case "int", "float", "number":
			if _, err := strconv.ParseFloat(x, 64); err == nil {
				return json.RawMessage(x), nil
			}
		case "time":
			if t, ok := parseTime(x); ok {
				return json.Marshal(timeValue{t.UTC().Format(time.RFC3339Nano)})
			}
		}
	}
	return json.Marshal(v)
}

// parseTime reads a time kept as text: SQLite's formats, MySQL's without
// parseTime.
func parseTime(s string) (time.Time, bool) {
	formats := append([]string{time.RFC3339Nano, "2006-01-02 15:04:05.999999999"}, sqlite3.SQLiteTimestampFormats...)
	for _, f := range formats {
		if t, err := time.Parse(f, s); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// decodeValue reads one value of a row back.
func decodeValue(raw json.RawMessage) (any, error) {
	s := strings.TrimSpace(string(raw))
	switch {
	case s == "null":
		return nil, nil
	case strings.HasPrefix(s, "{"):
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, err
		}
		if t, ok := m["t"]; ok {
			return time.Parse(time.RFC3339Nano, t)
		}
		if b, ok := m["b"]; ok {
			return base64.StdEncoding.DecodeString(b)
		}
		return nil, fmt.Errorf("unknown value %s", s)
	case strings.HasPrefix(s, "\""):
		var str string
		err := json.Unmarshal(raw, &str)
		return str, err
	case s == "true" || s == "false":
		return s == "true", nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return n, nil
	}
	return strconv.ParseFloat(s, 64)
}
