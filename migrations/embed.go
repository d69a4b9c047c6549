// Package migrations holds the database schema as goose SQL files embedded in every binary,
// so a Lambda or the CLI can migrate without files on disk.
package migrations

import "embed"

// FS is the migration files, in goose's NNNNN_name.sql format.
//
//go:embed *.sql
var FS embed.FS
