package storage

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// restoreBatch is how many rows one INSERT carries.
const restoreBatch = 100

// RestoreOptions are the switches of a restore.
type RestoreOptions struct {
	// Force empties a target that holds data; without it such a target
	// is refused (ErrTargetNotEmpty).
	Force bool
}

// ReadBackupHeader reads the first line of a backup: what it is, without
// loading it.
func ReadBackupHeader(r io.Reader) (*BackupInfo, error) {
	var line backupLine
	if err := json.NewDecoder(r).Decode(&line); err != nil || line.Header == nil || line.Header.Format != BackupFormat {
		return nil, ErrNotBackup
	}
	return line.Header, nil
}

// CheckBackup reads a whole backup without loading it: the header, every
// row's width and the trailer's counts. restore runs it first, so that a
// cut-off file is refused before the target is touched.
func CheckBackup(r io.Reader) (*BackupInfo, error) {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	var first backupLine
	if err := dec.Decode(&first); err != nil || first.Header == nil || first.Header.Format != BackupFormat {
		return nil, ErrNotBackup
	}
	counts := map[string]int{}
	table, width := "", 0
	for {
		var line backupLine
		if err := dec.Decode(&line); err == io.EOF {
			return nil, ErrBackupCut
		} else if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBackupCut, err)
		}
		switch {
		case line.End != nil:
			for t, n := range line.End {
				if counts[t] != n {
					return nil, fmt.Errorf("%w: %s has %d rows, the trailer says %d", ErrBackupCut, t, counts[t], n)
				}
			}
			first.Header.Rows = counts
			return first.Header, nil
		case line.Table != "":
			table, width = line.Table, len(line.Columns)
			counts[table] = 0
		case line.Row != nil:
			if table == "" || len(line.Row) != width {
				return nil, fmt.Errorf("%w: a row outside a table, or of the wrong width", ErrNotBackup)
			}
			counts[table]++
		}
	}
}

// Restore loads a backup written by Backup (from either driver) into db.
// The target must hold no rows unless opt.Force. Its tables are dropped
// and made again at the backup's schema version, the rows are inserted in
// one transaction, then the schema is migrated to this program's newest,
// so a backup from an older version comes up to date.
func (db *DB) Restore(ctx context.Context, r io.Reader, opt RestoreOptions) (*BackupInfo, error) {
	dec := json.NewDecoder(bufio.NewReaderSize(r, 1<<20))
	var first backupLine
	if err := dec.Decode(&first); err != nil || first.Header == nil || first.Header.Format != BackupFormat {
		return nil, ErrNotBackup
	}
	info := first.Header
	if info.Version != BackupVersion {
		return nil, fmt.Errorf("%w: format version %d", ErrNotBackup, info.Version)
	}
	if latest := migrations[len(migrations)-1].version; info.Schema > latest {
		return nil, fmt.Errorf("%w: backup at schema %d, this program knows up to %d", ErrBackupTooNew, info.Schema, latest)
	}
	rows, err := db.CountRows(ctx)
	if err != nil {
		return nil, err
	}
	if rows > 0 && !opt.Force {
		return nil, fmt.Errorf("%w: %d rows", ErrTargetNotEmpty, rows)
	}
	if err := db.dropTables(ctx); err != nil {
		return nil, err
	}
	if err := db.MigrateTo(ctx, info.Schema); err != nil {
		return nil, fmt.Errorf("restore: make the schema of version %d: %w", info.Schema, err)
	}
	counts, err := db.load(ctx, dec)
	if err != nil {
		return nil, err
	}
	info.Rows = counts
	db.forgetSessions()
	if err := db.Migrate(ctx); err != nil {
		return nil, fmt.Errorf("restore: migrate after loading: %w", err)
	}
	return info, nil
}

// CountRows is the number of rows in the bot's tables (the migrations'
// record aside): 0 for a new database.
func (db *DB) CountRows(ctx context.Context) (int, error) {
	tables, err := db.tables()
	if err != nil {
		return 0, err
	}
	total := 0
	for _, t := range tables {
		var n int
		if err := db.sql.QueryRowContext(ctx, "SELECT COUNT(*) FROM `"+t+"`").Scan(&n); err != nil {
			return 0, fmt.Errorf("count %s: %w", t, err)
		}
		total += n
	}
	return total, nil
}

func (db *DB) dropTables(ctx context.Context) error {
	tables, err := db.tables()
	if err != nil {
		return err
	}
	tables = append(tables, schemaMigration{}.TableName())
	for _, t := range tables {
		if err := db.conn(ctx).Migrator().DropTable(t); err != nil {
			return fmt.Errorf("restore: drop %s: %w", t, err)
		}
	}
	return nil
}

// load inserts the rows that follow the header, in one transaction; the
// trailer's counts must match what was read.
func (db *DB) load(ctx context.Context, dec *json.Decoder) (map[string]int, error) {
	counts := map[string]int{}
	tx, err := db.sql.BeginTx(ctx, nil)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	var (
		table string
		cols  []string
		batch [][]any
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := insertRows(ctx, tx, table, cols, batch)
		batch = batch[:0]
		return err
	}
	for {
		var line backupLine
		if err := dec.Decode(&line); err == io.EOF {
			return nil, ErrBackupCut
		} else if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBackupCut, err)
		}
		switch {
		case line.End != nil:
			if err := flush(); err != nil {
				return nil, err
			}
			for t, n := range line.End {
				if counts[t] != n {
					return nil, fmt.Errorf("%w: %s has %d rows, the trailer says %d", ErrBackupCut, t, counts[t], n)
				}
			}
			if err := tx.Commit(); err != nil {
				return nil, fmt.Errorf("restore: commit: %w", err)
			}
			return counts, nil
		case line.Table != "":
			if err := flush(); err != nil {
				return nil, err
			}
			table, cols = line.Table, line.Columns
			counts[table] = 0
		case line.Row != nil:
			if table == "" || len(line.Row) != len(cols) {
				return nil, fmt.Errorf("%w: a row outside a table, or of the wrong width", ErrNotBackup)
			}
			row := make([]any, len(cols))
			for i, raw := range line.Row {
				if row[i], err = decodeValue(raw); err != nil {
					return nil, fmt.Errorf("restore %s.%s: %w", table, cols[i], err)
				}
			}
			batch = append(batch, row)
			counts[table]++
			if len(batch) == restoreBatch {
				if err := flush(); err != nil {
					return nil, err
				}
			}
		}
	}
}

func insertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = "`" + c + "`"
	}
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	var args []any
	for _, r := range rows {
		args = append(args, r...)
	}
	q := "INSERT INTO `" + table + "` (" + strings.Join(quoted, ",") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(one+",", len(rows)), ",")
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("restore %s: %w", table, err)
	}
	return nil
}

// CopyData copies every row of from into to (migrate-data): the backup
// written by one is read by the other as it is written, no file between.
func CopyData(ctx context.Context, from, to *DB, opt RestoreOptions) (*BackupInfo, error) {
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := from.Backup(ctx, pw)
		pw.CloseWithError(err)
		done <- err
	}()
	info, err := to.Restore(ctx, pr, opt)
	pr.CloseWithError(io.ErrClosedPipe) // stops a dump the restore gave up on
	if berr := <-done; berr != nil && err == nil {
		err = berr
	}
	return info, err
}

// forgetSessions drops the in-memory sessions (CacheSessions): the table
// under them was replaced.
func (db *DB) forgetSessions() {
	if db.sessions != nil {
		db.sessions.Clear()
	}
}
