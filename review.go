package attendance

import "time"

// ReviewMark says why a manager should look at someone's record now: open
// sessions that need review (a forgotten exit, docs/shifts.md) and
// correction requests waiting for a decision (docs/corrections.md). The
// board's rows carry it (GET /api/attendance/today/).
type ReviewMark struct {
	// NeedsReview is true when a session needs review or a correction
	// request waits.
	NeedsReview bool `json:"needs_review"`
	// ReviewSessions counts the open sessions that need review, and
	// ReviewSince is the entry of the oldest of them (nil when none).
	ReviewSessions int        `json:"review_sessions"`
	ReviewSince    *time.Time `json:"review_since"`
	// PendingCorrections counts the employee's correction requests that
	// wait for a decision.
	PendingCorrections int `json:"pending_corrections"`
}

// OpenDay is a work date with open sessions, the earliest open since Since.
type OpenDay struct {
	Date     Date
	Since    time.Time
	Sessions int
}

// ReviewOf returns the mark at now of an employee whose schedule is s, from
// their work dates with open sessions, the holidays around them, the
// company's settings and how many of their correction requests are pending.
// A date's open sessions need review from the time the overview flags them
// (OpenSession.NeedsReview), so that the board and the overview agree.
func (s Schedule) ReviewOf(open []OpenDay, h Holidays, set WorkSettings, pending int, now time.Time) ReviewMark {
	m := ReviewMark{PendingCorrections: pending}
	for _, d := range open {
		if d.Sessions <= 0 || !s.OpenSession(d.Date, d.Since, h, set).NeedsReview(now) {
			continue
		}
		m.ReviewSessions += d.Sessions
		if m.ReviewSince == nil || d.Since.Before(*m.ReviewSince) {
			since := d.Since.UTC()
			m.ReviewSince = &since
		}
	}
	m.NeedsReview = m.ReviewSessions > 0 || pending > 0
	return m
}
