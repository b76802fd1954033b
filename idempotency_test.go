package attendance_test

import (
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func TestIdempotencyReplays(t *testing.T) {
	first := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
	rec := attendance.IdempotencyRecord{Endpoint: "attendance", Hash: "h1", CreatedAt: first}
	tests := []struct {
		name     string
		endpoint string
		hash     string
		now      time.Time
		want     bool
		wantCode string
	}{
		{"the same request", "attendance", "h1", first.Add(time.Minute), true, ""},
		{"the same request at the end of the TTL", "attendance", "h1", first.Add(attendance.IdempotencyTTL), true, ""},
		{"another body", "attendance", "h2", first.Add(time.Minute), false, "idempotency_key_reused"},
		{"another endpoint", "leave", "h1", first.Add(time.Minute), false, "idempotency_key_reused"},
		{"another endpoint and body", "leave", "h2", first.Add(time.Minute), false, "idempotency_key_reused"},
		{"after the TTL", "attendance", "h2", first.Add(attendance.IdempotencyTTL + time.Second), false, ""},
		{"another endpoint after the TTL", "leave", "h1", first.Add(attendance.IdempotencyTTL + time.Second), false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := attendance.Idempotency{Key: "k", Hash: tt.hash}
			got, err := k.Replays(tt.endpoint, rec, tt.now)
			if got != tt.want {
				t.Errorf("Replays = %v, want %v", got, tt.want)
			}
			wantKind := attendance.Kind("")
			if tt.wantCode != "" {
				wantKind = attendance.KindInvalid
			}
			checkErr(t, err, wantKind, tt.wantCode)
		})
	}
}
