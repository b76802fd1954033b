package testenv

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
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
