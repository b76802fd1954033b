package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
)

// wsCmd opens many dashboards (sockets of admins, who see every attendance
// event), has one employee clock in and out, and measures how long each event
// takes to reach every dashboard.
func (lg *loadgen) wsCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("ws", flag.ContinueOnError)
	fs.SetOutput(lg.log)
	dashboards := fs.Int("dashboards", 1000, "open dashboards")
	perUser := fs.Int("per-user", 10, "dashboards per admin account (the server allows 10)")
	events := fs.Int("events", 20, "clock events to fan out")
	interval := fs.Duration("interval", 300*time.Millisecond, "pause between events")
	if err := fs.Parse(args); err != nil {
		return err
	}

	admin, _, err := lg.login(ctx, lg.o.adminUser, lg.o.adminPassword)
	if err != nil {
		return err
	}
	accounts := (*dashboards + *perUser - 1) / *perUser
	tokens := make([]string, accounts)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	errs := make(chan error, accounts)
	for i := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			name := fmt.Sprintf("loadgen.dashboard%04d", i)
			status, body, err := lg.call(ctx, "POST", "/api/employees/", admin, map[string]any{"username": name, "password": lg.o.userPassword, "role": "admin"})
			if err != nil || (status != 201 && status != 409) {
				errs <- fmt.Errorf("create %s: %d %v %s", name, status, err, body)
				return
			}
			tok, _, err := lg.login(ctx, name, lg.o.userPassword)
			if err != nil {
				errs <- err
				return
			}
			tokens[i] = tok
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}

	type arrival struct {
		event int64
		at    time.Time
	}
	var mu sync.Mutex
	var arrivals []arrival
	wsURL := "ws" + strings.TrimPrefix(lg.o.url, "http") + "/ws/notifications/"
	ready := make(chan struct{}, *dashboards)
	dctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var conns sync.WaitGroup
	for i := range *dashboards {
		conns.Add(1)
		go func() {
			defer conns.Done()
			c, _, err := websocket.Dial(dctx, wsURL, nil)
			if err != nil {
				fmt.Fprintln(lg.log, "dial:", err)
				return
			}
			defer c.CloseNow()
			if err := wsjson.Write(dctx, c, map[string]any{"type": "auth", "token": tokens[i / *perUser], "after_id": 1 << 62}); err != nil {
				return
			}
			var m struct {
				Type  string `json:"type"`
				Event struct {
					ID int64 `json:"id"`
				} `json:"event"`
			}
			if err := wsjson.Read(dctx, c, &m); err != nil || m.Type != "ready" {
				fmt.Fprintln(lg.log, "ready:", m.Type, err)
				return
			}
			ready <- struct{}{}
			for {
				_, b, err := c.Read(dctx)
				if err != nil {
					return
				}
				at := time.Now()
				if err := json.Unmarshal(b, &m); err == nil && m.Type == "attendance" {
					mu.Lock()
					arrivals = append(arrivals, arrival{m.Event.ID, at})
					mu.Unlock()
				}
			}
		}()
	}
	timeout := time.After(60 * time.Second)
	for range *dashboards {
		select {
		case <-ready:
		case <-timeout:
			return fmt.Errorf("dashboards did not all connect within a minute")
		}
	}

	users, err := lg.users(ctx, 1)
	if err != nil {
		return err
	}
	u := users[0]
	sent := map[int64]time.Time{}
	for range *events {
		t0 := time.Now()
		status, body, err := lg.call(ctx, "POST", "/api/attendance/", u.token, map[string]string{"type": u.next})
		if err != nil || status != 201 {
			return fmt.Errorf("clock: %d %v %s", status, err, body)
		}
		var ev struct {
			ID int64 `json:"id"`
		}
		_ = json.Unmarshal(body, &ev)
		sent[ev.ID] = t0
		if u.next == "entry" {
			u.next = "exit"
		} else {
			u.next = "entry"
		}
		time.Sleep(*interval)
	}
	time.Sleep(2 * time.Second)
	cancel()
	conns.Wait()

	res := result{name: fmt.Sprintf("fan-out to %d dashboards", *dashboards), hist: newHist(), elapsed: time.Second}
	for _, a := range arrivals {
		if t0, ok := sent[a.event]; ok {
			_ = res.hist.RecordValue(a.at.Sub(t0).Microseconds())
			res.requests++
		}
	}
	want := int64(*dashboards * *events)
	res.errors = want - res.requests
	ms := func(q float64) float64 { return float64(res.hist.ValueAtQuantile(q)) / 1000 }
	fmt.Fprintf(lg.out, "%-28s %d of %d deliveries (%d missing)   p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n",
		res.name, res.requests, want, res.errors, ms(50), ms(90), ms(99), ms(100))
	lg.rss.report()
	return nil
}
