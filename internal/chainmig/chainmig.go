// Package chainmig gives every leave request made before approval chains
// its chain (migration 00015 of both databases): the default chain, its one
// step as the request stands, by attendance.MigratedApprovalState, so that
// nothing changes meaning (docs/approvals.md, "Today's data").
package chainmig

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/openattendance/attendance"
	"github.com/openattendance/attendance/internal/migsql"
)

// Dialect is what differs between the databases.
type Dialect = migsql.Dialect

// instant scans an instant stored by either database.
type instant struct{ t **time.Time }

func (c instant) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.t = nil
	case int64:
		t := time.UnixMicro(v).UTC()
		*c.t = &t
	case time.Time:
		t := v.UTC()
		*c.t = &t
	default:
		return fmt.Errorf("chainmig: cannot scan %T into an instant", src)
	}
	return nil
}

// Up writes the steps of every request that has none.
func Up(ctx context.Context, tx *sql.Tx, logger *slog.Logger, d Dialect) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, status, decided_by, decided_at, decision_comment, created_at FROM leave_requests l
		WHERE NOT EXISTS (SELECT 1 FROM leave_request_steps s WHERE s.request_id = l.id) ORDER BY id`)
	if err != nil {
		return err
	}
	var reqs []attendance.LeaveRequest
	for rows.Next() {
		var r attendance.LeaveRequest
		var created *time.Time
		if err := rows.Scan(&r.ID, &r.Status, &r.DecidedBy, instant{&r.DecidedAt}, &r.DecisionComment, instant{&created}); err != nil {
			rows.Close()
			return err
		}
		if created != nil {
			r.CreatedAt = *created
		}
		reqs = append(reqs, r)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	insert := d.Query(`INSERT INTO leave_request_steps (request_id, step, approver, level, group_code, label, status, pending_since,
		decided_by, decided_for, decided_as, decided_at, comment) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	for i := range reqs {
		st := attendance.MigratedApprovalState(&reqs[i])
		for _, s := range st.Steps {
			if _, err := tx.ExecContext(ctx, insert, reqs[i].ID, s.Step, string(s.Approver), s.Level, s.Group, s.Label, string(s.Status),
				d.OptionalTime(s.PendingSince), s.DecidedBy, s.DecidedFor, string(s.DecidedAs), d.OptionalTime(s.DecidedAt), s.Comment); err != nil {
				return fmt.Errorf("chainmig: request %d: %w", reqs[i].ID, err)
			}
		}
	}
	logger.Info("approval chains of earlier requests", "requests", len(reqs))
	return nil
}

// Down removes every step: version 14 has steps only for requests made
// after it, and 00015 gives the others theirs again.
func Down(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM leave_request_steps`)
	return err
}
