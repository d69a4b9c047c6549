package runner

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"

	"github.com/propertypro/propertypro/shared/config"
)

// LocalSecrets fills JWT_SECRET and SECRET_KEY, when they are unset on a developer's
// machine, with random values kept under LOCAL_DIR, so tokens survive restarts and are
// shared by `make run` and the CLI. Deployed environments must set them (config refuses to
// start without).
func LocalSecrets(cfg *config.Config) error {
	if cfg.Deployed() {
		return nil
	}
	// LOCAL_DIR itself must stay traversable: when we are root the private Postgres runs as an
	// unprivileged user under LOCAL_DIR/pg. Only the secrets folder below it is private (a
	// MkdirAll of that folder alone would create LOCAL_DIR with mode 700 on a fresh checkout).
	if err := os.MkdirAll(cfg.LocalDir, 0o755); err != nil {
		return err
	}
	for _, s := range []struct {
		dst  *string
		file string
	}{{&cfg.JWTSecret, "jwt-secret"}, {&cfg.SecretKey, "secret-key"}} {
		if *s.dst != "" {
			continue
		}
		v, err := localSecret(filepath.Join(cfg.LocalDir, "secrets", s.file))
		if err != nil {
			return err
		}
		*s.dst = v
	}
	return nil
}

func localSecret(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 32 {
		return strings.TrimSpace(string(b)), nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return "", err
	}
	b := make([]byte, 32)
	rand.Read(b)
	v := hex.EncodeToString(b)
	return v, os.WriteFile(path, []byte(v+"\n"), 0o600)
}
