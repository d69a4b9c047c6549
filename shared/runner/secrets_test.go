package runner_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/propertypro/propertypro/shared/config"
	"github.com/propertypro/propertypro/shared/runner"
)

// On a fresh checkout the secrets are the first thing written under LOCAL_DIR; LOCAL_DIR
// must come out traversable by others (the private Postgres runs as another user when we
// are root), and only the secrets folder private.
func TestLocalSecretsLeaveLocalDirReachable(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "fresh", ".local")
	cfg, err := config.FromLookup(func(k string) (string, bool) {
		switch k {
		case "LOCAL_DIR":
			return dir, true
		case "APP_ENV":
			return "local", true
		}
		return "", false
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := runner.LocalSecrets(&cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.JWTSecret == "" || cfg.SecretKey == "" {
		t.Fatal("secrets not filled")
	}
	for _, d := range []string{dir, filepath.Dir(dir)} {
		info, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if info.Mode().Perm()&0o001 == 0 {
			t.Errorf("%s has mode %v: the private Postgres's user could not enter it", d, info.Mode().Perm())
		}
	}
	info, err := os.Stat(filepath.Join(dir, "secrets"))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		t.Errorf("secrets folder has mode %v, want private", info.Mode().Perm())
	}
}
