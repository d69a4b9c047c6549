package platform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/propertypro/propertypro/functions"
	"github.com/propertypro/propertypro/shared/health"
)

// ReadinessChecks are the dependencies the readiness endpoint reports: the database
// (required), the vector store, the AI provider chain and the queues.
func ReadinessChecks(b *Boot) []health.Check {
	checks := []health.Check{{Name: "database", Required: true, Probe: b.probeDatabase},
		{Name: "vector_store", Probe: b.probeVectorStore},
		{Name: "ai_provider", Probe: b.probeAI}}
	if b.Depths != nil {
		checks = append(checks, health.Check{Name: "queues", Probe: b.probeQueues})
	}
	return checks
}

func (b *Boot) probeDatabase(ctx context.Context) (string, error) {
	if b.DB == nil {
		return "", errors.New("no database configured")
	}
	var version string
	if err := b.DB.QueryRow(ctx, "SELECT current_setting('server_version')").Scan(&version); err != nil {
		return "", err
	}
	return "postgres " + version, nil
}

// probeVectorStore checks Chroma's heartbeat when CHROMA_HOST is set, else that the embedded
// store's folder is usable, by a plain HTTP GET: the readiness Lambda stays small. The check is optional: without vectors the assistant still answers from
// Postgres full text, so a failure reports the platform degraded, not down, and says so.
func (b *Boot) probeVectorStore(ctx context.Context) (string, error) {
	detail, err := b.vectorHeartbeat(ctx)
	if err != nil {
		return "", fmt.Errorf("%w; retrieval falls back to full-text search", err)
	}
	return detail, nil
}

func (b *Boot) vectorHeartbeat(ctx context.Context) (string, error) {
	c := b.Config
	if c.ChromaHost == "" {
		dir := filepath.Join(c.LocalDir, "vectors")
		if b.Runtime == "lambda" {
			return "embedded (not persisted in Lambda)", nil
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return "", fmt.Errorf("embedded store folder: %w", err)
		}
		return "embedded", nil
	}
	url := c.ChromaURL() + "/api/v2/heartbeat"
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if c.ChromaToken != "" {
		req.Header.Set("X-Chroma-Token", c.ChromaToken)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("chroma at %s:%d: %w", c.ChromaHost, c.ChromaPort, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("chroma heartbeat answered %s", resp.Status)
	}
	return "chroma", nil
}

// probeAI names the provider chain. It does not call the providers: a readiness probe that
// spends tokens every few seconds would cost money and trip rate limits.
func (b *Boot) probeAI(context.Context) (string, error) {
	var chain []string
	if b.Config.GoogleAPIKey != "" {
		chain = append(chain, "gemini")
	}
	if b.Config.OpenAIAPIKey != "" {
		chain = append(chain, "openai")
	}
	chain = append(chain, "offline")
	return strings.Join(chain, " → "), nil
}

func (b *Boot) probeQueues(ctx context.Context) (string, error) {
	var parts []string
	for _, q := range functions.Queues(functions.Manifest) {
		v, f, err := b.Depths.Depth(ctx, q)
		if err != nil {
			return "", fmt.Errorf("queue %s: %w", q, err)
		}
		parts = append(parts, fmt.Sprintf("%s: %d visible, %d in flight", q, v, f))
	}
	if len(parts) == 0 {
		return "no queues", nil
	}
	return strings.Join(parts, "; "), nil
}
