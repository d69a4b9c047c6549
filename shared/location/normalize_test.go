package location

import (
	"slices"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Al Aweer", "al aweer"},
		{"AL-AWIR", "al awir"},
		{"  Al   Awir , ", "al awir"},
		{"Jumeirah Village Circle (JVC)", "jumeirah village circle jvc"},
		{"J.L.T.", "j l t"},
		{"Za'abeel", "zaabeel"},
		{"Za’abeel", "zaabeel"},
		{"Résidence Élysée", "residence elysee"},
		{"Act One | Act Two", "act one act two"},
		{"مرسى دبي", "مرسي دبي"},
		{"إمارة دبي", "اماره دبي"},
		{"أبراج بحيرات جميرا", "ابراج بحيرات جميرا"},
		{"البَرْشَاء", "البرشاء"},
		{"جـمـيـرا", "جميرا"},
		{"البرشاء ١", "البرشاء 1"},
		{"Dubai Marina مرسى دبي", "dubai marina مرسي دبي"},
		{"ＪＢＲ", "jbr"},
		{"", ""},
		{" - ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := Normalize(Normalize(tt.in)); again != Normalize(tt.in) {
				t.Errorf("not idempotent: %q", again)
			}
		})
	}
}

func TestCandidates(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Al Awir", []string{"al awir"}},
		{"Marina Gate, Dubai Marina", []string{"marina gate dubai marina", "marina gate", "dubai marina"}},
		{"Business Bay, Dubai, UAE", []string{"business bay dubai uae", "business bay", "dubai", "uae"}},
		{"Bur Dubai", []string{"bur dubai", "bur"}},
		{"Arjan Dubai UAE", []string{"arjan dubai uae", "arjan"}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Candidates(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("Candidates(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
