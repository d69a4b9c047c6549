package stack

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/google/go-cmp/cmp"
	"github.com/propertypro/propertypro/functions"
)

// extensionEnv is what the Parameters and Secrets extension layer adds to a function's
// environment.
var extensionEnv = []string{
	"PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED", "PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE",
	"PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL",
	"PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS", "SECRETS_MANAGER_TIMEOUT_MILLIS", "SECRETS_MANAGER_TTL",
	"SSM_PARAMETER_STORE_TIMEOUT_MILLIS", "SSM_PARAMETER_STORE_TTL",
}

// secretsByName returns the template's secrets keyed by their Secrets Manager name, with
// their logical ID under "LogicalID".
func secretsByName(t *testing.T, tpl assertions.Template) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for id, r := range resources(t, tpl, "AWS::SecretsManager::Secret") {
		name, _ := props(r)["Name"].(string)
		if _, dup := out[name]; dup {
			t.Fatalf("two secrets named %s", name)
		}
		r["LogicalID"] = id
		out[name] = r
	}
	return out
}

func TestAppSecret(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			tpl := c.template(t)
			secrets := secretsByName(t, tpl)
			app, ok := secrets["propertypro/"+string(c.env)+"/app"]
			if !slices.ContainsFunc(c.manifest, func(f functions.Function) bool { return f.Access.Database }) {
				if ok {
					t.Errorf("app secret exists though no function has Database access")
				}
				return
			}
			if !ok {
				t.Fatalf("no secret propertypro/%s/app among %v", c.env, keys(secrets))
			}
			n := 0
			for _, r := range secrets {
				if strings.Contains(fmt.Sprint(props(r)["SecretString"]), `"JWT_SECRET"`) {
					n++
				}
			}
			if n != 1 {
				t.Errorf("%d secrets hold JWT_SECRET, want exactly the app secret", n)
			}
			checkAppSecretValue(t, secrets, props(app)["SecretString"])
		})
	}
}

// checkAppSecretValue requires the app secret to be the JSON object {"JWT_SECRET","SECRET_KEY"}
// whose values are copied from secrets generating 64 letters and digits each.
func checkAppSecretValue(t *testing.T, secrets map[string]map[string]any, value any) {
	t.Helper()
	join, _ := value.(map[string]any)["Fn::Join"].([]any)
	if len(join) != 2 {
		t.Fatalf("SecretString %v, want an Fn::Join of dynamic references", value)
	}
	byID := map[string]map[string]any{}
	for _, r := range secrets {
		byID[r["LogicalID"].(string)] = r
	}
	// Render the Fn::Join with each Ref replaced by a placeholder and check the JSON shape.
	var sb strings.Builder
	var refs []string
	for _, part := range join[1].([]any) {
		switch p := part.(type) {
		case string:
			sb.WriteString(p)
		case map[string]any:
			ref := fmt.Sprint(p["Ref"])
			refs = append(refs, ref)
			sb.WriteString("ARN")
		}
	}
	var obj map[string]string
	if err := json.Unmarshal([]byte(sb.String()), &obj); err != nil {
		t.Fatalf("SecretString %q is not a JSON object of strings: %v", sb.String(), err)
	}
	if diff := cmp.Diff([]string{"JWT_SECRET", "SECRET_KEY"}, keys(obj)); diff != "" {
		t.Errorf("app secret keys (-want +got):\n%s", diff)
	}
	for k, v := range obj {
		if v != "{{resolve:secretsmanager:ARN:SecretString:::}}" {
			t.Errorf("%s = %q, want a dynamic reference to a generated secret", k, v)
		}
	}
	if len(refs) != 2 || refs[0] == refs[1] {
		t.Fatalf("app secret refers to %v, want two different seed secrets", refs)
	}
	for _, ref := range refs {
		seed, ok := byID[ref]
		if !ok {
			t.Fatalf("app secret refers to %s, not a secret of this stack", ref)
		}
		want := map[string]any{"PasswordLength": float64(64), "ExcludePunctuation": true, "IncludeSpace": false}
		if diff := cmp.Diff(want, props(seed)["GenerateSecretString"]); diff != "" {
			t.Errorf("seed %s GenerateSecretString (-want +got):\n%s", ref, diff)
		}
	}
}

