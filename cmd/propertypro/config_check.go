package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/propertypro/propertypro/shared/config"
)

// configGroup is `propertypro config`: the key reference (default), a deployment check and a
// drift report between two environments.
type configGroup struct {
	List  configCmd       `cmd:"" default:"withargs" help:"List every configuration key with its value source and documentation."`
	Check configCheckCmd  `cmd:"" help:"Validate a deployment's settings: required secrets present, no default or placeholder secrets."`
	Drift configDriftCmd  `cmd:"" help:"Compare the settings of two environments (dotenv files) key by key."`
	Owner configOwnersCmd `cmd:"" name:"owners" help:"Print every key with its default, range and owning area (Markdown)."`
}

type configCheckCmd struct {
	Env  string `default:"prod" enum:"dev,staging,prod" help:"Environment whose rules apply (${enum})."`
	File string `help:"Settings file (dotenv: KEY=value lines) to check instead of the process environment."`
}

// weakSecrets are values that must never guard a deployed environment: defaults shipped in
// examples and values people type while testing.
var weakSecrets = []string{"changeme", "change-me", "secret", "password", "test", "dev", "local",
	"example", "xxx", "todo", "default", "propertypro"}

func (c configCheckCmd) Run(*env) error {
	settings, err := c.settings()
	if err != nil {
		return err
	}
	problems := checkSettings(c.Env, settings)
	for _, p := range problems {
		fmt.Println("✗ " + p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%d problem(s) in the %s settings", len(problems), c.Env)
	}
	fmt.Printf("✓ %s settings are complete (%d keys set)\n", c.Env, len(settings))
	return nil
}

func (c configCheckCmd) settings() (map[string]string, error) {
	if c.File != "" {
		return readDotenv(c.File)
	}
	out := map[string]string{}
	for _, k := range config.Keys() {
		if v, ok := os.LookupEnv(k.Name); ok {
			out[k.Name] = v
		}
	}
	return out, nil
}

// checkSettings applies the loader's own validation with APP_ENV forced to env, then the
// production rules the loader cannot know: no secret with a default, no weak secret value,
// AI keys present, nothing printed to stderr that belongs in a collector.
func checkSettings(env string, s map[string]string) []string {
	s = clone(s)
	s["APP_ENV"] = env
	var problems []string
	if _, err := config.FromLookup(func(k string) (string, bool) { v, ok := s[k]; return v, ok }); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			if line = strings.TrimSpace(line); line != "" {
				problems = append(problems, line)
			}
		}
	}
	known := map[string]bool{}
	for _, k := range config.Keys() {
		known[k.Name] = true
		problems = append(problems, checkSecret(k, s[k.Name])...)
	}
	for name := range s {
		if !known[name] && !strings.HasPrefix(name, "AWS_") && !strings.HasPrefix(name, "OTEL_") {
			problems = append(problems, fmt.Sprintf("%s: not a configuration key (typo?)", name))
		}
	}
	if s["GOOGLE_API_KEY"] == "" && s["OPENAI_API_KEY"] == "" && s["AI_SECRET_ARN"] == "" {
		problems = append(problems, "GOOGLE_API_KEY/OPENAI_API_KEY: no AI provider key (or AI_SECRET_ARN); every answer would be degraded")
	}
	if s["OTEL_TRACES_EXPORTER"] == "stdout" {
		problems = append(problems, "OTEL_TRACES_EXPORTER: stdout is for local runs; use otlp (ADOT) or none")
	}
	sort.Strings(problems)
	return problems
}

