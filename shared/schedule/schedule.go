// Package schedule understands EventBridge schedule expressions — rate(5 minutes) and
// cron(30 0 * * ? *) — so the local runner fires scheduled functions when EventBridge would.
package schedule

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Schedule yields the firing times of an expression.
type Schedule interface {
	// Next is the first firing time strictly after t.
	Next(t time.Time) time.Time
}

// Parse reads an EventBridge schedule expression.
func Parse(expr string) (Schedule, error) {
	expr = strings.TrimSpace(expr)
	switch {
	case strings.HasPrefix(expr, "rate(") && strings.HasSuffix(expr, ")"):
		return parseRate(expr[5 : len(expr)-1])
	case strings.HasPrefix(expr, "cron(") && strings.HasSuffix(expr, ")"):
		return parseCron(expr[5 : len(expr)-1])
	}
	return nil, fmt.Errorf("schedule %q: want rate(N unit) or cron(min hour day month weekday year)", expr)
}

type rate time.Duration

func (r rate) Next(t time.Time) time.Time { return t.Truncate(time.Duration(r)).Add(time.Duration(r)) }

func parseRate(s string) (Schedule, error) {
	f := strings.Fields(s)
	if len(f) != 2 {
		return nil, fmt.Errorf("rate(%s): want a number and a unit", s)
	}
	n, err := strconv.Atoi(f[0])
	if err != nil || n <= 0 {
		return nil, fmt.Errorf("rate(%s): %q is not a positive whole number", s, f[0])
	}
	units := map[string]time.Duration{"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}
	u, ok := units[strings.TrimSuffix(f[1], "s")]
	if !ok {
		return nil, fmt.Errorf("rate(%s): unit must be minute(s), hour(s) or day(s)", s)
	}
	return rate(time.Duration(n) * u), nil
}

// cron holds the allowed values of each field; weekdays use Go's numbering (Sunday = 0).
type cron struct {
	minute, hour, dom, month, dow, year map[int]bool
}

var (
	monthNames = map[string]int{"JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
		"JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12}
	dayNames = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}
)

func parseCron(s string) (Schedule, error) {
	f := strings.Fields(s)
	if len(f) != 6 {
		return nil, fmt.Errorf("cron(%s): want 6 fields (minute hour day-of-month month day-of-week year)", s)
	}
	if (f[2] == "?") == (f[4] == "?") {
		return nil, fmt.Errorf("cron(%s): exactly one of day-of-month and day-of-week must be ?", s)
	}
	var c cron
	specs := []struct {
		dst      *map[int]bool
		field    string
		lo, hi   int
		names    map[string]int
		optional bool
	}{
		{&c.minute, f[0], 0, 59, nil, false}, {&c.hour, f[1], 0, 23, nil, false},
		{&c.dom, f[2], 1, 31, nil, true}, {&c.month, f[3], 1, 12, monthNames, false},
		{&c.dow, f[4], 1, 7, dayNames, true}, {&c.year, f[5], 1970, 2199, nil, false},
	}
	for _, sp := range specs {
		set, err := parseField(sp.field, sp.lo, sp.hi, sp.names, sp.optional)
		if err != nil {
			return nil, fmt.Errorf("cron(%s): %w", s, err)
		}
		*sp.dst = set
	}
	if c.dow != nil { // EventBridge counts SUN=1 … SAT=7; Go counts Sunday = 0.
		shifted := map[int]bool{}
		for d := range c.dow {
			shifted[d-1] = true
		}
		c.dow = shifted
	}
	return c, nil
}

// parseField returns the allowed values, or nil for "any" (* or ?).
func parseField(field string, lo, hi int, names map[string]int, optional bool) (map[int]bool, error) {
	if field == "*" || (optional && field == "?") {
		return nil, nil
	}
	set := map[int]bool{}
	for _, part := range strings.Split(field, ",") {
		rng, stepStr, hasStep := strings.Cut(part, "/")
		step := 1
		if hasStep {
			n, err := strconv.Atoi(stepStr)
			if err != nil || n <= 0 {
				return nil, fmt.Errorf("bad step in %q", part)
			}
			step = n
		}
		from, to := lo, hi
		if rng != "*" {
			a, b, isRange := strings.Cut(rng, "-")
			var err error
			if from, err = value(a, names); err != nil {
				return nil, err
			}
			to = from
			if isRange {
				if to, err = value(b, names); err != nil {
					return nil, err
				}
			} else if hasStep {
				to = hi
			}
		}
		if from < lo || to > hi || from > to {
			return nil, fmt.Errorf("%q is outside %d-%d", part, lo, hi)
		}
		for v := from; v <= to; v += step {
			set[v] = true
		}
	}
	return set, nil
}

func value(s string, names map[string]int) (int, error) {
	if v, ok := names[strings.ToUpper(s)]; ok {
		return v, nil
	}
	v, err := strconv.Atoi(s)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number (L, W and # are not supported)", s)
	}
	return v, nil
}

func allows(set map[int]bool, v int) bool { return set == nil || set[v] }

// Next walks forward, skipping whole days and hours that cannot match; times are UTC, as
// EventBridge's cron expressions are.
func (c cron) Next(t time.Time) time.Time {
	t = t.UTC().Truncate(time.Minute).Add(time.Minute)
	limit := t.AddDate(5, 0, 0)
	for t.Before(limit) {
		switch {
		case !allows(c.year, t.Year()) || !allows(c.month, int(t.Month())) ||
			!allows(c.dom, t.Day()) || !allows(c.dow, int(t.Weekday())):
			t = time.Date(t.Year(), t.Month(), t.Day()+1, 0, 0, 0, 0, time.UTC)
		case !allows(c.hour, t.Hour()):
			t = t.Truncate(time.Hour).Add(time.Hour)
		case !allows(c.minute, t.Minute()):
			t = t.Add(time.Minute)
		default:
			return t
		}
	}
	return time.Time{} // never fires again (e.g. a past year)
}
