package stack

import (
	"strconv"
	"strings"
	"time"
)

// scheduleGap returns an upper bound on the time between two runs of an EventBridge schedule
// expression, which is how long a schedule-miss alarm must wait before it may fire. It
// reports false for shapes it cannot bound: days of the month, months, years, "L" and "#".
func scheduleGap(expr string) (time.Duration, bool) {
	if inner, ok := unwrap(expr, "rate"); ok {
		return rateGap(inner)
	}
	if inner, ok := unwrap(expr, "cron"); ok {
		return cronGap(inner)
	}
	return 0, false
}

func unwrap(expr, fn string) (string, bool) {
	inner, ok := strings.CutPrefix(expr, fn+"(")
	if !ok {
		return "", false
	}
	return strings.CutSuffix(inner, ")")
}

// rateGap reads "5 minutes", "1 hour", "7 days".
func rateGap(s string) (time.Duration, bool) {
	n, unit, _ := strings.Cut(strings.TrimSpace(s), " ")
	v, err := strconv.Atoi(n)
	if err != nil || v <= 0 {
		return 0, false
	}
	per := map[string]time.Duration{"minute": time.Minute, "hour": time.Hour, "day": 24 * time.Hour}[strings.TrimSuffix(unit, "s")]
	return time.Duration(v) * per, per > 0
}

// cronGap bounds the six-field EventBridge cron "minutes hours day-of-month month
// day-of-week year": the gap between run days (daily, or the longest gap between the listed
// weekdays) times a day, or within a day the step of the minutes or hours.
func cronGap(s string) (time.Duration, bool) {
	f := strings.Fields(s)
	if len(f) != 6 {
		return 0, false
	}
	minutes, hours, dom, month, dow, year := f[0], f[1], f[2], f[3], f[4], f[5]
	if !wildcard(month) || !wildcard(year) || !wildcard(dom) {
		return 0, false
	}
	if !wildcard(dow) {
		days, ok := weekdayGap(dow)
		return time.Duration(days) * 24 * time.Hour, ok
	}
	return withinDayGap(minutes, hours), true
}

func wildcard(field string) bool { return field == "*" || field == "?" }

// withinDayGap bounds the gap between runs of a daily cron: every n minutes of every hour,
// every n hours when n divides a day, and otherwise a day.
func withinDayGap(minutes, hours string) time.Duration {
	if hours == "*" {
		if n, ok := step(minutes); ok && 60%n == 0 {
			return time.Duration(n) * time.Minute
		}
		return time.Hour
	}
	if n, ok := step(hours); ok && 24%n == 0 {
		return time.Duration(n) * time.Hour
	}
	return 24 * time.Hour
}

// step reads "*" (1), "*/n" and "0/n"; other starts leave an uneven gap at the wrap.
func step(field string) (int, bool) {
	if field == "*" {
		return 1, true
	}
	start, n, ok := strings.Cut(field, "/")
	if !ok || (start != "*" && start != "0") {
		return 0, false
	}
	v, err := strconv.Atoi(n)
	return v, err == nil && v > 0
}

// weekdays maps EventBridge's day-of-week names to its numbers (1 = Sunday).
var weekdays = map[string]int{"SUN": 1, "MON": 2, "TUE": 3, "WED": 4, "THU": 5, "FRI": 6, "SAT": 7}

// weekdayGap returns the longest run of days from one listed weekday to the next, e.g.
// "MON-FRI" → 3 (Friday to Monday), "SUN" → 7.
func weekdayGap(field string) (int, bool) {
	var on [8]bool
	for _, item := range strings.Split(field, ",") {
		lo, hi, isRange := strings.Cut(item, "-")
		if !isRange {
			hi = lo
		}
		a, okA := weekday(lo)
		z, okZ := weekday(hi)
		if !okA || !okZ || z < a {
			return 0, false
		}
		for d := a; d <= z; d++ {
			on[d] = true
		}
	}
	gap, last, first := 0, 0, 0
	for d := 1; d <= 7; d++ {
		if !on[d] {
			continue
		}
		if first == 0 {
			first = d
		} else {
			gap = max(gap, d-last)
		}
		last = d
	}
	if first == 0 {
		return 0, false
	}
	return max(gap, first+7-last), true
}

func weekday(s string) (int, bool) {
	if d, ok := weekdays[strings.ToUpper(s)]; ok {
		return d, true
	}
	d, err := strconv.Atoi(s)
	return d, err == nil && d >= 1 && d <= 7
}