func checkSecret(k config.Key, v string) []string {
	if !k.Secret {
		return nil
	}
	var out []string
	if k.Default != "" {
		out = append(out, fmt.Sprintf("%s: a secret must not have a default", k.Name))
	}
	low := strings.ToLower(strings.TrimSpace(v))
	for _, w := range weakSecrets {
		if v != "" && (low == w || strings.HasPrefix(low, w+"-") || strings.HasPrefix(low, w+"_")) {
			out = append(out, fmt.Sprintf("%s: set to a placeholder or development value", k.Name))
			break
		}
	}
	return out
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

type configDriftCmd struct {
	A      string   `arg:"" help:"Settings of the first environment (dotenv)."`
	B      string   `arg:"" help:"Settings of the second environment (dotenv)."`
	Expect []string `default:"APP_ENV,DATABASE_HOST,DATABASE_SECRET_ARN,APP_SECRET_ARN,AI_SECRET_ARN,DATABASE_URL,JWT_SECRET,SECRET_KEY" help:"Keys expected to differ between environments."`
}

func (c configDriftCmd) Run(*env) error {
	a, err := readDotenv(c.A)
	if err != nil {
		return err
	}
	b, err := readDotenv(c.B)
	if err != nil {
		return err
	}
	lines, unexpected := drift(a, b, c.Expect)
	for _, l := range lines {
		fmt.Println(l)
	}
	if unexpected > 0 {
		return fmt.Errorf("%d unexpected difference(s) between %s and %s", unexpected, c.A, c.B)
	}
	fmt.Printf("no unexpected drift between %s and %s\n", c.A, c.B)
	return nil
}

// drift lists, key by key, what differs between two environments. A key set in one and not
// the other, or a value that differs without being expected to, is unexpected. Secret values
// are compared by hash and never printed.
func drift(a, b map[string]string, expected []string) (lines []string, unexpected int) {
	secret, expect := map[string]bool{}, map[string]bool{}
	for _, k := range config.Keys() {
		secret[k.Name] = k.Secret
	}
	for _, k := range expected {
		expect[k] = true
	}
	names := map[string]bool{}
	for k := range a {
		names[k] = true
	}
	for k := range b {
		names[k] = true
	}
	sorted := make([]string, 0, len(names))
	for k := range names {
		sorted = append(sorted, k)
	}
	sort.Strings(sorted)
	for _, k := range sorted {
		va, inA := a[k]
		vb, inB := b[k]
		mark := "!"
		if expect[k] {
			mark = "~"
		}
		switch {
		case inA && !inB:
			lines = append(lines, fmt.Sprintf("%s %s: only in the first", mark, k))
		case !inA && inB:
			lines = append(lines, fmt.Sprintf("%s %s: only in the second", mark, k))
		case va != vb && secret[k]:
			lines = append(lines, fmt.Sprintf("%s %s: differs (secret: %s vs %s)", mark, k, digest(va), digest(vb)))
		case va != vb:
			lines = append(lines, fmt.Sprintf("%s %s: %q vs %q", mark, k, va, vb))
		default:
			continue
		}
		if mark == "!" {
			unexpected++
		}
	}
	return lines, unexpected
}

func digest(v string) string {
	h := sha256.Sum256([]byte(v))
	return "sha256:" + hex.EncodeToString(h[:4])
}

// readDotenv reads KEY=value lines; blank lines and # comments are skipped, one level of
// quotes is removed, and `export ` prefixes are accepted.
func readDotenv(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
		if !ok {
			return nil, fmt.Errorf("%s:%d: not KEY=value", path, n)
		}
		v = strings.TrimSpace(v)
		if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
			v = v[1 : len(v)-1]
		}
		out[strings.TrimSpace(k)] = v
	}
	return out, errors.Join(sc.Err())
}

type configOwnersCmd struct{}

func (configOwnersCmd) Run(*env) error {
	fmt.Println("| Variable | Default | Allowed | Owner | Secret | Description |")
	fmt.Println("| --- | --- | --- | --- | --- | --- |")
	for _, k := range config.Keys() {
		fmt.Printf("| `%s` | %s | %s | %s | %s | %s |\n", k.Name, code(k.Default), k.Range, keyOwner(k.Name),
			map[bool]string{true: "yes", false: ""}[k.Secret], k.Doc)
	}
	return nil
}

// keyOwners name the area accountable for each key, by prefix: whoever changes a key's
// meaning reviews a change to its value. The first matching prefix wins.
var keyOwners = []struct{ prefix, owner string }{
	{"DATABASE", "platform"}, {"DB_", "platform"}, {"REDIS", "platform"}, {"LOCAL_", "platform"},
	{"HOST", "platform"}, {"PORT", "platform"}, {"APP_", "platform"}, {"AWS_", "platform"},
	{"LOG_", "ops"}, {"OTEL_", "ops"}, {"CHROMA", "knowledge"}, {"GOOGLE", "knowledge"},
	{"OPENAI", "knowledge"}, {"AI_", "knowledge"}, {"ENABLE_BLUEPRINT", "knowledge"},
	{"DOCUMENT_", "knowledge"}, {"SECRET_KEY", "identity"}, {"JWT", "identity"},
	{"ACCESS_TOKEN", "identity"}, {"BCRYPT", "identity"}, {"RATE_LIMIT", "identity"},
	{"NURTUR", "nurture"}, {"MAX_FILE", "ingestion"}, {"INGEST", "ingestion"},
	{"COMMISSION", "deals"}, {"VAT", "deals"}, {"DLD", "deals"}, {"AML", "deals"},
	{"LEAD", "leads"}, {"LISTING", "listings"}, {"LOCATION", "locations"},
}

// keyOwner returns the owning area of a key; "platform" when no prefix claims it.
func keyOwner(name string) string {
	for _, o := range keyOwners {
		if strings.HasPrefix(name, o.prefix) {
			return o.owner
		}
	}
	return "platform"
}
