// Command ceiling serves the two ceilings that BENCHMARKS.md compares the
// service with, on the same machine and with the same libraries:
//
//	-mode jwt     a bare net/http handler that only verifies the JWT (HS256, golang-jwt);
//	-mode clock   the thinnest possible clock endpoint: net/http, JWT
//	              verification, the sequence check and the insert into SQLite
//	              in one immediate transaction, with the service's durability
//	              settings (WAL, synchronous=NORMAL), nothing else.
//
// The load generator signs its own tokens with -secret (loadgen -ceiling-secret).
package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
	_ "modernc.org/sqlite"
)

func main() {
	mode := flag.String("mode", "clock", "jwt or clock")
	addr := flag.String("addr", "127.0.0.1:8100", "listen address")
	secret := flag.String("secret", "ceiling-secret-ceiling-secret-0123", "HMAC secret of the tokens")
	dir := flag.String("dir", os.TempDir(), "directory of the SQLite file (clock)")
	flag.Parse()

	parser := jwt.NewParser(jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired())
	key := []byte(*secret)
	verify := func(r *http.Request) (int64, bool) {
		h := r.Header.Get("Authorization")
		if !strings.HasPrefix(h, "Bearer ") {
			return 0, false
		}
		var c jwt.RegisteredClaims
		if _, err := parser.ParseWithClaims(h[7:], &c, func(*jwt.Token) (any, error) { return key, nil }); err != nil {
			return 0, false
		}
		id, err := strconv.ParseInt(c.Subject, 10, 64)
		return id, err == nil
	}

	var h http.HandlerFunc
	switch *mode {
	case "jwt":
		h = func(w http.ResponseWriter, r *http.Request) {
			if _, ok := verify(r); !ok {
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			_, _ = w.Write([]byte("{}\n"))
		}
	case "clock":
		db := openDB(filepath.Join(*dir, "ceiling.db"))
		h = func(w http.ResponseWriter, r *http.Request) {
			id, ok := verify(r)
			if !ok {
				http.Error(w, "unauthorized", http.StatusUnauthorized)
				return
			}
			typ := "entry"
			var body struct{ Type string }
			if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&body); err == nil && body.Type == "exit" {
				typ = "exit"
			}
			evID, err := clock(r.Context(), db, id, typ)
			if err != nil {
				http.Error(w, err.Error(), http.StatusConflict)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			fmt.Fprintf(w, `{"id":%d,"employee_id":%d,"type":%q}`+"\n", evID, id, typ)
		}
	default:
		log.Fatalf("unknown mode %q", *mode)
	}
	log.Printf("ceiling %s on http://%s", *mode, *addr)
	srv := &http.Server{Addr: *addr, Handler: h, ReadHeaderTimeout: 5 * time.Second}
	log.Fatal(srv.ListenAndServe())
}

func openDB(path string) *sql.DB {
	os.Remove(path)
	db, err := sql.Open("sqlite", "file:"+path+"?_txlock=immediate&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)")
	if err != nil {
		log.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE events (id INTEGER PRIMARY KEY AUTOINCREMENT, employee_id INTEGER NOT NULL, type TEXT NOT NULL, ts INTEGER NOT NULL);
		CREATE INDEX events_employee ON events (employee_id, ts, id)`); err != nil {
		log.Fatal(err)
	}
	return db
}

var (
	errClockedIn    = errors.New("already_clocked_in")
	errNotClockedIn = errors.New("not_clocked_in")
)

// clock checks that the event follows the employee's last one and inserts it, in one transaction.
func clock(ctx context.Context, db *sql.DB, employee int64, typ string) (int64, error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var last string
	err = tx.QueryRowContext(ctx, `SELECT type FROM events WHERE employee_id = ? ORDER BY ts DESC, id DESC LIMIT 1`, employee).Scan(&last)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, err
	}
	if typ == "entry" && last == "entry" {
		return 0, errClockedIn
	}
	if typ == "exit" && last != "entry" {
		return 0, errNotClockedIn
	}
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO events (employee_id, type, ts) VALUES (?, ?, ?) RETURNING id`, employee, typ, time.Now().UnixMicro()).Scan(&id); err != nil {
		return 0, err
	}
	return id, tx.Commit()
}
