package awsx_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/propertypro/propertypro/shared/awsx"
)

// isolate hides the machine's AWS settings, so that the cases see only what they set.
func isolate(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none")
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE": missing, "AWS_SHARED_CREDENTIALS_FILE": missing, "AWS_PROFILE": "",
		"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
		"AWS_REGION": "", "AWS_DEFAULT_REGION": "", "AWS_ENDPOINT_URL": "",
		"AWS_WEB_IDENTITY_TOKEN_FILE": "", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "",
	} {
		t.Setenv(k, v)
	}
}

func TestConfig(t *testing.T) {
	cases := []struct {
		name         string
		env          map[string]string
		settings     awsx.Settings
		wantRegion   string
		wantEndpoint string
		wantKeyID    string // "" when credentials are not looked at
	}{
		{"emulator without credentials gets dummy ones and a region", nil,
			awsx.Settings{Endpoint: "http://127.0.0.1:4566"}, awsx.DefaultRegion, "http://127.0.0.1:4566", "test"},
		{"emulator keeps configured credentials", map[string]string{"AWS_ACCESS_KEY_ID": "AKIDLOCAL", "AWS_SECRET_ACCESS_KEY": "s"},
			awsx.Settings{Region: "me-central-1", Endpoint: "http://127.0.0.1:4566"}, "me-central-1", "http://127.0.0.1:4566", "AKIDLOCAL"},
		{"real AWS is left to the SDK", nil,
			awsx.Settings{Region: "me-central-1"}, "me-central-1", "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolate(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg, err := awsx.Config(context.Background(), tc.settings)
			if err != nil {
				t.Fatal(err)
			}
			endpoint := ""
			if cfg.BaseEndpoint != nil {
				endpoint = *cfg.BaseEndpoint
			}
			if cfg.Region != tc.wantRegion || endpoint != tc.wantEndpoint {
				t.Errorf("region %q endpoint %q, want %q %q", cfg.Region, endpoint, tc.wantRegion, tc.wantEndpoint)
			}
			if tc.wantKeyID == "" {
				return
			}
			creds, err := cfg.Credentials.Retrieve(context.Background())
			if err != nil || creds.AccessKeyID != tc.wantKeyID {
				t.Errorf("credentials %q, %v; want key %q", creds.AccessKeyID, err, tc.wantKeyID)
			}
		})
	}
}

// TestEmulatorUsesPathStyle needs no server: a presigned URL shows the addressing style.
func TestEmulatorUsesPathStyle(t *testing.T) {
	isolate(t)
	cfg, err := awsx.Config(context.Background(), awsx.Settings{Endpoint: "http://127.0.0.1:4566"})
	if err != nil {
		t.Fatal(err)
	}
	store := awsx.NewObjectStore(cfg, map[string]string{"data-drops": "pp-dev-data-drops"})
	url, err := store.PresignPut(context.Background(), "data-drops", "drops/a.csv", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if want := "http://127.0.0.1:4566/pp-dev-data-drops/drops/a.csv?"; !strings.HasPrefix(url, want) {
		t.Errorf("presigned URL %s, want prefix %s", url, want)
	}
}

func TestNamesFromEnv(t *testing.T) {
	env := map[string]string{
		"BUCKET_DATA_DROPS":          "pp-prod-data-drops",
		"BUCKET_DOCUMENTS":           "",
		"QUEUE_URL_INGEST_FILES":     "https://sqs.me-central-1.amazonaws.com/123/pp-prod-ingest-files",
		"BUCKET_NOT_IN_THE_MANIFEST": "ignored",
	}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cases := []struct {
		name   string
		prefix string
		names  []string
		want   map[string]string
	}{
		{"set, empty and unset buckets", awsx.BucketEnvPrefix, []string{"data-drops", "documents", "exports"},
			map[string]string{"data-drops": "pp-prod-data-drops"}},
		{"queue URLs", awsx.QueueURLEnvPrefix, []string{"ingest-files"},
			map[string]string{"ingest-files": "https://sqs.me-central-1.amazonaws.com/123/pp-prod-ingest-files"}},
		{"nothing asked", awsx.BucketEnvPrefix, nil, map[string]string{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, awsx.NamesFromEnv(lookup, tc.prefix, tc.names)); diff != "" {
				t.Errorf("NamesFromEnv (-want +got):\n%s", diff)
			}
		})
	}
	if got := awsx.EnvName(awsx.BucketEnvPrefix, "data-drops"); got != "BUCKET_DATA_DROPS" {
		t.Errorf("EnvName = %s, want BUCKET_DATA_DROPS", got)
	}
	if got := awsx.DeadLetterQueue("ingest-files"); got != "ingest-files-dlq" {
		t.Errorf("DeadLetterQueue = %s, want ingest-files-dlq", got)
	}
}
