package api_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/propertypro/propertypro/shared/testkit"
)

// TestReadinessLinksNoAI keeps /health/ready's Lambda small and its cold start short: it
// probes the vector store and names the AI chain without linking the knowledge wiring, an
// AI SDK or the embedded vector store.
func TestReadinessLinksNoAI(t *testing.T) {
	root, err := testkit.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-deps", "./functions/api-health-ready")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"/shared/knowledgewire", "/shared/vectormem", "/shared/ai/providers",
			"/shared/ai/gemini", "/shared/ai/openai", "google.golang.org/genai", "github.com/sashabaranov/", "github.com/openai/"} {
			if strings.Contains(dep, banned) {
				t.Errorf("api-health-ready links %s", dep)
			}
		}
	}
}
