package sqlstore

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/openattendance/attendance"
)

// storedError is a domain error as an idempotency record keeps it.
type storedError struct {
	Kind    attendance.Kind         `json:"kind"`
	Code    string                  `json:"code"`
	Message string                  `json:"message"`
	Fields  []attendance.FieldError `json:"fields,omitempty"`
	Event   *attendance.EventRef    `json:"event,omitempty"`
}

// storedRequest is a row of idempotency_keys.
type storedRequest struct {
	attendance.IdempotencyRecord
	response string
	failed   bool
}

// replay looks up an idempotency key of the actor. When the key was used
// within the TTL for the same endpoint and body, it decodes the first result
// into out and returns (true, the first error); for another endpoint or body
// it returns idempotency_key_reused (attendance.Idempotency.Replays). It takes
// the advisory lock of the actor's key first, whatever the endpoint, so that
// two requests with one key run one after the other (and no row lock is held
// while waiting for it).
func (db *DB) replay(ctx context.Context, tx *Tx, actorID int64, endpoint string, k *attendance.Idempotency, out any) (bool, error) {
	recs, ok := tx.keyed.records(actorID, k.Key)
	if !ok {
		var err error
		if recs, err = db.keyRecords(ctx, tx, actorID, k.Key); err != nil {
			return false, err
		}
	}
	now := db.now()
	for _, r := range recs {
		replays, err := k.Replays(endpoint, r.IdempotencyRecord, now)
		if err != nil {
			return true, err
		}
		if !replays {
			// Expired: forget it, so that the key can be stored again.
			if err := tx.later(ctx, `DELETE FROM idempotency_keys WHERE employee_id = ? AND endpoint = ? AND key = ?`, actorID, r.Endpoint, k.Key); err != nil {
				return false, err
			}
			continue
		}
		if r.failed {
			var se storedError
			if err := json.Unmarshal([]byte(r.response), &se); err != nil {
				return true, err
			}
			return true, &attendance.Error{Kind: se.Kind, Code: se.Code, Message: se.Message, Fields: se.Fields, Event: se.Event}
		}
		return true, json.Unmarshal([]byte(r.response), out)
	}
	return false, nil
}

// keyRecords takes the lock of the actor's key and reads what is stored
// under it (replay).
func (db *DB) keyRecords(ctx context.Context, tx *Tx, actorID int64, key string) ([]storedRequest, error) {
	if err := db.lock(ctx, tx, lockKey("idempotency", actorID, key)); err != nil {
		return nil, err
	}
	// One row at most, but a key stored for two endpoints before keys were
	// the user's alone has two: the first request decides.
	rows, err := tx.query(ctx, `SELECT endpoint, request_hash, response, failed, created_at FROM idempotency_keys
		WHERE employee_id = ? AND key = ? ORDER BY created_at, endpoint`, actorID, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var recs []storedRequest
	for rows.Next() {
		var r storedRequest
		if err := rows.Scan(&r.Endpoint, &r.Hash, &r.response, &r.failed, timeCol{&r.CreatedAt}); err != nil {
			return nil, err
		}
		recs = append(recs, r)
	}
	return recs, rows.Err()
}

// keyedFacts are a clock event's facts read with what is stored under its
// idempotency key, in one statement after the key's lock (clockFactsKeyed).
type keyedFacts struct {
	actorID int64
	key     string
	recs    []storedRequest
	emp     *attendance.Employee
	facts   *clockFacts
}

// records returns what is stored under the actor's key, if k read it.
func (k *keyedFacts) records(actorID int64, key string) ([]storedRequest, bool) {
	if k == nil || k.actorID != actorID || k.key != key {
		return nil, false
	}
	return k.recs, true
}

// remember stores the outcome of a request under its idempotency key: the
// result, or the domain error it ended with. Internal errors are not
// remembered: nothing happened, and a retry may succeed.
func (db *DB) remember(ctx context.Context, tx *Tx, actorID int64, endpoint string, k *attendance.Idempotency, result any, failure error) error {
	var body []byte
	var err error
	var e *attendance.Error
	if failure != nil {
		if !errors.As(failure, &e) || e.Kind == attendance.KindInternal {
			return nil
		}
		body, err = json.Marshal(storedError{Kind: e.Kind, Code: e.Code, Message: e.Message, Fields: e.Fields, Event: e.Event})
	} else {
		body, err = json.Marshal(result)
	}
	if err != nil {
		return err
	}
	return tx.later(ctx, `INSERT INTO idempotency_keys (employee_id, endpoint, key, request_hash, response, failed, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, actorID, endpoint, k.Key, k.Hash, string(body), failure != nil, db.t(db.now()))
}

// idempotent runs op once per idempotency key: a repeat of the key returns the
// first outcome and changes nothing. A domain error is remembered too, so the
// transaction commits the record and returns the error.
func idempotent[T any](ctx context.Context, db *DB, tx *Tx, actorID int64, endpoint string, k *attendance.Idempotency, op func() (*T, error)) (*T, error) {
	if k == nil {
		return op()
	}
	var first T
	if hit, err := db.replay(ctx, tx, actorID, endpoint, k, &first); hit {
		if err != nil {
			return nil, err
		}
		return &first, nil
	} else if err != nil {
		return nil, err
	}
	if err := tx.later(ctx, `SAVEPOINT idem`); err != nil {
		return nil, err
	}
	res, opErr := op()
	if opErr != nil && attendance.ErrorKind(opErr) == attendance.KindInternal {
		return nil, opErr
	}
	if opErr != nil {
		// Roll back what op wrote before failing, keep the record.
		if _, err := tx.exec(ctx, `ROLLBACK TO SAVEPOINT idem`); err != nil {
			return nil, err
		}
	}
	if err := db.remember(ctx, tx, actorID, endpoint, k, res, opErr); err != nil {
		return nil, err
	}
	if opErr != nil {
		return nil, commitThen{opErr}
	}
	return res, nil
}
