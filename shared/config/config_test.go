package config

import (
	"strings"
	"testing"
	"time"
)

func lookup(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaults(t *testing.T) {
	c, err := FromLookup(lookup(nil))
	if err != nil {
		t.Fatalf("defaults must be valid locally: %v", err)
	}
	if c.Port != 8080 || c.Host != "127.0.0.1" || c.AccessTokenTTL() != 30*time.Minute ||
		c.RateLimitLogins != 5 || !c.NurturingEnabled || c.MaxFileSize != 50<<20 || c.Env != "local" {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestErrorsNameTheVariable(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"PORT": "http"}, []string{"PORT", "whole number"}},
		{map[string]string{"PORT": "70000"}, []string{"PORT", "between 1 and 65535"}},
		{map[string]string{"LOG_LEVEL": "loud"}, []string{"LOG_LEVEL", "debug,info,warn,error"}},
		{map[string]string{"NURTURING_SCHEDULER_ENABLED": "maybe"}, []string{"NURTURING_SCHEDULER_ENABLED", "boolean"}},
		{map[string]string{"DB_STATEMENT_TIMEOUT": "soon"}, []string{"DB_STATEMENT_TIMEOUT", "duration"}},
		{map[string]string{"DB_STATEMENT_TIMEOUT": "1h"}, []string{"DB_STATEMENT_TIMEOUT", "between"}},
		{map[string]string{"APP_ENV": "prod"}, []string{"JWT_SECRET", "SECRET_KEY", "DATABASE_URL"}},
		{map[string]string{"OTEL_TRACES_EXPORTER": "otlp"}, []string{"OTEL_EXPORTER_OTLP_ENDPOINT"}},
		{map[string]string{"PORT": "x", "BCRYPT_ROUNDS": "99"}, []string{"PORT", "BCRYPT_ROUNDS"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.want, "+"), func(t *testing.T) {
			_, err := FromLookup(lookup(tt.env))
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestProdWithSecretsIsValid(t *testing.T) {
	_, err := FromLookup(lookup(map[string]string{
		"APP_ENV": "PROD", "JWT_SECRET": strings.Repeat("k", 32), "SECRET_KEY": "s",
		"DATABASE_HOST": "proxy", "DATABASE_SECRET_ARN": "arn:aws:secretsmanager:x",
	}))
	if err != nil {
		t.Fatal(err)
	}
}

func TestKeysDocumentAppendixA(t *testing.T) {
	appendixA := []string{"DATABASE_URL", "REDIS_URL", "CHROMA_HOST", "CHROMA_PORT", "GOOGLE_API_KEY",
		"OPENAI_API_KEY", "AI_MODEL", "SECRET_KEY", "JWT_SECRET", "ACCESS_TOKEN_EXPIRE_MINUTES",
		"JWT_REFRESH_TOKEN_EXPIRE_DAYS", "BCRYPT_ROUNDS", "RATE_LIMIT_REQUESTS_PER_MINUTE",
		"RATE_LIMIT_LOGIN_ATTEMPTS", "LOG_LEVEL", "HOST", "PORT", "ENABLE_BLUEPRINT_2",
		"NURTURING_SCHEDULER_ENABLED", "DOCUMENT_GENERATION_ENABLED", "MAX_FILE_SIZE"}
	keys := map[string]Key{}
	for _, k := range Keys() {
		if k.Doc == "" {
			t.Errorf("%s has no documentation", k.Name)
		}
		keys[k.Name] = k
	}
	for _, name := range appendixA {
		if _, ok := keys[name]; !ok {
			t.Errorf("Appendix A key %s is missing", name)
		}
	}
}

func TestFlag(t *testing.T) {
	c, _ := FromLookup(lookup(map[string]string{"NURTURING_SCHEDULER_ENABLED": "false"}))
	if on, err := c.Flag("NURTURING_SCHEDULER_ENABLED"); err != nil || on {
		t.Fatalf("flag = %v, %v", on, err)
	}
	if on, err := c.Flag("DOCUMENT_GENERATION_ENABLED"); err != nil || !on {
		t.Fatalf("flag = %v, %v", on, err)
	}
	if _, err := c.Flag("PORT"); err == nil {
		t.Fatal("PORT is not a flag")
	}
}

func TestChromaURL(t *testing.T) {
	tests := []struct {
		host string
		port int
		want string
	}{
		{"127.0.0.1", 8000, "http://127.0.0.1:8000"},
		{"chroma.internal", 443, "http://chroma.internal:443"},
		{"https://chroma.example.com", 443, "https://chroma.example.com:443"},
		{"https://chroma.example.com:9000/", 8000, "https://chroma.example.com:9000"},
		{"::1", 8000, "http://[::1]:8000"},
	}
	for _, tc := range tests {
		t.Run(tc.host, func(t *testing.T) {
			c := Config{ChromaHost: tc.host, ChromaPort: tc.port}
			if got := c.ChromaURL(); got != tc.want {
				t.Fatalf("ChromaURL(%q, %d) = %q, want %q", tc.host, tc.port, got, tc.want)
			}
		})
	}
}
