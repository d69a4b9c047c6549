package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/config"
)

func TestConfigCheck(t *testing.T) {
	good := map[string]string{
		"JWT_SECRET": strings.Repeat("k", 40), "SECRET_KEY": "a-long-random-value-9f3c",
		"DATABASE_HOST": "proxy.example", "DATABASE_SECRET_ARN": "arn:aws:secretsmanager:x",
		"GOOGLE_API_KEY": "AIza-real", "OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318",
	}
	tests := []struct {
		name   string
		change map[string]string
		want   string // "" means no problem
	}{
		{"complete", nil, ""},
		{"missing jwt secret", map[string]string{"JWT_SECRET": ""}, "JWT_SECRET"},
		{"placeholder secret key", map[string]string{"SECRET_KEY": "changeme"}, "SECRET_KEY: set to a placeholder"},
		{"no database", map[string]string{"DATABASE_HOST": ""}, "DATABASE_URL"},
		{"no AI key", map[string]string{"GOOGLE_API_KEY": ""}, "no AI provider key"},
		{"printed spans", map[string]string{"OTEL_TRACES_EXPORTER": "stdout"}, "OTEL_TRACES_EXPORTER"},
		{"typo", map[string]string{"JWT_SECRTE": "x"}, "JWT_SECRTE: not a configuration key"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := clone(good)
			for k, v := range tc.change {
				if v == "" {
					delete(s, k)
				} else {
					s[k] = v
				}
			}
			problems := strings.Join(checkSettings("prod", s), "\n")
			if (tc.want == "") != (problems == "") || !strings.Contains(problems, tc.want) {
				t.Fatalf("problems = %q, want one containing %q", problems, tc.want)
			}
		})
	}
}

func TestNoSecretHasADefault(t *testing.T) {
	for _, k := range config.Keys() {
		if p := checkSecret(k, ""); len(p) > 0 {
			t.Error(p)
		}
		if k.Doc == "" || keyOwner(k.Name) == "" {
			t.Errorf("%s: undocumented or without owner", k.Name)
		}
	}
}

func TestConfigDrift(t *testing.T) {
	dir := t.TempDir()
	a := filepath.Join(dir, "staging.env")
	b := filepath.Join(dir, "prod.env")
	os.WriteFile(a, []byte("# staging\nAPP_ENV=staging\nJWT_SECRET=aaa\nLOG_LEVEL=debug\nexport DB_MAX_CONNS=2\n"), 0o600)
	os.WriteFile(b, []byte("APP_ENV=prod\nJWT_SECRET='bbb'\nLOG_LEVEL=info\nBCRYPT_ROUNDS=12\nDB_MAX_CONNS=\"2\"\n"), 0o600)
	sa, err := readDotenv(a)
	if err != nil {
		t.Fatal(err)
	}
	sb, err := readDotenv(b)
	if err != nil {
		t.Fatal(err)
	}
	lines, unexpected := drift(sa, sb, []string{"APP_ENV", "JWT_SECRET"})
	out := strings.Join(lines, "\n")
	if unexpected != 2 || !strings.Contains(out, `! LOG_LEVEL: "debug" vs "info"`) ||
		!strings.Contains(out, "! BCRYPT_ROUNDS: only in the second") || strings.Contains(out, "bbb") ||
		!strings.Contains(out, "~ JWT_SECRET: differs (secret: sha256:") || strings.Contains(out, "DB_MAX_CONNS") {
		t.Fatalf("unexpected = %d, report:\n%s", unexpected, out)
	}
}
