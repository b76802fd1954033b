package jobs

import "testing"

func (e *env) dump(t *testing.T) {
	rows, err := e.Write.Query(`SELECT id, kind, state, attempt, errors, scheduled_at FROM river_job ORDER BY id`)
	if err != nil { t.Log(err); return }
	defer rows.Close()
	for rows.Next() {
		var id, attempt int
		var kind, state string
		var errs, sched any
		rows.Scan(&id, &kind, &state, &attempt, &errs, &sched)
		t.Logf("job %d %s %s attempt=%d errors=%s sched=%v", id, kind, state, attempt, errs, sched)
	}
	rows2, _ := e.Write.Query(`SELECT * FROM river_leader`)
	if rows2 != nil { cols, _ := rows2.Columns(); t.Log("leader cols", cols); for rows2.Next() { t.Log("leader row") }; rows2.Close() }
}
