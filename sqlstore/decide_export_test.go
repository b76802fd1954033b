package sqlstore

import (
	"context"
	"time"

	"github.com/openattendance/attendance"
)

// ChainPending gives each pending request without steps the chain its
// type's policy gives it now, its first step pending since the request was
// made: as if it had been made under that policy. The demo company is
// loaded in bulk, and its pending requests have no chains. It returns how
// many it gave a chain, and the ids of those whose chain has several steps.
func ChainPending(ctx context.Context, db *DB) (n int, several []int64, err error) {
	type req struct {
		id      int64
		typ     attendance.LeaveType
		cost    attendance.Amount
		created time.Time
	}
	var reqs []req
	rows, err := db.reader().query(ctx, `SELECT l.id, l.leave_type, l.cost_num, l.cost_den, l.created_at FROM leave_requests l
		WHERE l.status = 'pending' AND NOT EXISTS (SELECT 1 FROM leave_request_steps s WHERE s.request_id = l.id) ORDER BY l.id`)
	if err != nil {
		return 0, nil, err
	}
	for rows.Next() {
		var r req
		var num, den int64
		if err := rows.Scan(&r.id, &r.typ, &num, &den, timeCol{&r.created}); err != nil {
			rows.Close()
			return 0, nil, err
		}
		if den <= 0 {
			den = 1
		}
		r.cost = attendance.NewAmount(num, den)
		reqs = append(reqs, r)
	}
	if err := rows.Close(); err != nil {
		return 0, nil, err
	}
	err = db.inTx(ctx, func(tx *Tx) error {
		for _, r := range reqs {
			p, err := db.policy(ctx, tx, r.typ)
			if err != nil {
				return err
			}
			st := attendance.NewApprovalState(p.ChainFor(r.cost), r.created)
			if err := db.insertChain(ctx, tx, r.id, &st); err != nil {
				return err
			}
			if len(st.Steps) > 1 {
				several = append(several, r.id)
			}
		}
		return nil
	})
	return len(reqs), several, err
}
