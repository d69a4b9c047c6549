package main

import (
	"context"
	"fmt"

	"github.com/propertypro/propertypro/shared/localpg"
)

type dbCmd struct {
	Start dbStartCmd `cmd:"" help:"Start the private Postgres (creating it on first use) and leave it running; prints its URL."`
	Stop  dbStopCmd  `cmd:"" help:"Stop the private Postgres."`
	URL   dbURLCmd   `cmd:"" name:"url" help:"Print the URL of the private Postgres, starting it if needed."`
}

type dbStartCmd struct {
	Database []string `name:"database" default:"propertypro" help:"Databases to create if missing."`
}

func (c dbStartCmd) Run(e *env) error {
	if e.cfg.DatabaseURL != "" {
		return fmt.Errorf("DATABASE_URL is set: the private Postgres is not used")
	}
	cl := localpg.New(e.cfg.LocalDir)
	cl.Log = progress
	srv, err := cl.Ensure(e.ctx, c.Database...)
	if err != nil {
		return err
	}
	fmt.Println(srv.URL(c.Database[0]))
	return nil
}

type dbStopCmd struct{}

func (dbStopCmd) Run(e *env) error {
	srv, err := localpg.New(e.cfg.LocalDir).Ensure(context.WithoutCancel(e.ctx))
	if err != nil {
		return err
	}
	if err := srv.Stop(); err != nil {
		return err
	}
	progress("private Postgres stopped")
	return nil
}

type dbURLCmd struct{}

func (dbURLCmd) Run(e *env) error {
	if e.cfg.DatabaseURL != "" {
		fmt.Println(e.cfg.DatabaseURL)
		return nil
	}
	return dbStartCmd{Database: []string{"propertypro"}}.Run(e)
}
