package main

import (
	"os"

	"github.com/propertypro/propertypro/shared/schema"
)

type migrateCmd struct {
	Direction string `arg:"" enum:"up,down,status" default:"status" help:"up: apply pending; down: roll back the newest; status: list (${enum})."`
}

func (m migrateCmd) Run(e *env) error {
	db, err := e.database(false)
	if err != nil {
		return err
	}
	defer db.Close()
	mig, err := schema.NewMigrator(db.Pool)
	if err != nil {
		return err
	}
	defer mig.Close()
	switch m.Direction {
	case "up":
		n, err := mig.Up(e.ctx)
		if err == nil {
			progress("applied %d migration(s)", n)
		}
		return err
	case "down":
		if err := mig.Down(e.ctx); err != nil {
			return err
		}
		progress("rolled back the newest migration")
		return nil
	}
	return mig.Status(e.ctx, os.Stdout)
}
