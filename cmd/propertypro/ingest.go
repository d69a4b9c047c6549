package main

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"

	"github.com/propertypro/propertypro/shared/ingest"
	"github.com/propertypro/propertypro/shared/ingest/read"
	_ "github.com/propertypro/propertypro/shared/ingest/read/xlsx" // XLSX workbooks
	"github.com/propertypro/propertypro/shared/postgres/ingeststore"
	"github.com/schollz/progressbar/v3"
)

type ingestCmd struct {
	File       string `arg:"" type:"existingfile" help:"CSV, JSON or XLSX file to load."`
	Dataset    string `help:"Dataset of the file (detected from its header when empty)."`
	DryRun     bool   `name:"dry-run" help:"Validate and count, then roll everything back."`
	JSON       bool   `name:"json" help:"Print the final report as JSON on stdout."`
	Brokerage  string `help:"Brokerage name or id (default: the first brokerage)."`
	Force      bool   `help:"Ingest even when this exact file was ingested before."`
	CPUProfile string `name:"cpuprofile" hidden:"" type:"path" help:"Write a CPU profile of the ingestion (for bench-ingest)."`
}

// Run ingests one file through the same pipeline as task-ingest-file, keyed by its path and
// content hash so the same file twice is a no-op.
func (c ingestCmd) Run(e *env) error {
	db, err := e.database(true)
	if err != nil {
		return err
	}
	defer db.Close()
	etag, size, err := fileETag(c.File)
	if err != nil {
		return err
	}
	store := ingeststore.NewIngestions(db.Pool)
	brokerage, err := store.ResolveBrokerage(e.ctx, c.Brokerage)
	if err != nil {
		return err
	}
	if c.CPUProfile != "" {
		stop, err := startCPUProfile(c.CPUProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	abs, _ := filepath.Abs(c.File)
	var f *os.File
	defer func() {
		if f != nil {
			f.Close()
		}
	}()
	bar := progressbar.DefaultBytes(size, "ingesting "+filepath.Base(c.File))
	rep, err := store.Ingest(e.ctx, ingeststore.IngestRequest{BrokerageID: brokerage, Bucket: "local-file", Key: abs,
		ETag: etag, Dataset: c.Dataset, DryRun: c.DryRun, Force: c.Force,
		Open: func() ([]read.Table, error) {
			if f, err = os.Open(c.File); err != nil {
				return nil, err
			}
			return read.Open(c.File, io.TeeReader(f, bar), f, size)
		}})
	_ = bar.Finish()
	fmt.Fprintln(os.Stderr)
	summarize(rep)
	if c.JSON {
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		if jerr := enc.Encode(rep); jerr != nil {
			return jerr
		}
	}
	return err
}

// startCPUProfile profiles the process until the returned function is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// fileETag is the MD5 of the content, like an S3 ETag of a single-part upload.
func fileETag(path string) (string, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	h := md5.New()
	n, err := io.Copy(h, f)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// summarize prints the report for a person on stderr.
func summarize(r ingest.Report) {
	if r.Duplicate {
		progress("already ingested as %s: nothing to do (use --force to reload)", r.ID)
	}
	for _, t := range r.Tables {
		name := t.Dataset
		if t.Sheet != "" {
			name = t.Sheet + " → " + name
		}
		progress("%s: read %d, inserted %d, updated %d, unchanged %d, rejected %d, warnings %d; quirks %v",
			name, t.Read, t.Inserted, t.Updated, t.Unchanged, t.Rejected, t.Warnings, t.Quirks)
	}
	for _, i := range r.Issues[:min(len(r.Issues), 10)] {
		kind := "rejected"
		if i.Warning {
			kind = "warning"
		}
		progress("  line %d %s [%s=%q]: %s", i.Line, kind, i.Column, i.Value, i.Reason)
	}
	progress("ingestion %s %s (dry run: %v)", r.ID, r.Status, r.DryRun)
	if r.Error != "" {
		progress("error: %s", r.Error)
	}
}
