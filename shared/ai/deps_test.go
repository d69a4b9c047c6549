package ai_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestPortsLinkNoSDK keeps the promise of the package layout: the ports and the offline
// provider never pull in a provider SDK, so Lambdas that do not call Gemini or OpenAI stay
// small, and the domain stays testable without them.
func TestPortsLinkNoSDK(t *testing.T) {
	forbidden := []string{"google.golang.org/genai", "github.com/openai/openai-go", "github.com/aws/", "github.com/jackc/", "net/http"}
	for _, pkg := range []string{"github.com/propertypro/propertypro/shared/ai", "github.com/propertypro/propertypro/shared/ai/offline"} {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
			if err != nil {
				t.Fatalf("go list: %v\n%s", err, out)
			}
			for _, dep := range strings.Fields(string(out)) {
				for _, f := range forbidden {
					if strings.HasPrefix(dep, f) {
						t.Errorf("%s depends on %s", pkg, dep)
					}
				}
			}
		})
	}
}
