package nurture

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Variables are the names a template may use, filled from the lead, its agent and the best
// matching listing.
var Variables = []string{"name", "first_name", "agent_name", "brokerage", "listing_title",
	"listing_price", "listing_community", "listing_url", "unsubscribe_url"}

var placeholder = regexp.MustCompile(`\{\{\s*([a-z_]+)\s*\}\}`)

// Check rejects templates using unknown variables, so a typo fails at save, not at send.
func (t Template) Check() error {
	for lang, texts := range map[string]map[string]string{"body": t.Body, "subject": t.Subject} {
		for l, text := range texts {
			for _, m := range placeholder.FindAllStringSubmatch(text, -1) {
				if !slices.Contains(Variables, m[1]) {
					return fmt.Errorf("%s[%s] uses unknown variable {{%s}}", lang, l, m[1])
				}
			}
		}
	}
	return nil
}

// Language picks the template language for a lead: Arabic when the lead speaks it and the
// template has it, English otherwise.
func (t Template) Language(lead string) string {
	if lead == "ar" && t.Body["ar"] != "" {
		return "ar"
	}
	return "en"
}

// Render fills a template's subject and body in lang with vars; missing values render empty.
func (t Template) Render(lang string, vars map[string]string) (subject, body string) {
	fill := func(s string) string {
		return placeholder.ReplaceAllStringFunc(s, func(m string) string {
			return vars[placeholder.FindStringSubmatch(m)[1]]
		})
	}
	return strings.TrimSpace(fill(t.Subject[lang])), strings.TrimSpace(fill(t.Body[lang]))
}

// Params lists the values of the body's variables in order of appearance, as WhatsApp's
// approved templates take them ({{1}}, {{2}}, ...).
func (t Template) Params(lang string, vars map[string]string) []string {
	var out []string
	for _, m := range placeholder.FindAllStringSubmatch(t.Body[lang], -1) {
		out = append(out, vars[m[1]])
	}
	return out
}

// FirstName is the first word of a full name, for greetings.
func FirstName(full string) string {
	if f := strings.Fields(full); len(f) > 0 {
		return f[0]
	}
	return ""
}

// riskyPhrases are claims RERA's advertising rules forbid or that need a person's eye.
var riskyPhrases = []string{"guarantee", "risk-free", "risk free", "100%", "no risk", "assured return",
	"double your", "ضمان", "مضمون"}

// Risky reports whether a drafted text makes a claim that must wait for review.
func Risky(text string) bool {
	l := strings.ToLower(text)
	return slices.ContainsFunc(riskyPhrases, func(p string) bool { return strings.Contains(l, p) })
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.ToLower(strings.TrimSpace(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}
