package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

// TestCrashSafety runs the real binary on SQLite, clocks a few dozen employees
// in and out and approves leave from several goroutines, and kills the
// process with SIGKILL at random moments, restarting it on the same data
// directory each time. Whatever the server acknowledged must still be there
// afterwards, and every employee's history must still make sense.

// crashNet talks to whichever process is current; it never fails the test,
// since requests to a killed process fail.
type crashNet struct {
	url  atomic.Pointer[string]
	http *http.Client
}

func (n *crashNet) do(method, path, token string, body any) (int, []byte, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, *n.url.Load()+path, r)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := n.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// must is do for the test goroutine, against a running process.
func (n *crashNet) must(t *testing.T, method, path, token string, body any, want int, out any) {
	t.Helper()
	status, b, err := n.do(method, path, token, body)
	if err != nil || status != want {
		t.Fatalf("%s %s: %d %v, want %d: %s", method, path, status, err, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: %v: %s", method, path, err, b)
		}
	}
}

// crashAcked is what the server acknowledged to one employee.
type crashAcked struct {
	mu       sync.Mutex
	events   []attendance.AttendanceEvent // 201s
	requests []int64                      // leave requests that got 201
	approved map[int64]bool               // approvals that got 200
}

func TestCrashSafety(t *testing.T) {
	sqliteOnly(t, "it kills the process and checks what its file kept")
	if testing.Short() {
		t.Skip("skipped in -short mode: builds the binary and kills it several times")
	}
	t.Parallel()
	const (
		employees = 30
		workers   = 6
		kills     = 4
	)
	env := []string{
		"ATTENDANCE_DATA_DIR=" + t.TempDir(),
		"ATTENDANCE_DATABASE_URL=", // SQLite, whatever the environment says
		"ATTENDANCE_AMQP_URL=",
		"ATTENDANCE_ADMIN_PASSWORD=" + adminPassword,
		"ATTENDANCE_LOG_FORMAT=json",
	}
	p := startProc(t, env, "serve")
	// A kill answers at once (refused or reset connections); the timeout
	// only bounds a server that hangs, with room for a loaded CI machine.
	srv := &crashNet{http: &http.Client{Timeout: time.Minute}}
	srv.url.Store(&p.URL)

	type tokens struct {
		Token string              `json:"token"`
		User  attendance.Employee `json:"user"`
	}
	var admin tokens
	srv.must(t, "POST", "/api/users/login/", "", map[string]string{"username": "admin", "password": adminPassword}, 200, &admin)

	// A few dozen employees, each signed in (the hash is the production one:
	// a few at a time, so that none waits past the server's hashing queue).
	staff := make([]tokens, employees)
	var wg sync.WaitGroup
	errs := make(chan error, employees)
	slots := make(chan struct{}, 3)
	for i := range staff {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			name := fmt.Sprintf("crash%02d", i)
			if s, b, err := srv.do("POST", "/api/employees/", admin.Token, map[string]any{"username": name, "password": testPassword,
				"work_days": []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}}); s != 201 {
				errs <- fmt.Errorf("create %s: %d %v %s", name, s, err, b)
				return
			}
			s, b, err := srv.do("POST", "/api/users/login/", "", map[string]string{"username": name, "password": testPassword})
			if s != 200 || json.Unmarshal(b, &staff[i]) != nil {
				errs <- fmt.Errorf("login %s: %d %v %s", name, s, err, b)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	acked := make([]*crashAcked, employees)
	for i := range acked {
		acked[i] = &crashAcked{approved: map[int64]bool{}}
	}
	var (
		stop      atomic.Bool
		serverErr sync.Map // 5xx answers: always a bug
		requests  atomic.Int64
	)
	note5xx := func(what string, status int, body []byte) {
		if status >= 500 {
			serverErr.Store(fmt.Sprintf("%s: %d %s", what, status, body), true)
		}
	}

	// Clock traffic: each worker clocks its employees in and out in turn, and
	// now and then asks for a day of annual leave.
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			next := map[int]string{}
			leaveDay := map[int]attendance.Date{}
			for round := 0; !stop.Load(); round++ {
				for i := w; i < employees; i += workers {
					if stop.Load() {
						return
					}
					typ := next[i]
					if typ == "" {
						typ = "entry"
					}
					status, b, err := srv.do("POST", "/api/attendance/", staff[i].Token, map[string]string{"type": typ})
					requests.Add(1)
					if err != nil {
						time.Sleep(20 * time.Millisecond) // the process is down
						continue
					}
					note5xx("clock", status, b)
					var ev attendance.AttendanceEvent
					switch {
					case status == 201 && json.Unmarshal(b, &ev) == nil:
						acked[i].mu.Lock()
						acked[i].events = append(acked[i].events, ev)
						acked[i].mu.Unlock()
						next[i] = map[string]string{"entry": "exit", "exit": "entry"}[typ]
					case status == 409 && bytes.Contains(b, []byte("already_clocked_in")):
						next[i] = "exit" // an entry acknowledged to nobody (the process died) stood
					case status == 409 && bytes.Contains(b, []byte("not_clocked_in")):
						next[i] = "entry"
					}
					if round%4 == 1 && len(acked[i].requests) < 10 {
						d, ok := leaveDay[i]
						if !ok {
							d = attendance.MustParseDate("2027-03-01")
						}
						leaveDay[i] = d + 1
						status, b, err := srv.do("POST", "/api/leaves/request/", staff[i].Token,
							map[string]string{"leave_type": "annual", "start_date": d.String(), "end_date": d.String()})
						note5xx("leave", status, b)
						var r attendance.LeaveRequest
						if err == nil && status == 201 && json.Unmarshal(b, &r) == nil {
							acked[i].mu.Lock()
							acked[i].requests = append(acked[i].requests, r.ID)
							acked[i].mu.Unlock()
						}
					}
				}
			}
		}()
	}
	// The admin approves what is pending.
	byID := map[int64]int{}
	for i, s := range staff {
		byID[s.User.ID] = i
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for !stop.Load() {
			status, b, err := srv.do("GET", "/api/leaves/overview/?status=pending&limit=500", admin.Token, nil)
			var l list[attendance.LeaveRequest]
			if err != nil || status != 200 || json.Unmarshal(b, &l) != nil {
				note5xx("pending", status, b)
				time.Sleep(20 * time.Millisecond)
				continue
			}
			for _, r := range l.Results {
				status, b, err := srv.do("POST", fmt.Sprintf("/api/leaves/%d/action/", r.ID), admin.Token, map[string]string{"action": "approve"})
				note5xx("approve", status, b)
				if err == nil && status == 200 {
					a := acked[byID[r.EmployeeID]]
					a.mu.Lock()
					a.approved[r.ID] = true
					a.mu.Unlock()
				}
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()

	// Kill the process at random moments and start it again on the same data.
	for k := range kills {
		time.Sleep(time.Duration(1500+rand.IntN(2000)) * time.Millisecond)
		if err := p.cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = p.cmd.Wait()
		p = startProc(t, env, "serve")
		srv.url.Store(&p.URL)
		t.Logf("kill %d: restarted after %d requests", k+1, requests.Load())
	}
	time.Sleep(time.Second)
	stop.Store(true)
	wg.Wait()

	serverErr.Range(func(k, _ any) bool {
		t.Errorf("5xx during the run: %s", k)
		return true
	})

	// Everything acknowledged is there, and every history makes sense.
	total, approvals := 0, 0
	for i, s := range staff {
		a := acked[i]
		id := s.User.ID
		var events []attendance.AttendanceEvent
		for offset := 0; ; offset += 500 {
			var l list[attendance.AttendanceEvent]
			srv.must(t, "GET", fmt.Sprintf("/api/attendance/?employee_id=%d&limit=500&offset=%d", id, offset), admin.Token, nil, 200, &l)
			events = append(events, l.Results...)
			if len(l.Results) < 500 {
				break
			}
		}
		stored := map[int64]attendance.AttendanceEvent{}
		for _, e := range events {
			stored[e.ID] = e
		}
		for _, e := range a.events {
			got, ok := stored[e.ID]
			switch {
			case !ok:
				t.Errorf("%s: event %d (%s at %s) got 201 but is gone", s.User.Username, e.ID, e.Type, e.Timestamp)
			case got.Type != e.Type || !got.Timestamp.Equal(e.Timestamp) || got.Voided:
				t.Errorf("%s: event %d is %+v, acknowledged as %+v", s.User.Username, e.ID, got, e)
			}
		}
		total += len(a.events)
		live := slices.DeleteFunc(events, func(e attendance.AttendanceEvent) bool { return e.Voided })
		slices.SortFunc(live, func(x, y attendance.AttendanceEvent) int {
			if c := x.Timestamp.Compare(y.Timestamp); c != 0 {
				return c
			}
			return int(x.ID - y.ID)
		})
		for j, e := range live {
			want := attendance.Entry
			if j%2 == 1 {
				want = attendance.Exit
			}
			if e.Type != want {
				t.Errorf("%s: event %d of %d is %s %d at %s, want %s: entries and exits do not alternate", s.User.Username, j+1, len(live), e.Type, e.ID, e.Timestamp, want)
				break
			}
		}

		var leave list[attendance.LeaveRequest]
		srv.must(t, "GET", fmt.Sprintf("/api/leaves/overview/?employee_id=%d&limit=500", id), admin.Token, nil, 200, &leave)
		status := map[int64]attendance.LeaveStatus{}
		var used, pending float64
		for _, r := range leave.Results {
			status[r.ID] = r.Status
			if r.LeaveType == attendance.LeaveAnnual && r.StartDate.Year() == 2027 {
				switch r.Status {
				case attendance.LeaveApproved:
					used += r.Days
				case attendance.LeavePending:
					pending += r.Days
				}
			}
		}
		for _, rid := range a.requests {
			if _, ok := status[rid]; !ok {
				t.Errorf("%s: leave request %d got 201 but is gone", s.User.Username, rid)
			}
		}
		for rid := range a.approved {
			if status[rid] != attendance.LeaveApproved {
				t.Errorf("%s: leave request %d was approved (200) but is %q", s.User.Username, rid, status[rid])
			}
		}
		approvals += len(a.approved)
		var b attendance.Balance
		srv.must(t, "GET", fmt.Sprintf("/api/leaves/balance/?employee_id=%d&year=2027", id), admin.Token, nil, 200, &b)
		if b.Used != used || b.Pending != pending || b.Remaining != b.Allowance-b.Used-b.Pending-b.LatePenalty || b.Used > b.Allowance {
			t.Errorf("%s: balance %+v; the requests say used %g, pending %g", s.User.Username, b, used, pending)
		}
	}
	t.Logf("%d requests, %d acknowledged events and %d approvals checked after %d kills", requests.Load(), total, approvals, kills)
	if total < employees*kills || approvals == 0 {
		t.Errorf("too little traffic to prove anything: %d events, %d approvals", total, approvals)
	}
}
