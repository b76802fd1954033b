package sqlstore

// SetForgottenBatch sets how many sessions due only notices a forgotten
// exits run tells in one transaction; -1 tells each in a transaction of
// its own, under its employee's lock, as the check did before batches.
func (s *Checks) SetForgottenBatch(n int) { s.noticeBatch = n }
