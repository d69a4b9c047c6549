// Package data is the project's own sample data (never a customer's), embedded so that
// `make run` can seed a fresh database from the binary alone.
package data

import "embed"

// FS holds the sample files.
//
//go:embed *.json
var FS embed.FS
