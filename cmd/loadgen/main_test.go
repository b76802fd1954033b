package main

import (
	"bytes"
	"context"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/openattendance/attendance/internal/testenv"
)

// TestScenarios runs every scenario, briefly and small, against the real
// service on a small demo company, and checks what it reports: requests made
// and none failed, every WebSocket delivery counted, the server's memory
// sampled. BENCHMARKS.md is only as good as this tool.
func TestScenarios(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the service as a process; not in -short")
	}
	const adminPassword = "loadgen-admin-1"
	bin := testenv.Binary(t)
	dir := t.TempDir()
	if out, err := exec.Command(bin, "demo", "--data-dir", dir, "--employees", "60", "--days", "3",
		"--admin-password", adminPassword, "--log-level", "error").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v\n%s", err, out)
	}
	server := testenv.StartServer(t, bin, "--data-dir", dir, "--log-level", "error")
	url := server.URL()

	memory := regexp.MustCompile(`server peak resident memory: ([0-9.]+) MB`)
	for _, tc := range []struct {
		name string
		args []string
		want []*regexp.Regexp // each must match, its first group (if any) a positive number
	}{
		{"clock", []string{"clock", "-c", "3", "-d", "1s", "-warmup", "200ms"}, []*regexp.Regexp{
			regexp.MustCompile(`clock in/out, 3 clients\s+(\d+) req\s+0 err`),
		}},
		{"overview", []string{"overview", "-days", "3", "-n", "3"}, []*regexp.Regexp{
			regexp.MustCompile(`overview 3 days \(json\)\s+(3) req\s+0 err`),
		}},
		{"overview as CSV", []string{"overview", "-days", "3", "-n", "2", "-format", "csv"}, []*regexp.Regexp{
			regexp.MustCompile(`overview 3 days \(csv\)\s+(2) req\s+0 err`),
		}},
		{"storm", []string{"storm", "-c", "2", "-d", "1s", "-rate", "5"}, []*regexp.Regexp{
			regexp.MustCompile(`clock, no logins\s+(\d+) req\s+0 err`),
			regexp.MustCompile(`clock, 5 logins/s beside\s+(\d+) req\s+0 err`),
			regexp.MustCompile(`logins at 5/s\s+(\d+) req\s+0 err`),
			regexp.MustCompile(`clock p99 with the storm / without: ([0-9.]+)`),
		}},
		{"ws", []string{"ws", "-dashboards", "25", "-events", "3", "-interval", "50ms"}, []*regexp.Regexp{
			regexp.MustCompile(`fan-out to 25 dashboards\s+(75) of 75 deliveries \(0 missing\)`),
		}},
		// Whether the entries are late depends on the hour in each
		// employee's zone: that every late one is delivered is checked.
		{"peak", []string{"peak", "-rate", "20", "-d", "1s", "-dashboards", "8", "-c", "4"}, []*regexp.Regexp{
			regexp.MustCompile(`peak entries at 20/s\s+(20) req\s+0 err`),
			regexp.MustCompile(`late_arrival on a dashboard\s+\d+ of \d+ late entries \(0 missing\) on 8 dashboards`),
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, problems bytes.Buffer
			args := append([]string{"-url", url, "-admin-password", adminPassword, "-pid", strconv.Itoa(server.PID())}, tc.args...)
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := run(ctx, args, &out, &problems); err != nil {
				t.Fatalf("loadgen %v: %v\n%s%s", tc.args, err, out.String(), problems.String())
			}
			if problems.Len() > 0 {
				t.Errorf("loadgen %v reported problems:\n%s", tc.args, problems.String())
			}
			for _, re := range append(tc.want, memory) {
				m := re.FindStringSubmatch(out.String())
				if m == nil {
					t.Errorf("output lacks %q:\n%s", re, out.String())
					continue
				}
				if len(m) > 1 {
					if v, err := strconv.ParseFloat(m[1], 64); err != nil || v <= 0 {
						t.Errorf("%q: %q is not a positive number", re, m[1])
					}
				}
			}
		})
	}

	t.Run("bad arguments", func(t *testing.T) {
		for _, args := range [][]string{{}, {"-url", url, "dance"}, {"-url", url, "clock", "-c", "many"}, {"-no-such-flag"}} {
			var out, problems bytes.Buffer
			if err := run(context.Background(), args, &out, &problems); err == nil {
				t.Errorf("loadgen %q: no error", args)
			}
		}
	})
}
