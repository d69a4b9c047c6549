package stack

import (
	"testing"
	"time"

	"github.com/propertypro/propertypro/functions"
)

const day = 24 * time.Hour

func TestScheduleGap(t *testing.T) {
	tests := []struct {
		expr string
		want time.Duration
		ok   bool
	}{
		{"rate(1 minute)", time.Minute, true},
		{"rate(5 minutes)", 5 * time.Minute, true},
		{"rate(2 hours)", 2 * time.Hour, true},
		{"rate(1 day)", day, true},
		{"rate(0 minutes)", 0, false},
		{"rate(5 fortnights)", 0, false},
		{"cron(0 23 * * ? *)", day, true},
		{"cron(30 0 * * ? *)", day, true},
		{"cron(0 6,18 * * ? *)", day, true}, // a bound, not the exact 12 hours
		{"cron(0/15 * * * ? *)", 15 * time.Minute, true},
		{"cron(*/10 * * * ? *)", 10 * time.Minute, true},
		{"cron(0 * * * ? *)", time.Hour, true},
		{"cron(0 */6 * * ? *)", 6 * time.Hour, true},
		{"cron(0 5/10 * * ? *)", day, true}, // 05, 15, then 05 again the next day
		{"cron(0 9 ? * MON-FRI *)", 3 * day, true},
		{"cron(0 9 ? * 2,4,6 *)", 3 * day, true}, // Friday to Monday
		{"cron(0 9 ? * SUN *)", 7 * day, true},
		{"cron(0 9 1 * ? *)", 0, false},   // monthly
		{"cron(0 9 ? 1 * *)", 0, false},   // January only
		{"cron(0 9 ? * 6#3 *)", 0, false}, // third Friday
		{"cron(0 9 * *)", 0, false},
		{"every day", 0, false},
	}
	for _, tt := range tests {
		got, ok := scheduleGap(tt.expr)
		if got != tt.want || ok != tt.ok {
			t.Errorf("scheduleGap(%q) = %v, %v; want %v, %v", tt.expr, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMissWindow(t *testing.T) {
	tests := []struct {
		gap     time.Duration
		want    alarmWindow
		enabled bool
	}{
		{5 * time.Minute, alarmWindow{5 * time.Minute, 2}, true},
		{90 * time.Second, alarmWindow{2 * time.Minute, 2}, true},
		{time.Hour, alarmWindow{time.Hour, 2}, true},
		{day, alarmWindow{time.Hour, 25}, true},
		{3 * day, alarmWindow{time.Hour, 73}, true},
		{7 * day, alarmWindow{time.Hour, 169}, false}, // beyond CloudWatch's seven days
	}
	for _, tt := range tests {
		got, ok := missWindow(tt.gap)
		if got != tt.want || ok != tt.enabled {
			t.Errorf("missWindow(%v) = %+v, %v; want %+v, %v", tt.gap, got, ok, tt.want, tt.enabled)
		}
	}
}

// TestManifestSchedulesHaveMissAlarms keeps every real schedule within what a miss alarm can
// watch: a weekly or monthly schedule added to the manifest fails here, so that whoever adds
// it decides how its misses will be noticed.
func TestManifestSchedulesHaveMissAlarms(t *testing.T) {
	for _, f := range functions.Manifest {
		if f.Kind() != functions.KindSchedule {
			continue
		}
		gap, ok := scheduleGap(f.Schedule)
		if !ok {
			t.Errorf("%s: cannot bound the gap between runs of %q", f.Name, f.Schedule)
			continue
		}
		if _, ok := missWindow(gap); !ok {
			t.Errorf("%s: %q runs less often than a miss alarm can watch (%v)", f.Name, f.Schedule, maxAlarmRange-time.Hour)
		}
	}
}
