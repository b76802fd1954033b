// Command loadgen measures a running attendance server (or a ceiling
// server from bench/ceiling) the way its users load it: many employees
// clocking in and out at once over keep-alive connections, managers opening
// overviews, a storm of logins beside the clock traffic, a late arrival
// fanned out to a thousand open dashboards, and a morning peak of entries
// over several replicas with the managers' dashboards open. It reports throughput and
// latency percentiles (HDR histograms) and the server's peak resident memory.
//
//	loadgen -url http://127.0.0.1:8000 -admin-password … clock -c 32 -d 20s
//	loadgen … overview -days 30
//	loadgen … storm -c 32 -rate 50 [-clock-rate 1000]
//	loadgen … ws -dashboards 1000
//	loadgen … peak -urls http://127.0.0.1:8000,http://127.0.0.1:8001 -rate 550 -dashboards 5000
//	loadgen -ceiling-secret S -url … clock      (against bench/ceiling)
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/HdrHistogram/hdrhistogram-go"
	"github.com/golang-jwt/jwt/v5"
)

type options struct {
	url           string
	adminUser     string
	adminPassword string
	userPassword  string
	ceilingSecret string
	pid           int
	skipUsers     int
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "loadgen:", err)
		}
		os.Exit(2)
	}
}

// run runs the scenario args name, writing its results to stdout and what
// went wrong on the way to stderr.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var o options
	fs := flag.NewFlagSet("loadgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.url, "url", "http://127.0.0.1:8000", "server base URL")
	fs.StringVar(&o.adminUser, "admin", "admin", "admin username")
	fs.StringVar(&o.adminPassword, "admin-password", "", "admin password")
	fs.StringVar(&o.userPassword, "password", "demo-password", "password of the demo users")
	fs.StringVar(&o.ceilingSecret, "ceiling-secret", "", "target is a bench/ceiling server: sign tokens with this secret instead of logging in")
	fs.IntVar(&o.pid, "pid", 0, "the server's process id, to sample its resident memory")
	fs.IntVar(&o.skipUsers, "skip-users", 0, "leave out the first N demo employees (two load generators on one company use different people)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("usage: loadgen [flags] clock|overview|storm|ws|peak [scenario flags]")
	}
	lg := newLoadgen(o, stdout, stderr)
	defer lg.rss.stop()
	switch fs.Arg(0) {
	case "clock":
		return lg.clockCmd(ctx, fs.Args()[1:])
	case "overview":
		return lg.overviewCmd(ctx, fs.Args()[1:])
	case "storm":
		return lg.stormCmd(ctx, fs.Args()[1:])
	case "ws":
		return lg.wsCmd(ctx, fs.Args()[1:])
	case "peak":
		return lg.peakCmd(ctx, fs.Args()[1:])
	default:
		return fmt.Errorf("unknown scenario %q", fs.Arg(0))
	}
}

type loadgen struct {
	o        options
	client   *http.Client
	rss      *rssSampler
	out, log io.Writer // results; problems on the way
}

func newLoadgen(o options, out, log io.Writer) *loadgen {
	tr := &http.Transport{
		MaxIdleConns: 1024, MaxIdleConnsPerHost: 1024, IdleConnTimeout: 90 * time.Second,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
	}
	lg := &loadgen{o: o, client: &http.Client{Transport: tr, Timeout: 30 * time.Second}, out: out, log: log}
	if o.pid > 0 {
		// From the start, so that the peak covers the scenario's setup too:
		// the accounts it creates and signs in cost a password hash each.
		lg.rss = newRSSSampler(o.pid, out)
		lg.rss.start()
	}
	return lg
}

// call sends one request to the server and returns the status and body.
func (lg *loadgen) call(ctx context.Context, method, path, token string, body any) (int, []byte, error) {
	return lg.callAt(ctx, lg.o.url, method, path, token, body)
}

