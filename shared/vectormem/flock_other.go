//go:build !unix

package vectormem

import "os"

// flock is a no-op where flock(2) does not exist: there one process must own the directory.
func flock(*os.File, bool) (func(), error) { return func() {}, nil }
