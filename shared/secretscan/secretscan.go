// Package secretscan finds credentials committed to source files: provider keys by their
// documented shapes, private keys, and long high-entropy values assigned to secret-looking
// names. It is the secret-scanning gate of `make security`; a finding is a credential to
// rotate, not only a line to delete.
package secretscan

import (
	"bufio"
	"io"
	"math"
	"regexp"
	"strings"
)

// Finding is one suspected secret.
type Finding struct {
	File string
	Line int
	Rule string
	// Excerpt shows where, with the value masked: a scanner must not leak what it finds.
	Excerpt string
}

// AllowMarker on a line accepts it: for documented fake values in tests and docs.
const AllowMarker = "secretscan:allow"

type rule struct {
	name string
	re   *regexp.Regexp
	// entropy, when above 0, is the Shannon entropy (bits per character) the value (group 1)
	// must reach, so "password = 'correct-horse'" in a test is not a finding but a random
	// 32-character key is.
	entropy float64
}

var rules = []rule{
	{name: "aws-access-key-id", re: regexp.MustCompile(`\b((?:AKIA|ASIA)[0-9A-Z]{16})\b`)},
	{name: "aws-secret-access-key", re: regexp.MustCompile(`(?i)aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})\b`)},
	{name: "private-key", re: regexp.MustCompile(`(-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP )?PRIVATE KEY( BLOCK)?-----)`)},
	{name: "google-api-key", re: regexp.MustCompile(`\b(AIza[0-9A-Za-z_-]{35})\b`)},
	{name: "openai-api-key", re: regexp.MustCompile(`\b(sk-(?:proj-)?[A-Za-z0-9_-]{32,})\b`)},
	{name: "github-token", re: regexp.MustCompile(`\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{60,})\b`)},
	{name: "slack-token", re: regexp.MustCompile(`\b(xox[baprs]-[A-Za-z0-9-]{10,})\b`)},
	{name: "stripe-key", re: regexp.MustCompile(`\b((?:sk|rk)_live_[A-Za-z0-9]{20,})\b`)},
	{name: "generic-secret", entropy: 4.0, re: regexp.MustCompile(
		`(?i)(?:secret|password|passwd|api_?key|token|jwt_secret|private_key)[A-Za-z_]*["']?\s*[:=]\s*["']([A-Za-z0-9+/=_\-.!@#$%^&*]{24,})["']`)},
	{name: "url-credentials", entropy: 3.5, re: regexp.MustCompile(`[a-z][a-z0-9+.-]*://[^/\s:@'"]+:([^/\s@'"$]{12,})@[^\s'"]+`)},
}

// Scan reads one file and returns its findings.
func Scan(name string, r io.Reader) ([]Finding, error) {
	var out []Finding
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 4*1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.Contains(line, AllowMarker) {
			continue
		}
		if f, ok := scanLine(line); ok {
			f.File, f.Line = name, n
			out = append(out, f)
		}
	}
	return out, sc.Err()
}

// scanLine reports a line's first finding: provider rules come first, so a known key is named
// for its provider rather than as a generic secret, and one line is one finding.
func scanLine(line string) (Finding, bool) {
	for _, ru := range rules {
		for _, m := range ru.re.FindAllStringSubmatch(line, -1) {
			if ru.entropy > 0 && entropy(m[1]) < ru.entropy {
				continue
			}
			return Finding{Rule: ru.name, Excerpt: mask(line, m[1])}, true
		}
	}
	return Finding{}, false
}

// entropy is the Shannon entropy of s in bits per character.
func entropy(s string) float64 {
	counts := map[rune]float64{}
	for _, r := range s {
		counts[r]++
	}
	var h float64
	n := float64(len([]rune(s)))
	for _, c := range counts {
		p := c / n
		h -= p * math.Log2(p)
	}
	return h
}

func mask(line, secret string) string {
	shown := secret
	if len(shown) > 4 {
		shown = shown[:4] + strings.Repeat("*", min(len(secret)-4, 12))
	}
	line = strings.TrimSpace(strings.Replace(line, secret, shown, 1))
	if len(line) > 160 {
		line = line[:160] + "…"
	}
	return line
}
