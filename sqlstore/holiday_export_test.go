package sqlstore

// SetHolidayBatch sets how many employees' days a transaction judges again
// after a holiday change.
func (db *DB) SetHolidayBatch(n int) { db.holidayBatch = n }
