package attendance

import "time"

// IdempotencyTTL is how long the service remembers an Idempotency-Key.
const IdempotencyTTL = 24 * time.Hour

// IdempotencyRecord is what the service remembers of the first request a
// user made with an Idempotency-Key: where it went, a hash of its body, when.
type IdempotencyRecord struct {
	Endpoint  string
	Hash      string
	CreatedAt time.Time
}

// Replays decides what a request to endpoint with the key k gets at now,
// when the same user made rec with that key before. A key is the user's,
// whatever the endpoint: within IdempotencyTTL the same endpoint and body
// replay the first response (true); another body, or another endpoint, is
// 422 idempotency_key_reused. After the TTL the key is free again (false, nil).
func (k Idempotency) Replays(endpoint string, rec IdempotencyRecord, now time.Time) (bool, error) {
	switch {
	case now.Sub(rec.CreatedAt) > IdempotencyTTL:
		return false, nil
	case rec.Endpoint != endpoint:
		return false, Errorf(KindInvalid, "idempotency_key_reused",
			"this Idempotency-Key was already used for another kind of request; use a new key for each request")
	case rec.Hash != k.Hash:
		return false, Errorf(KindInvalid, "idempotency_key_reused",
			"this Idempotency-Key was already used with a different request body")
	}
	return true, nil
}
