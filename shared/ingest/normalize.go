package ingest

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// List splits a cell holding a list: a Python list literal (['a', "b's"]), a JSON array or
// comma-joined text; items are trimmed and blanks dropped.
func List(s string) (items []string, python bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return []string{}, false
	}
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		var js []string
		if json.Unmarshal([]byte(s), &js) == nil {
			return compact(js), false
		}
		return compact(pythonList(s[1 : len(s)-1])), true
	}
	return compact(strings.Split(s, ",")), false
}

// pythonList reads the inside of a Python list of strings, honouring both quote styles.
func pythonList(s string) []string {
	var out []string
	var cur strings.Builder
	var quote rune
	esc := false
	for _, c := range s {
		switch {
		case esc:
			cur.WriteRune(c)
			esc = false
		case c == '\\' && quote != 0:
			esc = true
		case quote != 0 && c == quote:
			quote = 0
		case quote == 0 && (c == '\'' || c == '"'):
			quote = c
		case quote == 0 && c == ',':
			out = append(out, cur.String())
			cur.Reset()
		default:
			cur.WriteRune(c)
		}
	}
	return append(out, cur.String())
}

func compact(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Budget reads a budget band ("1M-2M", "10M+", "Under 1M", "500K-750K", "2,000,000") into
// a minimum and maximum in AED; nil ends are open.
func Budget(s string) (lo, hi *float64, ok bool) {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	t = strings.TrimPrefix(strings.TrimSuffix(t, "aed"), "aed")
	switch {
	case t == "":
		return nil, nil, true
	case strings.HasPrefix(t, "under") || strings.HasPrefix(t, "below") || strings.HasPrefix(t, "<"):
		v, ok := amount(strings.TrimLeft(t, "underbelow<"))
		return nil, &v, ok
	case strings.HasSuffix(t, "+"):
		v, ok := amount(strings.TrimSuffix(t, "+"))
		return &v, nil, ok
	case strings.HasPrefix(t, "above") || strings.HasPrefix(t, "over"):
		v, ok := amount(strings.TrimLeft(t, "aboveover"))
		return &v, nil, ok
	}
	if a, b, found := strings.Cut(t, "-"); found {
		x, ok1 := amount(a)
		y, ok2 := amount(b)
		if !ok1 || !ok2 || x > y {
			return nil, nil, false
		}
		return &x, &y, true
	}
	v, ok := amount(t)
	return &v, &v, ok
}

func amount(s string) (float64, bool) {
	mult := 1.0
	switch {
	case strings.HasSuffix(s, "m"):
		mult, s = 1e6, strings.TrimSuffix(s, "m")
	case strings.HasSuffix(s, "k"):
		mult, s = 1e3, strings.TrimSuffix(s, "k")
	case strings.HasSuffix(s, "b"):
		mult, s = 1e9, strings.TrimSuffix(s, "b")
	}
	f, err := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	return f * mult, err == nil && f >= 0
}

// allowed lists the accepted spellings of an enumeration table.
func allowed(table map[string]string) string {
	keys := make([]string, 0, len(table))
	for k := range table {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}

// enum builds a case-insensitive table from spelling → value pairs.
func enum(pairs ...string) map[string]string {
	m := make(map[string]string, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		m[strings.ToLower(pairs[i])] = pairs[i+1]
	}
	return m
}
