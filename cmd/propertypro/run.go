package main

import (
	"fmt"
	"os"
	"time"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/runner"
)

type runCmd struct{}

func (runCmd) Run(e *env) error {
	start := time.Now()
	db, err := e.database(true)
	if err != nil {
		return err
	}
	defer db.Close()
	if n, err := runner.Seed(e.ctx, db.Pool); err != nil {
		return err
	} else if n > 0 {
		progress("seeded %d sample row(s) from data/", n)
	}
	p, err := runner.New(e.ctx, e.cfg, e.log, db)
	if err != nil {
		return err
	}
	return p.Run(e.ctx, func(addr string) {
		printBanner(addr, e.cfg.LocalDir, time.Since(start))
	})
}

func printBanner(addr, localDir string, took time.Duration) {
	var http, tasks, crons int
	for _, fn := range functions.Manifest {
		switch fn.Kind() {
		case functions.KindHTTP:
			http++
		case functions.KindTask:
			tasks++
		default:
			crons++
		}
	}
	fmt.Fprintf(os.Stderr, `
PropertyPro is running (started in %s)
  API         http://%s   (try /health/ready and /openapi.json)
  functions   %d HTTP, %d queue consumers, %d schedules
  drops       copy files into %s/<bucket>/<key> to trigger S3 events
  Ctrl-C stops everything; data is kept for the next run.

`, took.Round(time.Millisecond), addr, http, tasks, crons, runner.DropsDir(localDir))
}
