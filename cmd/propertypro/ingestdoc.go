package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/knowledge"
	"github.com/propertypro/propertypro/shared/knowledgewire"
	"github.com/propertypro/propertypro/shared/objects"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/runner"
)

type ingestDocCmd struct {
	File       string `arg:"" type:"existingfile" help:"The document: PDF, DOCX, TXT, MD or CSV."`
	Brokerage  string `help:"Brokerage id or name; may be left out when there is only one."`
	Title      string `help:"Title shown in citations [the file name]."`
	Visibility int    `default:"0" enum:"0,1,2" help:"0 everyone, 1 managers and above, 2 admins and compliance officers."`
	JSON       bool   `name:"json" help:"Print the document as JSON."`
}

// Run processes the file in process, exactly as task-process-document would, then keeps
// its bytes under .local/drops/documents like an upload; the runner's event for that copy
// finds the document ready with the same content hash and does nothing.
func (c ingestDocCmd) Run(e *env) error {
	data, err := os.ReadFile(c.File)
	if err != nil {
		return err
	}
	db, err := e.database(true)
	if err != nil {
		return err
	}
	defer db.Close()
	brokerage, err := findBrokerage(e, db, c.Brokerage)
	if err != nil {
		return err
	}
	svc, err := knowledgeService(e, db, "task-process-document")
	if err != nil {
		return err
	}
	d, err := svc.NewDocument(e.ctx, brokerage, "", filepath.Base(c.File), c.Title, c.Visibility)
	if err != nil {
		return err
	}
	if d, err = svc.Process(e.ctx, d, data); err != nil {
		return err
	}
	drops := objects.Dir{Root: runner.DropsDir(e.cfg.LocalDir), MaxSize: e.cfg.MaxFileSize}
	if _, err := drops.Put(e.ctx, functions.BucketDocuments, d.ObjectKey, bytes.NewReader(data), ""); err != nil {
		return err
	}
	if c.JSON {
		return json.NewEncoder(os.Stdout).Encode(d)
	}
	fmt.Printf("%s  %s  %s  %d chunks  %s\n", d.ID, d.Status, d.Type, d.Chunks, d.Filename)
	if d.Status == knowledge.StatusFailed {
		return fmt.Errorf("%s", d.Error)
	}
	return nil
}

// findBrokerage resolves a brokerage given by id or name to its id. An empty ref means the
// only brokerage there is; several matches are an error rather than a guess.
func findBrokerage(e *env, db *runner.Database, ref string) (string, error) {
	rows, err := db.Pool.Query(e.ctx, `SELECT id::text, name FROM brokerages WHERE $1 = '' OR id::text = $1 OR name = $1
		ORDER BY name, id LIMIT 11`, ref)
	if err != nil {
		return "", err
	}
	type match struct{ ID, Name string }
	found, err := pgx.CollectRows(rows, pgx.RowToStructByPos[match])
	if err != nil {
		return "", err
	}
	switch {
	case len(found) == 0:
		return "", fmt.Errorf("no brokerage %q (create one with `propertypro users create`)", ref)
	case len(found) > 1:
		names := make([]string, 0, len(found))
		for _, m := range found[:min(len(found), 10)] {
			names = append(names, fmt.Sprintf("%s (%s)", m.Name, m.ID))
		}
		return "", fmt.Errorf("several brokerages match %q; choose one with --brokerage ID or NAME: %s", ref, strings.Join(names, ", "))
	}
	return found[0].ID, nil
}

// knowledgeService builds the knowledge service as the named function would in AWS.
func knowledgeService(e *env, db *runner.Database, function string) (*knowledge.Service, error) {
	fn, err := functions.Lookup(function)
	if err != nil {
		return nil, err
	}
	return knowledgewire.Service(&platform.Boot{Fn: fn, Config: e.cfg, Log: e.log, DB: db.Pool, Runtime: "local"})
}
