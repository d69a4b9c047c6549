package platform

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/config"
)

// A fake Parameters and Secrets extension on loopback, speaking its JSON.
func TestLoadSecretsFromExtension(t *testing.T) {
	secrets := map[string]string{
		"arn:db":  `{"username":"app","password":"p@ss/word","host":"ignored","port":5432,"dbname":"x"}`,
		"arn:app": `{"JWT_SECRET":"` + strings.Repeat("j", 40) + `","SECRET_KEY":"sk"}`,
		"arn:ai":  `{"GOOGLE_API_KEY":"g","OPENAI_API_KEY":""}`,
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Aws-Parameters-Secrets-Token") != "session" {
			http.Error(w, "no token", 401)
			return
		}
		v, ok := secrets[r.URL.Query().Get("secretId")]
		if !ok {
			http.Error(w, "not found", 400)
			return
		}
		json.NewEncoder(w).Encode(map[string]string{"SecretString": v})
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	t.Setenv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", port)
	t.Setenv("AWS_SESSION_TOKEN", "session")

	c := config.Config{Env: "prod", DatabaseHost: "proxy.local", DatabaseName: "propertypro",
		DatabaseSecretARN: "arn:db", AppSecretARN: "arn:app", AISecretARN: "arn:ai", OpenAIAPIKey: "from-env"}
	if err := loadSecrets(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != "postgres://app:p%40ss%2Fword@proxy.local:5432/propertypro?sslmode=require" {
		t.Errorf("DatabaseURL = %s", c.DatabaseURL)
	}
	if c.JWTSecret != strings.Repeat("j", 40) || c.SecretKey != "sk" || c.GoogleAPIKey != "g" || c.OpenAIAPIKey != "from-env" {
		t.Errorf("secrets not filled: %+v", c)
	}
	c2 := config.Config{Env: "prod", AppSecretARN: "arn:missing"}
	if err := loadSecrets(context.Background(), &c2); err == nil || !strings.Contains(err.Error(), "APP_SECRET_ARN") {
		t.Fatalf("missing secret: %v", err)
	}
}