func TestAISecretShape(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			secrets := secretsByName(t, c.template(t))
			ai, ok := secrets["propertypro/"+string(c.env)+"/ai-api-keys"]
			if !slices.ContainsFunc(c.manifest, func(f functions.Function) bool { return f.Access.AI }) {
				if ok {
					t.Errorf("AI secret exists though no function has AI access")
				}
				return
			}
			if !ok {
				t.Fatalf("no AI secret among %v", keys(secrets))
			}
			s, _ := props(ai)["SecretString"].(string)
			var obj map[string]string
			if err := json.Unmarshal([]byte(s), &obj); err != nil {
				t.Fatalf("SecretString %q is not a JSON object of strings: %v", s, err)
			}
			if diff := cmp.Diff(map[string]string{"GOOGLE_API_KEY": "", "OPENAI_API_KEY": ""}, obj); diff != "" {
				t.Errorf("AI secret template (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSecretReaders checks each function against the secrets it reads: the ARN variables,
// the extension layer and GetSecretValue on exactly those secrets.
func TestSecretReaders(t *testing.T) {
	for _, c := range synthCases {
		t.Run(c.name, func(t *testing.T) {
			tpl := c.template(t)
			secretIDs := secretShortNames(t, tpl, c.env) // logical ID → short name
			layers := extensionLayerKeys(t, tpl)
			fns := ourFunctions(t, tpl, c.env)
			policies := resources(t, tpl, "AWS::IAM::Policy")
			for _, f := range c.manifest {
				t.Run(f.Name, func(t *testing.T) {
					p := props(fns[f.Name])
					var want []string
					if f.Access.Database {
						want = append(want, "app", "database")
						if diff := cmp.Diff(map[string]any{"Ref": idOf(secretIDs, "app")}, envValue(p, EnvAppSecretARN)); diff != "" {
							t.Errorf("APP_SECRET_ARN (-want +got):\n%s", diff)
						}
					}
					if f.Access.AI {
						want = append(want, "ai-api-keys")
					}
					slices.Sort(want)
					roleID := p["Role"].(map[string]any)["Fn::GetAtt"].([]any)[0]
					if diff := cmp.Diff(want, secretsReadable(policies, roleID, secretIDs)); diff != "" {
						t.Errorf("secrets the role may read (-want +got):\n%s", diff)
					}
					gotLayer := hasExtensionLayer(p, layers)
					if gotLayer != (len(want) > 0) {
						t.Errorf("Parameters and Secrets extension layer %v, want %v (Layers %v)", gotLayer, len(want) > 0, p["Layers"])
					}
					if len(want) == 0 {
						if p["Layers"] != nil {
							t.Errorf("Layers %v on a function that reads no secret", p["Layers"])
						}
						for _, name := range envNames(p) {
							if strings.HasSuffix(name, "_SECRET_ARN") || strings.HasPrefix(name, "PARAMETERS_SECRETS_") {
								t.Errorf("env var %s on a function that reads no secret", name)
							}
						}
						return
					}
					if got := envValue(p, "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"); fmt.Sprint(got) != "2773" {
						t.Errorf("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT %v, want 2773", got)
					}
					if got := envValue(p, "PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED"); fmt.Sprint(got) != "true" {
						t.Errorf("PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED %v, want true", got)
					}
				})
			}
		})
	}
}

func idOf(ids map[string]string, short string) string {
	for id, name := range ids {
		if name == short {
			return id
		}
	}
	return "<no secret " + short + ">"
}

// extensionLayerKeys returns the template mapping keys ("map/key") whose values are the
// AWS Parameters and Secrets Lambda Extension's arm64 layer in every region.
func extensionLayerKeys(t *testing.T, tpl assertions.Template) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	mappings, _ := (*tpl.ToJSON())["Mappings"].(map[string]any)
	for mapName, m := range mappings {
		for _, byKey := range m.(map[string]any) {
			for key, arn := range byKey.(map[string]any) {
				if strings.Contains(fmt.Sprint(arn), ":layer:AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:") {
					out[mapName+"/"+key] = true
				}
			}
		}
	}
	if len(out) == 0 {
		t.Log("no Parameters and Secrets extension layer mapping in the template")
	}
	return out
}

func hasExtensionLayer(p map[string]any, layerKeys map[string]bool) bool {
	layers, _ := p["Layers"].([]any)
	for _, l := range layers {
		find, _ := l.(map[string]any)["Fn::FindInMap"].([]any)
		if len(find) == 3 && fmt.Sprint(find[1]) == fmt.Sprint(map[string]any{"Ref": "AWS::Region"}) &&
			layerKeys[fmt.Sprint(find[0])+"/"+fmt.Sprint(find[2])] {
			return true
		}
	}
	return false
}

// secretsReadable lists (by short name) the stack's secrets on which a role may call
// secretsmanager:GetSecretValue.
func secretsReadable(policies map[string]map[string]any, roleID any, secretIDs map[string]string) []string {
	set := map[string]bool{}
	for _, pol := range policies {
		if !slices.ContainsFunc(props(pol)["Roles"].([]any), func(r any) bool { return r.(map[string]any)["Ref"] == roleID }) {
			continue
		}
		for _, s := range props(pol)["PolicyDocument"].(map[string]any)["Statement"].([]any) {
			st := s.(map[string]any)
			if !slices.Contains(asList(st["Action"]), "secretsmanager:GetSecretValue") {
				continue
			}
			res, ok := st["Resource"].([]any)
			if !ok {
				res = []any{st["Resource"]}
			}
			for _, r := range res {
				ref, _ := r.(map[string]any)
				if name, ok := secretIDs[fmt.Sprint(ref["Ref"])]; ok {
					set[name] = true
				}
			}
		}
	}
	out := keys(set)
	if out == nil {
		return nil
	}
	return out
}

func keys[V any](m map[string]V) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
