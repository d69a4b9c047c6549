package platform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/propertypro/propertypro/shared/config"
)

// secretsEndpoint is the AWS Parameters and Secrets Lambda Extension, a layer the CDK stack
// adds to every function that reads a secret: a local HTTP call instead of the AWS SDK, which
// would add megabytes and cold-start time to every binary.
func secretsEndpoint() string {
	port := os.Getenv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT")
	if port == "" {
		port = "2773"
	}
	return "http://localhost:" + port + "/secretsmanager/get"
}

// readSecret returns the JSON object stored in a Secrets Manager secret.
func readSecret(ctx context.Context, arn string) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, secretsEndpoint()+"?secretId="+url.QueryEscape(arn), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("X-Aws-Parameters-Secrets-Token", os.Getenv("AWS_SESSION_TOKEN"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("secrets extension: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("secrets extension answered %s", resp.Status)
	}
	var out struct{ SecretString string }
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, err
	}
	var fields map[string]any
	if err := json.Unmarshal([]byte(out.SecretString), &fields); err != nil {
		return nil, errors.New("secret is not a JSON object")
	}
	return fields, nil
}

// loadSecrets fills the configuration from the secrets the stack names: the database URL
// (through RDS Proxy, TLS required), the token keys and the AI providers' keys. Values set
// directly in the environment win.
func loadSecrets(ctx context.Context, c *config.Config) error {
	if c.DatabaseURL == "" && c.DatabaseSecretARN != "" {
		s, err := readSecret(ctx, c.DatabaseSecretARN)
		if err != nil {
			return fmt.Errorf("DATABASE_SECRET_ARN: %w", err)
		}
		u := url.URL{Scheme: "postgres", User: url.UserPassword(str(s, "username"), str(s, "password")),
			Host: c.DatabaseHost + ":" + portOf(s), Path: "/" + c.DatabaseName, RawQuery: "sslmode=require"}
		c.DatabaseURL = u.String()
	}
	if c.AppSecretARN != "" {
		s, err := readSecret(ctx, c.AppSecretARN)
		if err != nil {
			return fmt.Errorf("APP_SECRET_ARN: %w", err)
		}
		fill(&c.JWTSecret, str(s, "JWT_SECRET"))
		fill(&c.SecretKey, str(s, "SECRET_KEY"))
	}
	if c.AISecretARN != "" {
		s, err := readSecret(ctx, c.AISecretARN)
		if err != nil {
			return fmt.Errorf("AI_SECRET_ARN: %w", err)
		}
		fill(&c.GoogleAPIKey, str(s, "GOOGLE_API_KEY"))
		fill(&c.OpenAIAPIKey, str(s, "OPENAI_API_KEY"))
	}
	if c.Deployed() && len(c.JWTSecret) < 32 {
		return errors.New("JWT_SECRET: the app secret holds no JWT_SECRET of at least 32 bytes")
	}
	return nil
}

func str(m map[string]any, k string) string {
	if v, ok := m[k]; ok && v != nil {
		return fmt.Sprint(v)
	}
	return ""
}

func portOf(m map[string]any) string {
	if p := str(m, "port"); p != "" {
		return p
	}
	return "5432"
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}
