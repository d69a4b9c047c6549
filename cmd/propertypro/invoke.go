package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/api"
	"github.com/propertypro/propertypro/shared/platform"
	"github.com/propertypro/propertypro/shared/runner"
)

type invokeCmd struct {
	Function string `arg:"" help:"Function name, as in functions/manifest.go (see: propertypro functions)."`
	Event    string `arg:"" help:"Event JSON file (e.g. events/<function>/<name>.json), or - for stdin."`
	As       string `help:"Sign the HTTP request in as this user (email): adds a bearer token to the event."`
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
	if c.As != "" {
		if event, err = c.signIn(e, db, event); err != nil {
			return err
		}
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

// signIn adds an Authorization header for the --as user to an API Gateway event.
func (c invokeCmd) signIn(e *env, db *runner.Database, event []byte) ([]byte, error) {
	fn, _ := functions.Lookup(c.Function)
	if fn.Kind() != functions.KindHTTP {
		return nil, fmt.Errorf("--as applies to HTTP functions only")
	}
	token, err := api.IdentityService(&platform.Boot{Config: e.cfg, Log: e.log, DB: db.Pool}).AccessTokenFor(e.ctx, c.As)
	if err != nil {
		return nil, fmt.Errorf("--as %s: %w", c.As, err)
	}
	var ev map[string]any
	if err := json.Unmarshal(event, &ev); err != nil {
		return nil, err
	}
	headers, _ := ev["headers"].(map[string]any)
	if headers == nil {
		headers = map[string]any{}
	}
	headers["authorization"] = "Bearer " + token
	ev["headers"] = headers
	return json.Marshal(ev)
}
