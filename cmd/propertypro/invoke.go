package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/runner"
)

type invokeCmd struct {
	Function string `arg:"" help:"Function name, as in functions/manifest.go (see: propertypro functions)."`
	Event    string `arg:"" help:"Event JSON file (e.g. events/<function>/<name>.json), or - for stdin."`
}

func (c invokeCmd) Run(e *env) error {
	if _, err := functions.Lookup(c.Function); err != nil {
		return err
	}
	event, err := readEvent(c.Event)
	if err != nil {
		return err
	}
	db, err := e.database(true)
	if err != nil {
		return err
	}
	defer db.Close()
	p, err := runner.New(e.ctx, e.cfg, e.log, db)
	if err != nil {
		return err
	}
	out, err := p.Invoke(e.ctx, c.Function, event)
	if err != nil {
		return fmt.Errorf("function %s returned an error: %w", c.Function, err)
	}
	var pretty bytes.Buffer
	if json.Indent(&pretty, out, "", "  ") == nil {
		out = pretty.Bytes()
	}
	fmt.Println(string(out))
	return nil
}

func readEvent(path string) ([]byte, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(os.Stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading event: %w", err)
	}
	if !json.Valid(b) {
		return nil, fmt.Errorf("event %s is not valid JSON", path)
	}
	return b, nil
}
