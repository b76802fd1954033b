package sqlstore

import (
	"context"
	"fmt"
	"reflect"
)

// FactsAgree compares, for every pending request, the facts decisionFacts
// reads from the database with those of a listing's factMemo, and returns
// how many it compared.
func FactsAgree(ctx context.Context, db *DB) (int, error) {
	q := db.reader()
	now := db.now()
	memo, err := db.newFactMemo(ctx, q, now)
	if err != nil {
		return 0, err
	}
	rows, err := q.query(ctx, `SELECT id, employee_id FROM leave_requests WHERE status = 'pending' ORDER BY id`)
	if err != nil {
		return 0, err
	}
	var pairs [][2]int64
	for rows.Next() {
		var p [2]int64
		if err := rows.Scan(&p[0], &p[1]); err != nil {
			rows.Close()
			return 0, err
		}
		pairs = append(pairs, p)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	for _, p := range pairs {
		emp, err := db.employee(ctx, q, p[1], false)
		if err != nil {
			return 0, err
		}
		if got := memo.employee(p[1]); got == nil || got.Name() != emp.Name() || got.Role != emp.Role || got.Active != emp.Active {
			return 0, fmt.Errorf("request %d: the memo's employee %+v, the database's %+v", p[0], got, emp)
		}
		st, err := db.approvalState(ctx, q, p[0])
		if err != nil {
			return 0, err
		}
		want, err := db.decisionFacts(ctx, q, emp, st, now)
		if err != nil {
			return 0, err
		}
		got, err := db.factsFrom(ctx, memo, emp, st, now)
		if err != nil {
			return 0, err
		}
		if !reflect.DeepEqual(got, want) {
			return 0, fmt.Errorf("request %d: the memo's facts\n%+v\nthe database's\n%+v", p[0], got, want)
		}
	}
	return len(pairs), nil
}
