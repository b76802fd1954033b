package testenv

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var built struct {
	sync.Once
	path string
	err  error
}

// Binary builds the attendance command once per test process and returns
// its path, for tests that run the service as a real process.
func Binary(t testing.TB) string {
	t.Helper()
	built.Do(func() {
		out, err := exec.Command("go", "env", "GOMOD").Output()
		if err != nil {
			built.err = fmt.Errorf("go env GOMOD: %w", err)
			return
		}
		root := filepath.Dir(strings.TrimSpace(string(out)))
		if err := watchSources(root); err != nil {
			built.err = err
			return
		}
		dir, err := os.MkdirTemp("", "attendance-bin")
		if err != nil {
			built.err = err
			return
		}
		built.path = filepath.Join(dir, "attendance")
		cmd := exec.Command("go", "build", "-o", built.path, "./cmd/attendance")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build ./cmd/attendance: %v\n%s", err, out)
		}
	})
	if built.err != nil {
		t.Fatal(built.err)
	}
	return built.path
}

// watchSources looks at every file the binary is built from. go test caches a
// passing run and replays it while the test binary, its environment and the
// files the test looked at are unchanged; the binary built here depends on
// sources the test binary does not import (a test of the web app runs the
// whole service), so without this a change to them could replay a stale pass.
func watchSources(root string) error {
	return filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "data" || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		switch filepath.Ext(path) {
		case ".go", ".sql", ".html", ".js", ".css", ".svg", ".mod", ".sum":
			_, err := os.Stat(path) // recorded by the test cache
			return err
		}
		return nil
	})
}

// FreeAddr returns a loopback address with a port nobody listens on.
func FreeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Output collects a process's output; the process writes while the test may
// read it for a failure message.
type Output struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *Output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *Output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// Server is the attendance binary serving as a process on Addr, with Args
// after "serve --addr Addr". It can be stopped and started again on the same
// address (and, when Args name one, the same data directory).
type Server struct {
	Bin, Addr string
	Args      []string
	Log       *Output

	cmd  *exec.Cmd
	done chan struct{}
}

// StartServer starts bin serving on a free port with args, waits until it is
// ready, and stops it when the test ends (showing its log if the test failed).
func StartServer(t testing.TB, bin string, args ...string) *Server {
	t.Helper()
	s := &Server{Bin: bin, Addr: FreeAddr(t), Args: args, Log: &Output{}}
	s.Start(t)
	t.Cleanup(func() {
		s.Stop(t)
		if t.Failed() {
			t.Logf("server log:\n%s", s.Log.String())
		}
	})
	return s
}

// URL is the server's base URL, without a trailing slash.
func (s *Server) URL() string { return "http://" + s.Addr }

// PID is the process id of the running server.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Start runs the process and waits until /readyz answers 200.
func (s *Server) Start(t testing.TB) {
	t.Helper()
	cmd := exec.Command(s.Bin, append([]string{"serve", "--addr", s.Addr}, s.Args...)...)
	cmd.Stdout = s.Log
	cmd.Stderr = s.Log
	if err := cmd.Start(); err != nil {
		t.Fatalf("start server: %v", err)
	}
	s.cmd = cmd
	s.done = make(chan struct{})
	go func(done chan struct{}) {
		_ = cmd.Wait()
		close(done)
	}(s.done)

	deadline := time.Now().Add(20 * time.Second)
	for {
		select {
		case <-s.done:
			t.Fatalf("server exited before it was ready:\n%s", s.Log.String())
		default:
		}
		res, err := http.Get(s.URL() + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not ready after 20 s (last error %v):\n%s", err, s.Log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Stop sends SIGTERM and waits for the process to end; after 10 s it kills it.
func (s *Server) Stop(t testing.TB) {
	if s.cmd == nil {
		return
	}
	cmd, done := s.cmd, s.done
	s.cmd = nil
	_ = cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Errorf("server did not exit within 10 s of SIGTERM; killing it")
		_ = cmd.Process.Kill()
		<-done
	}
}
