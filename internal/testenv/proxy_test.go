package testenv

import (
	"bufio"
	"io"
	"net"
	"testing"
	"time"
)

// echo serves an echo of each line on a free port.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, c) }()
		}
	}()
	return ln.Addr().String()
}

// roundTrip sends a line through a new or given connection and reports
// whether it came back.
func roundTrip(c net.Conn) bool {
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return false
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && line == "ping\n"
}

// TestProxy: a broken proxy cuts the connections through it and refuses new
// ones; mended, it lets them through again.
func TestProxy(t *testing.T) {
	t.Parallel()
	p := NewProxy(t, echo(t))
	dial := func() net.Conn {
		t.Helper()
		c, err := net.Dial("tcp", p.Addr())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	before := dial()
	if !roundTrip(before) {
		t.Fatal("no echo through the proxy")
	}
	p.Break()
	if roundTrip(before) {
		t.Error("a connection made before the break still works")
	}
	if roundTrip(dial()) {
		t.Error("a connection made during the break works")
	}
	p.Mend()
	if !roundTrip(dial()) {
		t.Error("no echo after the proxy was mended")
	}
}
