package sqlstore

import "context"

// ForgetLeaveLedgerMark makes the next leave_ledger run read every balance,
// as the first run does: it forgets which leave types the last one applied.
func (s *LedgerJobs) ForgetLeaveLedgerMark(ctx context.Context) error {
	return s.db.inTx(ctx, func(tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM settings WHERE name = 'leave.ledger_types'`)
		return err
	})
}