// callAt sends one request to the replica at url.
func (lg *loadgen) callAt(ctx context.Context, url, method, path, token string, body any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url+path, r)
	if err != nil {
		return 0, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := lg.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

func (lg *loadgen) login(ctx context.Context, username, password string) (string, int64, error) {
	return lg.loginAt(ctx, lg.o.url, username, password)
}

// loginAt signs in on the replica at url.
func (lg *loadgen) loginAt(ctx context.Context, url, username, password string) (string, int64, error) {
	status, body, err := lg.callAt(ctx, url, "POST", "/api/users/login/", "", map[string]string{"username": username, "password": password})
	if err != nil {
		return "", 0, err
	}
	if status != 200 {
		return "", 0, fmt.Errorf("login %s: %d %s", username, status, body)
	}
	var t struct {
		Token string `json:"token"`
		User  struct {
			ID int64 `json:"id"`
		} `json:"user"`
	}
	err = json.Unmarshal(body, &t)
	return t.Token, t.User.ID, err
}

// user is a signed-in employee and the next event they will record.
type user struct {
	name  string
	token string
	next  string
}

// users signs in n employees of the demo company (or mints ceiling tokens).
func (lg *loadgen) users(ctx context.Context, n int) ([]*user, error) {
	if lg.o.ceilingSecret != "" {
		out := make([]*user, n)
		for i := range out {
			tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
				"sub": strconv.Itoa(i + 1), "exp": time.Now().Add(24 * time.Hour).Unix(), "iat": time.Now().Unix(),
			}).SignedString([]byte(lg.o.ceilingSecret))
			if err != nil {
				return nil, err
			}
			out[i] = &user{token: tok, next: "entry"}
		}
		return out, nil
	}
	admin, _, err := lg.login(ctx, lg.o.adminUser, lg.o.adminPassword)
	if err != nil {
		return nil, err
	}
	var names []string
	for offset := 0; len(names) < n+lg.o.skipUsers; offset += 500 {
		status, body, err := lg.call(ctx, "GET", fmt.Sprintf("/api/employees/?role=employee&limit=500&offset=%d", offset), admin, nil)
		if err != nil || status != 200 {
			return nil, fmt.Errorf("list employees: %d %v %s", status, err, body)
		}
		var page struct {
			Results []struct {
				Username string `json:"username"`
			} `json:"results"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, err
		}
		if len(page.Results) == 0 {
			break
		}
		for _, r := range page.Results {
			names = append(names, r.Username)
		}
	}
	if len(names) < n+lg.o.skipUsers {
		return nil, fmt.Errorf("the server has %d employees, %d are needed (attendance demo --employees …)", len(names), n+lg.o.skipUsers)
	}
	names = names[lg.o.skipUsers:]
	out := make([]*user, n)
	errs := make(chan error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i := range out {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			tok, _, err := lg.login(ctx, names[i], lg.o.userPassword)
			if err != nil {
				errs <- err
				return
			}
			// Start with the event that follows their last one.
			next := "entry"
			if status, body, err := lg.call(ctx, "GET", "/api/attendance/?limit=5", tok, nil); err == nil && status == 200 {
				var l struct {
					Results []struct {
						Type   string `json:"type"`
						Voided bool   `json:"voided"`
					} `json:"results"`
				}
				_ = json.Unmarshal(body, &l)
				for _, e := range l.Results {
					if !e.Voided {
						if e.Type == "entry" {
							next = "exit"
						}
						break
					}
				}
			}
			out[i] = &user{name: names[i], token: tok, next: next}
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return out, nil
}

// result is the outcome of a timed run.
type result struct {
	name     string
	requests int64
	errors   int64
	elapsed  time.Duration
	hist     *hdrhistogram.Histogram // microseconds
}

func newHist() *hdrhistogram.Histogram { return hdrhistogram.New(1, 60_000_000, 3) }

func (r result) String() string {
	ms := func(q float64) string { return fmt.Sprintf("%.2f", float64(r.hist.ValueAtQuantile(q))/1000) }
	return fmt.Sprintf("%-28s %8d req %6d err %9.0f req/s   p50 %s ms  p90 %s ms  p99 %s ms  max %s ms",
		r.name, r.requests, r.errors, float64(r.requests)/r.elapsed.Seconds(), ms(50), ms(90), ms(99), ms(100))
}

// clock runs c workers, each clocking its own users in and out in turn, for d.
// clock runs c clients clocking users in and out for warmup+d. With rate 0
// each client sends its next request as soon as the last is answered (closed
// loop); with rate > 0 the requests are sent at that many a second in all,
// each to the next free client, and a request's latency counts from when it
// was due, so that time spent waiting for a free client is not left out.
func (lg *loadgen) clock(ctx context.Context, users []*user, c, rate int, d, warmup time.Duration) result {
	res := result{name: fmt.Sprintf("clock in/out, %d clients", c), hist: newHist()}
	if rate > 0 {
		res.name = fmt.Sprintf("clock in/out at %d/s", rate)
	}
	var mu sync.Mutex
	var requests, errs atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	measureFrom := start.Add(warmup)
	end := measureFrom.Add(d)
	var due <-chan time.Time
	if rate > 0 {
		due = pace(ctx, start, rate, int(float64(rate)*(warmup+d).Seconds()))
	}
	for w := range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := newHist()
			mine := users[w*len(users)/c : (w+1)*len(users)/c]
			for i := 0; ctx.Err() == nil; i++ {
				now := time.Now()
				if now.After(end) {
					break
				}
				u := mine[i%len(mine)]
				t0 := time.Now()
				if due != nil {
					at, ok := <-due
					if !ok {
						break
					}
					t0 = at
				}
				status, body, err := lg.call(ctx, "POST", "/api/attendance/", u.token, map[string]string{"type": u.next})
				took := time.Since(t0)
				ok := err == nil && status == 201
				if ok {
					if u.next == "entry" {
						u.next = "exit"
					} else {
						u.next = "entry"
					}
				} else if status == 409 {
					// Out of step (e.g. an open session from the demo data): flip and go on.
					if bytes.Contains(body, []byte("already_clocked_in")) {
						u.next = "exit"
					} else {
						u.next = "entry"
					}
				}
				if t0.Before(measureFrom) {
					continue
				}
				requests.Add(1)
				if !ok {
					if errs.Add(1) <= 3 {
						fmt.Fprintf(lg.log, "clock: %d %v %s\n", status, err, body)
					}
				}
				_ = local.RecordValue(took.Microseconds())
			}
			mu.Lock()
			res.hist.Merge(local)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.requests, res.errors, res.elapsed = requests.Load(), errs.Load(), d
	return res
}

func (lg *loadgen) clockCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("clock", flag.ContinueOnError)
	fs.SetOutput(lg.log)
	c := fs.Int("c", 32, "concurrent clients")
	d := fs.Duration("d", 15*time.Second, "measured duration")
	warmup := fs.Duration("warmup", 2*time.Second, "unmeasured warm-up")
	perClient := fs.Int("users-per-client", 4, "employees per client")
	rate := fs.Int("rate", 0, "requests a second in all (0: each client sends as fast as it is answered)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	users, err := lg.users(ctx, *c**perClient)
	if err != nil {
		return err
	}
	res := lg.clock(ctx, users, *c, *rate, *d, *warmup)
	fmt.Fprintln(lg.out, res)
	lg.rss.report()
	return nil
}

func (lg *loadgen) overviewCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("overview", flag.ContinueOnError)
	fs.SetOutput(lg.log)
	days := fs.Int("days", 30, "days in the range, ending yesterday")
	n := fs.Int("n", 10, "requests")
	format := fs.String("format", "json", "json or csv")
	if err := fs.Parse(args); err != nil {
		return err
	}
	admin, _, err := lg.login(ctx, lg.o.adminUser, lg.o.adminPassword)
	if err != nil {
		return err
	}
	today := time.Now().UTC()
	from, to := today.AddDate(0, 0, -*days).Format("2006-01-02"), today.AddDate(0, 0, -1).Format("2006-01-02")
	path := fmt.Sprintf("/api/attendance/overview/?from=%s&to=%s&format=%s", from, to, *format)
	res := result{name: fmt.Sprintf("overview %d days (%s)", *days, *format), hist: newHist()}
	start := time.Now()
	for range *n {
		t0 := time.Now()
		status, body, err := lg.call(ctx, "GET", path, admin, nil)
		_ = res.hist.RecordValue(time.Since(t0).Microseconds())
		res.requests++
		if err != nil || status != 200 {
			res.errors++
			fmt.Fprintf(lg.log, "overview: %d %v %.200s\n", status, err, body)
		}
	}
	res.elapsed = time.Since(start)
	fmt.Fprintln(lg.out, res)
	lg.rss.report()
	return nil
}

// stormCmd measures clock traffic alone, then again beside a storm of logins.
func (lg *loadgen) stormCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("storm", flag.ContinueOnError)
	fs.SetOutput(lg.log)
	c := fs.Int("c", 32, "concurrent clock clients")
	d := fs.Duration("d", 15*time.Second, "measured duration of each phase")
	rate := fs.Int("rate", 50, "logins per second")
	clockRate := fs.Int("clock-rate", 0, "clock requests a second in all (0: each client sends as fast as it is answered)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	users, err := lg.users(ctx, *c*4)
	if err != nil {
		return err
	}
	calm := lg.clock(ctx, users, *c, *clockRate, *d, 2*time.Second)
	calm.name = "clock, no logins"
	fmt.Fprintln(lg.out, calm)

	stormCtx, cancel := context.WithCancel(ctx)
	logins := result{name: fmt.Sprintf("logins at %d/s", *rate), hist: newHist()}
	var lmu sync.Mutex
	var lwg sync.WaitGroup
	var seq atomic.Int64
	lwg.Add(1)
	go func() {
		defer lwg.Done()
		tick := time.NewTicker(time.Second / time.Duration(*rate))
		defer tick.Stop()
		start := time.Now()
		for {
			select {
			case <-stormCtx.Done():
				lmu.Lock()
				logins.elapsed = time.Since(start)
				lmu.Unlock()
				return
			case <-tick.C:
				lwg.Add(1)
				go func() {
					defer lwg.Done()
					t0 := time.Now()
					// Each login is another employee's, as on a Monday morning
					// (one name over and over would meet the failed-login limit,
					// which counts attempts still being checked).
					u := users[int(seq.Add(1))%len(users)]
					_, _, err := lg.login(stormCtx, u.name, lg.o.userPassword)
					lmu.Lock()
					logins.requests++
					if err != nil && stormCtx.Err() == nil {
						logins.errors++
					}
					_ = logins.hist.RecordValue(time.Since(t0).Microseconds())
					lmu.Unlock()
				}()
			}
		}
	}()
	storm := lg.clock(ctx, users, *c, *clockRate, *d, 2*time.Second)
	storm.name = fmt.Sprintf("clock, %d logins/s beside", *rate)
	cancel()
	lwg.Wait()
	fmt.Fprintln(lg.out, storm)
	fmt.Fprintln(lg.out, logins)
	fmt.Fprintf(lg.out, "clock p99 with the storm / without: %.2f\n", float64(storm.hist.ValueAtQuantile(99))/float64(calm.hist.ValueAtQuantile(99)))
	lg.rss.report()
	return nil
}

// rssSampler records the peak resident memory of a process.
type rssSampler struct {
	pid  int
	out  io.Writer
	peak atomic.Int64
	done chan struct{}
}

func newRSSSampler(pid int, out io.Writer) *rssSampler {
	return &rssSampler{pid: pid, out: out, done: make(chan struct{})}
}

func (s *rssSampler) start() {
	go func() {
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			if kb := rssKB(s.pid); kb > s.peak.Load() {
				s.peak.Store(kb)
			}
			select {
			case <-s.done:
				return
			case <-tick.C:
			}
		}
	}()
}

func (s *rssSampler) stop() {
	if s != nil {
		close(s.done)
	}
}

func (s *rssSampler) report() {
	if s == nil {
		return
	}
	time.Sleep(150 * time.Millisecond)
	fmt.Fprintf(s.out, "server peak resident memory: %.1f MB (now %.1f MB)\n", float64(s.peak.Load())/1024, float64(rssKB(s.pid))/1024)
}

func rssKB(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			f := strings.Fields(line)
			if len(f) >= 2 {
				n, _ := strconv.ParseInt(f[1], 10, 64)
				return n
			}
		}
	}
	return 0
}
