package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// peakCmd replays a morning peak (issue 21): the entries of many employees,
// ordered by time zone as the morning moves west, at a fixed rate spread
// over one or more replicas, while their managers' dashboards are open on
// those replicas. It reports the clock requests' latency and, for every
// entry the server found late, how long its late_arrival notification took
// to reach the manager's sockets (from when the entry was due to be sent).
func (lg *loadgen) peakCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("peak", flag.ContinueOnError)
	fs.SetOutput(lg.log)
	replicas := fs.String("urls", lg.o.url, "the replicas, comma-separated: employees and dashboards are spread over them")
	rate := fs.Int("rate", 200, "entries a second in all")
	d := fs.Duration("d", 10*time.Second, "how long the peak lasts")
	n := fs.Int("employees", 0, "employees who clock in (0: rate × d, one entry each, as in a real morning)")
	dashboards := fs.Int("dashboards", 200, "open manager dashboards (sockets), at most 10 per manager")
	c := fs.Int("c", 64, "concurrent clients sending the entries")
	if err := fs.Parse(args); err != nil {
		return err
	}
	urls := strings.Split(*replicas, ",")
	if *n == 0 {
		*n = *rate * int(d.Seconds())
	}

	// Who: employees, east first, and their managers.
	admin, _, err := lg.login(ctx, lg.o.adminUser, lg.o.adminPassword)
	if err != nil {
		return err
	}
	staff, err := lg.people(ctx, admin)
	if err != nil {
		return err
	}
	var emps []*person
	byID := map[int64]*person{}
	for _, p := range staff {
		byID[p.ID] = p
		if p.Role == "employee" && p.Active {
			emps = append(emps, p)
		}
	}
	if len(emps) < *n+lg.o.skipUsers {
		return fmt.Errorf("the server has %d active employees, %d are needed (attendance demo --employees …)", len(emps), *n+lg.o.skipUsers)
	}
	emps = emps[lg.o.skipUsers : lg.o.skipUsers+*n]
	now := time.Now()
	slices.SortStableFunc(emps, func(a, b *person) int { return b.offset(now) - a.offset(now) })
	var managers []*person
	seen := map[int64]bool{}
	for _, e := range emps {
		if m := byID[deref(e.ManagerID)]; m != nil && !seen[m.ID] {
			seen[m.ID] = true
			managers = append(managers, m)
		}
	}
	if len(managers) == 0 {
		return errors.New("the employees have no managers")
	}
	// The dashboards go round the managers, at most 10 each (the server's
	// limit per account); a late entry counts only if its manager watches.
	sockets := min(*dashboards, 10*len(managers))
	managers = managers[:min(len(managers), sockets)]
	watched := map[int64]bool{}
	for _, m := range managers {
		watched[m.ID] = true
	}

	// Sign everyone in, each on their replica, and close any open session.
	fmt.Fprintf(lg.out, "peak: signing in %d employees and %d managers on %d replicas…\n", len(emps), len(managers), len(urls))
	signIn := func(ps []*person, closeOpen bool) error {
		return lg.each(ctx, len(ps), 4*len(urls), func(i int) error {
			p := ps[i]
			p.url = urls[i%len(urls)]
			tok, _, err := lg.loginAt(ctx, p.url, p.Username, lg.o.userPassword)
			if err != nil {
				return err
			}
			p.token = tok
			if closeOpen && lg.lastIsEntry(ctx, p) {
				if status, body, err := lg.callAt(ctx, p.url, "POST", "/api/attendance/", p.token, map[string]string{"type": "exit"}); err != nil || status != 201 {
					return fmt.Errorf("closing %s's open session: %d %v %s", p.Username, status, err, body)
				}
			}
			return nil
		})
	}
	if err := signIn(managers, false); err != nil {
		return err
	}
	if err := signIn(emps, true); err != nil {
		return err
	}

	// The dashboards: every late_arrival notification's arrival, by employee.
	var mu sync.Mutex
	arrived := map[int64]time.Time{} // the first socket to get it
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ready := make(chan error, sockets)
	var socks sync.WaitGroup
	for k := range sockets {
		m := managers[k%len(managers)]
		url := urls[(k+k/len(managers))%len(urls)] // a manager's sockets on every replica
		socks.Add(1)
		go func() {
			defer socks.Done()
			lg.dashboard(dctx, url, m.token, ready, func(kind string, employee int64) {
				if kind != "late_arrival" {
					return
				}
				at := time.Now()
				mu.Lock()
				if _, ok := arrived[employee]; !ok {
					arrived[employee] = at
				}
				mu.Unlock()
			})
		}()
	}
	timeout := time.After(time.Minute)
	for range sockets {
		select {
		case err := <-ready:
			if err != nil {
				return err
			}
		case <-timeout:
			return errors.New("the dashboards did not all connect within a minute")
		}
	}

	// The peak: one entry an employee, east first, at the rate asked.
	fmt.Fprintf(lg.out, "peak: %d dashboards open; %d entries at %d/s\n", sockets, len(emps), *rate)
	res := result{name: fmt.Sprintf("peak entries at %d/s", *rate), hist: newHist()}
	late := map[int64]time.Time{} // employee: when their late entry was due (a watching manager's)
	var requests, errs atomic.Int64
	start := time.Now()
	due := pace(ctx, start, *rate, len(emps))
	next := atomic.Int64{}
	var wg sync.WaitGroup
	for range *c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			local := newHist()
			defer func() { mu.Lock(); res.hist.Merge(local); mu.Unlock() }()
			for t0 := range due {
				e := emps[next.Add(1)-1]
				status, body, err := lg.callAt(ctx, e.url, "POST", "/api/attendance/", e.token, map[string]string{"type": "entry"})
				_ = local.RecordValue(time.Since(t0).Microseconds())
				requests.Add(1)
				if err != nil || status != 201 {
					if errs.Add(1) <= 3 {
						fmt.Fprintf(lg.log, "peak: %s: %d %v %s\n", e.Username, status, err, body)
					}
					continue
				}
				var ev struct {
					Late bool `json:"late"`
				}
				if json.Unmarshal(body, &ev) == nil && ev.Late && watched[deref(e.ManagerID)] {
					mu.Lock()
					late[e.ID] = t0
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.requests, res.errors = requests.Load(), errs.Load()
	time.Sleep(3 * time.Second) // the last notifications on their way
	cancel()
	socks.Wait()

	fmt.Fprintln(lg.out, res)
	notes := newHist()
	missing := 0
	for id, t0 := range late {
		at, ok := arrived[id]
		if !ok {
			missing++
			continue
		}
		_ = notes.RecordValue(at.Sub(t0).Microseconds())
	}
	ms := func(q float64) float64 { return float64(notes.ValueAtQuantile(q)) / 1000 }
	fmt.Fprintf(lg.out, "%-28s %d of %d late entries (%d missing) on %d dashboards   p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n",
		"late_arrival on a dashboard", len(late)-missing, len(late), missing, sockets, ms(50), ms(90), ms(99), ms(100))
	lg.rss.report()
	return nil
}

// person is an employee as GET /api/employees/ lists them, signed in on one
// replica.
type person struct {
	ID        int64  `json:"id"`
	Username  string `json:"username"`
	Role      string `json:"role"`
	ManagerID *int64 `json:"manager_id"`
	Timezone  string `json:"timezone"`
	Active    bool   `json:"active"`
	url       string
	token     string
}

// offset is the person's zone's offset from UTC at t, in seconds (0 when the
// zone is unknown here).
func (p *person) offset(t time.Time) int {
	loc, err := time.LoadLocation(p.Timezone)
	if err != nil {
		return 0
	}
	_, off := t.In(loc).Zone()
	return off
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// people lists everyone the admin sees, in id order.
func (lg *loadgen) people(ctx context.Context, admin string) ([]*person, error) {
	var out []*person
	for offset := 0; ; offset += 500 {
		status, body, err := lg.call(ctx, "GET", fmt.Sprintf("/api/employees/?limit=500&offset=%d", offset), admin, nil)
		if err != nil || status != 200 {
			return nil, fmt.Errorf("list employees: %d %v %s", status, err, body)
		}
		var page struct {
			Results []*person `json:"results"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, err
		}
		if len(page.Results) == 0 {
			return out, nil
		}
		out = append(out, page.Results...)
	}
}

// lastIsEntry reports whether the person's latest event is an entry.
func (lg *loadgen) lastIsEntry(ctx context.Context, p *person) bool {
	status, body, err := lg.callAt(ctx, p.url, "GET", "/api/attendance/?limit=5", p.token, nil)
	if err != nil || status != 200 {
		return false
	}
	var l struct {
		Results []struct {
			Type   string `json:"type"`
			Voided bool   `json:"voided"`
		} `json:"results"`
	}
	_ = json.Unmarshal(body, &l)
	for _, e := range l.Results {
		if !e.Voided {
			return e.Type == "entry"
		}
	}
	return false
}

// dashboard keeps one manager's socket open on a replica until ctx ends,
// telling ready when it is (or why it is not), and seen of every
// notification it receives.
func (lg *loadgen) dashboard(ctx context.Context, url, token string, ready chan<- error, seen func(kind string, employee int64)) {
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/ws/notifications/", nil)
	if err != nil {
		ready <- fmt.Errorf("dial: %w", err)
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)
	if err := wsjson.Write(ctx, c, map[string]any{"type": "auth", "token": token, "after_id": 1 << 62}); err != nil {
		ready <- err
		return
	}
	var m struct {
		Type         string `json:"type"`
		Notification struct {
			Kind       string `json:"kind"`
			EmployeeID int64  `json:"employee_id"`
		} `json:"notification"`
	}
	if err := wsjson.Read(ctx, c, &m); err != nil || m.Type != "ready" {
		ready <- fmt.Errorf("socket not ready: %q %v", m.Type, err)
		return
	}
	ready <- nil
	for {
		_, b, err := c.Read(ctx)
		if err != nil {
			return
		}
		m.Type = ""
		if json.Unmarshal(b, &m) == nil && m.Type == "notification" {
			seen(m.Notification.Kind, m.Notification.EmployeeID)
		}
	}
}

// each runs f(0) … f(n-1), at most c at a time, and returns the first error.
func (lg *loadgen) each(ctx context.Context, n, c int, f func(i int) error) error {
	var wg sync.WaitGroup
	sem := make(chan struct{}, c)
	var first error
	var once sync.Once
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := f(i); err != nil {
				once.Do(func() { first = err })
			}
		}()
	}
	wg.Wait()
	if first == nil {
		first = ctx.Err()
	}
	return first
}

// pace sends n instants, rate a second from start, each when it is due.
func pace(ctx context.Context, start time.Time, rate, n int) <-chan time.Time {
	due := make(chan time.Time, n)
	go func() {
		defer close(due)
		for i := range n {
			at := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
			time.Sleep(time.Until(at))
			if ctx.Err() != nil {
				return
			}
			due <- at
		}
	}()
	return due
}
