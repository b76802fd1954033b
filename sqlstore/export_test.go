package sqlstore

// SetBatches sets how many rows l copies at a time and how many leave ids
// it takes at once, so that a test's few rows span several of each.
func (l *BulkLoader) SetBatches(rows, ids int) { l.copyBatch, l.idBlock = rows, ids }
