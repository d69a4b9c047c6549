package secretscan_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/secretscan"
	"github.com/propertypro/propertypro/shared/testkit"
)

// Planted values are assembled at run time so that this file never matches itself.
var (
	awsKey    = "AKIA" + "Q3EXAMPLE7KEY2ZZ"
	googleKey = "AIza" + "SyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY"
	openAIKey = "sk-" + "proj-4fT9xQ2mZ8rL1vB7nK3pW6yH0cJ5dG2sA9eU"
	ghToken   = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
	jwtSecret = "k8Jd2" + "Lq9Zr4Xw7Nv1Bt6Hy3Mc5Pf0Sg8Ua2Ee"
	pemHeader = "-----BEGIN " + "RSA PRIVATE KEY-----"
)

func TestScanFindsPlantedSecrets(t *testing.T) {
	tests := []struct {
		name, line, rule string
	}{
		{"aws access key", `const key = "` + awsKey + `"`, "aws-access-key-id"},
		{"google key in env file", "GOOGLE_API_KEY=" + googleKey, "google-api-key"},
		{"openai key", `OPENAI_API_KEY: "` + openAIKey + `"`, "openai-api-key"},
		{"github token", "token: " + ghToken, "github-token"},
		{"private key", pemHeader, "private-key"},
		{"random jwt secret", `JWTSecret: "` + jwtSecret + `",`, "generic-secret"},
		{"credentials in a URL", "DATABASE_URL=postgres://app:" + jwtSecret + "@db.internal:5432/app", "url-credentials"},
		{"word-like test password", `password := "correct-horse-battery-staple"`, ""},
		{"placeholder", `JWT_SECRET="${JWT_SECRET}"`, ""},
		{"local URL", "postgres://postgres:postgres@127.0.0.1:5432/x", ""},
		{"allowed fake", `key := "` + awsKey + `" // ` + secretscan.AllowMarker, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := secretscan.Scan("planted.go", strings.NewReader("package x\n"+tc.line+"\n"))
			if err != nil {
				t.Fatal(err)
			}
			if tc.rule == "" {
				if len(fs) > 0 {
					t.Fatalf("false positive: %+v", fs)
				}
				return
			}
			if len(fs) != 1 || fs[0].Rule != tc.rule || fs[0].Line != 2 {
				t.Fatalf("findings = %+v, want one %s on line 2", fs, tc.rule)
			}
			if strings.Contains(fs[0].Excerpt, strings.TrimPrefix(strings.TrimPrefix(tc.line, "token: "), "GOOGLE_API_KEY=")[8:]) {
				t.Fatalf("excerpt leaks the secret: %s", fs[0].Excerpt)
			}
		})
	}
}

// The gate itself: the command fails on a file with a planted secret and passes on clean ones.
func TestGateFailsOnPlantedSecret(t *testing.T) {
	root, err := testkit.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	clean := filepath.Join(dir, "clean.go")
	planted := filepath.Join(dir, "config.env")
	os.WriteFile(clean, []byte("package clean\n"), 0o600)
	os.WriteFile(planted, []byte("AWS_ACCESS_KEY_ID="+awsKey+"\n"), 0o600)
	run := func(files ...string) (string, error) {
		cmd := exec.Command("go", append([]string{"run", "./scripts/secretscan"}, files...)...)
		cmd.Dir = root
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := run(clean); err != nil {
		t.Fatalf("clean file failed the gate: %v\n%s", err, out)
	}
	out, err := run(clean, planted)
	if err == nil || !strings.Contains(out, "config.env:1: aws-access-key-id") || strings.Contains(out, awsKey) {
		t.Fatalf("planted secret passed the gate (err %v):\n%s", err, out)
	}
}
