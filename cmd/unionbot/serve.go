package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

func runServe(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("serve", e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	m := NewMain(e)
	if err := m.Open(ctx, *cfgPath); err != nil {
		return err
	}
	defer m.Close()
	if err := m.Start(ctx); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "unionbot listening on %s\n", m.Addr())
	// Building the dictionaries and the Q&A index left garbage several
	// times their size; hand it back to the system now rather than when the
	// collector's scavenger gets to it, so an idle bot is small.
	debug.FreeOSMemory()
	<-ctx.Done()
	return nil
}

func runMigrate(ctx context.Context, e *env, args []string) error {
	fs, cfgPath := newFlags("migrate", e)
	if err := fs.Parse(args); err != nil {
		return err
	}
	m := NewMain(e)
	m.Quiet = true
	if err := m.Open(ctx, *cfgPath); err != nil { // Open migrates
		return err
	}
	defer m.Close()
	v, err := m.DB.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "database is at schema version %d\n", v)
	return nil
}
