package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"time"
)

// errCompared rolls back CompareClockFacts's transaction.
var errCompared = errors.New("compared")

// CompareClockFacts reads the facts of a clock event of the employee at t
// both ways, in one statement with the employee's lock (lockClockFacts) and one fact at a time as the
// rules would without it, and returns the first difference; an error too
// where the dialect has no one-statement read.
func CompareClockFacts(ctx context.Context, db *DB, employeeID int64, t time.Time) error {
	err := db.inTx(ctx, func(tx *Tx) error {
		emp, f, err := db.lockClockFacts(ctx, tx, employeeID, t, 0)
		if err != nil {
			return err
		}
		locked, err := db.employee(ctx, tx, employeeID, false)
		if err != nil {
			return err
		}
		if !reflect.DeepEqual(emp, locked) {
			return fmt.Errorf("employee: one statement %+v, alone %+v", emp, locked)
		}
		if f == nil {
			return errors.New("no one-statement facts on " + db.d.Name)
		}
		differ := func(what string, got, want any) error {
			if !reflect.DeepEqual(got, want) {
				return fmt.Errorf("%s: one statement %+v, one by one %+v", what, got, want)
			}
			return nil
		}
		prev, next, err := (&AttendanceService{db: db}).neighbours(ctx, tx, employeeID, t, 0)
		if err != nil {
			return err
		}
		sched, err := db.schedule(ctx, tx, emp, f.first, f.last)
		if err != nil {
			return err
		}
		holidays, err := db.holidays(ctx, tx, f.first, f.last)
		if err != nil {
			return err
		}
		chain, err := db.chain(ctx, tx, employeeID)
		if err != nil {
			return err
		}
		admins, err := db.activeAdmins(ctx, tx)
		if err != nil {
			return err
		}
		if err := errors.Join(differ("prev", f.prev, prev), differ("next", f.next, next), differ("schedule", f.sched, sched),
			differ("holidays", f.holidays, holidays), differ("chain", f.chain, chain), differ("admins", f.admins, admins)); err != nil {
			return err
		}
		tx.facts = f
		for d := f.first; d <= f.last; d++ {
			cached, _ := db.day(ctx, tx, employeeID, d)
			ch, cl, chourly, _ := db.lateFacts(ctx, tx, employeeID, d)
			tx.facts = nil
			day, err := db.day(ctx, tx, employeeID, d)
			if err != nil {
				return err
			}
			h, l, hourly, err := db.lateFacts(ctx, tx, employeeID, d)
			if err != nil {
				return err
			}
			tx.facts = f
			if err := errors.Join(differ("day "+d.String(), cached, day), differ("holiday "+d.String(), ch, h),
				differ("leave "+d.String(), cl, l), differ("hourly leave "+d.String(), chourly, hourly)); err != nil {
				return err
			}
		}
		return errCompared
	})
	if errors.Is(err, errCompared) {
		return nil
	}
	return err
}
