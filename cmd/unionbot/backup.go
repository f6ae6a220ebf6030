package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"unionbot/config"
	"unionbot/storage"
)

// runBackup is `unionbot backup FILE`: a consistent copy of the database
// named by UNIONBOT_DB, taken while the bot runs.
func runBackup(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("backup", e)
	fs.Usage = fileUsage(e, fs, "backup", "备份文件（以 .gz 结尾则压缩）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("backup: 请给出一个备份文件名，如 unionbot backup unionbot-20260301.jsonl.gz")
	}
	cfg, err := config.Load(*cfgPath, e.getenv)
	if err != nil {
		return err
	}
	if driver, file, _ := config.ParseDB(cfg.DB); driver == "sqlite" {
		if _, err := os.Stat(file); err != nil { // Open would make an empty one
			return fmt.Errorf("backup: UNIONBOT_DB 指向的数据库文件 %s 不存在", file)
		}
	}
	db, err := storage.Open(ctx, cfg.DB)
	if err != nil {
		return fmt.Errorf("UNIONBOT_DB: %w", err)
	}
	defer db.Close()
	path := fs.Arg(0)
	info, err := writeBackup(ctx, db, path)
	if errors.Is(err, storage.ErrNoSchema) {
		return fmt.Errorf("backup: UNIONBOT_DB 指向的数据库里没有工会助手的数据（%v）", err)
	} else if err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	fmt.Fprintf(e.stdout, "已备份到 %s：%d 张表，%d 行，数据库结构版本 %d（%s）。\n", path, len(info.Rows), info.Total(), info.Schema, info.Driver)
	if cfg.Redis != "" {
		fmt.Fprintln(e.stdout, "注意：Redis（UNIONBOT_REDIS）里的会话（填到一半的表单）不在备份里；通知、名单、建议等都在。")
	}
	return nil
}

// writeBackup writes the dump next to path and renames it into place, so
// a failed backup never leaves a cut-off file under the name.
func writeBackup(ctx context.Context, db *storage.DB, path string) (*storage.BackupInfo, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	defer tmp.Close()
	if err := tmp.Chmod(0o600); err != nil { // teachers' data
		return nil, err
	}
	bw := bufio.NewWriterSize(tmp, 1<<20)
	var w io.Writer = bw
	var gz *gzip.Writer
	if strings.HasSuffix(path, ".gz") {
		gz = gzip.NewWriter(bw)
		w = gz
	}
	info, err := db.Backup(ctx, w)
	if err != nil {
		return nil, err
	}
	if gz != nil {
		if err := gz.Close(); err != nil {
			return nil, err
		}
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	return info, os.Rename(tmp.Name(), path)
}

// runRestore is `unionbot restore FILE`: load a backup into the database
// named by UNIONBOT_DB (either driver), then migrate it.
func runRestore(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("restore", e)
	force := fs.Bool("force", false, "目标数据库已有数据时也恢复（先清空它）")
	fs.Usage = fileUsage(e, fs, "restore", "unionbot backup 写出的备份文件")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("restore: 请给出一个备份文件名")
	}
	cfg, err := config.Load(*cfgPath, e.getenv)
	if err != nil {
		return err
	}
	path := fs.Arg(0)
	open := func() (io.Reader, func(), error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		r, err := maybeGunzip(f)
		if err != nil {
			f.Close()
			return nil, nil, err
		}
		return r, func() { f.Close() }, nil
	}
	// Read it through once before the target is touched.
	r, done, err := open()
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	_, err = storage.CheckBackup(r)
	done()
	if err != nil {
		return fmt.Errorf("restore %s: %s", path, restoreProblem(err, "UNIONBOT_DB"))
	}
	if r, done, err = open(); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer done()
	db, err := storage.Open(ctx, cfg.DB)
	if err != nil {
		return fmt.Errorf("UNIONBOT_DB: %w", err)
	}
	defer db.Close()
	info, err := db.Restore(ctx, r, storage.RestoreOptions{Force: *force})
	if err != nil {
		return fmt.Errorf("restore %s: %s", path, restoreProblem(err, "UNIONBOT_DB"))
	}
	v, _ := db.SchemaVersion(ctx)
	fmt.Fprintf(e.stdout, "已从 %s 恢复 %d 行（备份于 %s，%s，结构版本 %d；现在是版本 %d）。\n",
		path, info.Total(), info.CreatedAt.Local().Format("2006-01-02 15:04"), info.Driver, info.Schema, v)
	return nil
}

// runMigrateData is `unionbot migrate-data --from URL --to URL`: copy
// every row from one database to another, e.g. SQLite to MySQL.
func runMigrateData(ctx context.Context, e *env, args []string) error {
	fs, _ := newFlags("migrate-data", e)
	from := fs.String("from", "", "源数据库，如 sqlite://unionbot.db（不会被修改）")
	to := fs.String("to", "", "目标数据库，如 mysql://unionbot:密码@tcp(127.0.0.1:3306)/unionbot?charset=utf8mb4&parseTime=true&loc=Local")
	force := fs.Bool("force", false, "目标数据库已有数据时也复制（先清空它）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || *to == "" || fs.NArg() != 0 {
		fs.Usage()
		return fmt.Errorf("migrate-data: 需要 --from 和 --to 两个数据库地址")
	}
	src, err := storage.Open(ctx, *from)
	if err != nil {
		return fmt.Errorf("--from: %w", err)
	}
	defer src.Close()
	dst, err := storage.Open(ctx, *to)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	defer dst.Close()
	info, err := storage.CopyData(ctx, src, dst, storage.RestoreOptions{Force: *force})
	if err != nil {
		return fmt.Errorf("migrate-data: %s", restoreProblem(err, "--to"))
	}
	fmt.Fprintf(e.stdout, "已复制 %d 行（%d 张表）到 %s。把 UNIONBOT_DB 改成它，再启动工会助手。\n", info.Total(), len(info.Rows), redactURL(*to))
	return nil
}

// restoreProblem words a refused restore for the person at the terminal.
func restoreProblem(err error, target string) string {
	switch {
	case errors.Is(err, storage.ErrTargetNotEmpty):
		return fmt.Sprintf("目标数据库（%s）已有数据（%v）。恢复会清空它；确认要覆盖，请加 --force。", target, err)
	case errors.Is(err, storage.ErrBackupTooNew):
		return fmt.Sprintf("备份来自更新版本的工会助手（%v），请先升级本程序再恢复。", err)
	case errors.Is(err, storage.ErrNotBackup):
		return fmt.Sprintf("这不是 unionbot backup 写出的备份文件（%v）。", err)
	case errors.Is(err, storage.ErrBackupCut):
		return fmt.Sprintf("备份文件不完整（%v），没有恢复任何数据。", err)
	}
	return err.Error()
}

// maybeGunzip reads through gzip when the file starts with its magic.
func maybeGunzip(f io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(f, 1<<20)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		return gzip.NewReader(br)
	}
	return br, nil
}

// redactURL hides a database password for printing.
func redactURL(s string) string {
	scheme := strings.Index(s, "://")
	at := strings.LastIndex(s, "@")
	if scheme < 0 || at < scheme {
		return s
	}
	cred := s[scheme+3 : at]
	if i := strings.Index(cred, ":"); i >= 0 {
		cred = cred[:i] + ":***"
	}
	return s[:scheme+3] + cred + s[at:]
}

// fileUsage is the --help of a command that takes one FILE.
func fileUsage(e *env, fs interface{ PrintDefaults() }, name, file string) func() {
	return func() {
		fmt.Fprintf(e.stderr, "用法：unionbot %s [选项] 文件\n\n%s\n\n文件：%s\n\n选项：\n", name, summary(name), file)
		fs.PrintDefaults()
	}
}
