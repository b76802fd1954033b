package sqlstore

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"github.com/openattendance/attendance"
)

// FeedService keeps the users' calendar feeds and renders them
// (attendance.FeedService). The URL's token is attendance.FeedRef.Token under
// key; the row keeps its SHA-256 only, which a fetch compares after the
// token's signature has been checked.
type FeedService struct {
	db *DB
	// key signs the tokens: attendance.LinkKey(secret, PurposeFeed).
	key []byte
	// domain ends the events' UIDs: the installation's instance id.
	domain string
}

var _ attendance.FeedService = (*FeedService)(nil)

// NewFeedService returns the feed service of db; key signs the tokens and
// domain ends the events' UIDs.
func NewFeedService(db *DB, key []byte, domain string) *FeedService {
	return &FeedService{db: db, key: key, domain: domain}
}

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// ListFeeds lists the actor's live feeds, oldest first.
func (s *FeedService) ListFeeds(ctx context.Context, a attendance.Actor) (_ []*attendance.Feed, err error) {
	defer wrap(&err, "ListFeeds(actor %d)", a.ID)
	rows, err := s.db.reader().query(ctx, `SELECT id, kind, created_at, last_fetched_at FROM calendar_feeds
		WHERE employee_id = ? AND revoked_at IS NULL ORDER BY id`, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*attendance.Feed{}
	for rows.Next() {
		var f attendance.Feed
		if err := rows.Scan(&f.ID, &f.Kind, timeCol{&f.CreatedAt}, nullTimeCol{&f.LastFetchedAt}); err != nil {
			return nil, err
		}
		f.Path = attendance.FeedPath(attendance.FeedRef{ID: f.ID, UserID: a.ID, Kind: f.Kind}.Token(s.key))
		out = append(out, &f)
	}
	return out, rows.Err()
}

// CreateFeed makes a feed of kind for the actor.
func (s *FeedService) CreateFeed(ctx context.Context, a attendance.Actor, kind attendance.FeedKind) (_ *attendance.Feed, err error) {
	defer wrap(&err, "CreateFeed(actor %d, %s)", a.ID, kind)
	if !kind.Valid() {
		return nil, attendance.InvalidField("body.kind", "must be own or team")
	}
	if kind == attendance.FeedTeam {
		if !attendance.MayCreateTeamFeed(a) {
			return nil, attendance.ErrForbidden("a team feed needs manager access")
		}
	}
	var f *attendance.Feed
	err = s.db.inTx(ctx, func(tx *Tx) error {
		// The actor's row lock orders two creations of one user.
		if _, err := s.db.employee(ctx, tx, a.ID, true); err != nil {
			return notFound(err, "employee")
		}
		var n int
		if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM calendar_feeds WHERE employee_id = ? AND kind = ? AND revoked_at IS NULL`,
			a.ID, string(kind)).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return attendance.ErrFeedExists(kind)
		}
		now := s.db.now()
		id, err := tx.insertID(ctx, `INSERT INTO calendar_feeds (employee_id, kind, created_at) VALUES (?, ?, ?)`, a.ID, string(kind), s.db.t(now))
		if err != nil {
			if s.db.d.IsUniqueViolation(err) {
				return attendance.ErrFeedExists(kind)
			}
			return err
		}
		token := attendance.FeedRef{ID: id, UserID: a.ID, Kind: kind}.Token(s.key)
		if _, err := tx.exec(ctx, `UPDATE calendar_feeds SET token_hash = ? WHERE id = ?`, tokenHash(token), id); err != nil {
			return err
		}
		f = &attendance.Feed{ID: id, Kind: kind, Path: attendance.FeedPath(token), CreatedAt: now}
		return nil
	})
	return f, err
}

// RevokeFeed revokes one of the actor's live feeds.
func (s *FeedService) RevokeFeed(ctx context.Context, a attendance.Actor, id int64) (err error) {
	defer wrap(&err, "RevokeFeed(actor %d, %d)", a.ID, id)
	return s.db.inTx(ctx, func(tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE calendar_feeds SET revoked_at = ? WHERE id = ? AND employee_id = ? AND revoked_at IS NULL`,
			s.db.t(s.db.now()), id, a.ID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return orNotFound(err, "calendar feed")
		}
		return nil
	})
}

// revokeFeeds revokes every live feed of an employee (deactivation).
func (db *DB) revokeFeeds(ctx context.Context, tx *Tx, id int64, now time.Time) error {
	_, err := tx.exec(ctx, `UPDATE calendar_feeds SET revoked_at = ? WHERE employee_id = ? AND revoked_at IS NULL`, db.t(now), id)
	return err
}

// feedFetchEvery is how often a feed's last_fetched_at is written: a
// calendar app's hourly fetch costs a write, a burst of fetches one.
const feedFetchEvery = 5 * time.Minute

// FeedICS renders the feed whose token is token.
func (s *FeedService) FeedICS(ctx context.Context, token string) (_ []byte, err error) {
	defer wrap(&err, "FeedICS")
	ref, err := attendance.ParseFeedToken(s.key, token)
	if err != nil {
		return nil, err
	}
	gone := attendance.ErrNotFound("calendar feed")
	var hash string
	var lastFetched *time.Time
	err = s.db.reader().queryRow(ctx, `SELECT token_hash, last_fetched_at FROM calendar_feeds
		WHERE id = ? AND employee_id = ? AND kind = ? AND revoked_at IS NULL`, ref.ID, ref.UserID, string(ref.Kind)).
		Scan(&hash, nullTimeCol{&lastFetched})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, gone
	} else if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(tokenHash(token))) != 1 {
		return nil, gone
	}
	owner, err := s.db.employee(ctx, s.db.reader(), ref.UserID, false)
	if err != nil {
		return nil, notFound(err, "calendar feed")
	}
	if !owner.Active || ref.Kind == attendance.FeedTeam && !owner.Role.HasManagerAccess() {
		return nil, gone
	}
	now := s.db.now()
	today := owner.Schedule().Today(now)
	from, to := today.AddDays(-attendance.FeedDaysBack), today.AddDays(attendance.FeedDaysAhead)
	var cal attendance.CalendarFeed
	switch ref.Kind {
	case attendance.FeedOwn:
		holds, statuses := holding("r.status")
		leave, err := s.feedLeave(ctx, `r.employee_id = ? AND `+holds, append([]any{owner.ID}, statuses...), from, to)
		if err != nil {
			return nil, err
		}
		holidays, modified, err := s.feedHolidays(ctx, from, to)
		if err != nil {
			return nil, err
		}
		cal = attendance.OwnFeed(owner.Name(), leave, holidays, modified, s.domain)
	case attendance.FeedTeam:
		scope, args := scopeCond(attendance.Actor{ID: owner.ID, Role: owner.Role}, "r.employee_id")
		args = append(args, owner.ID)
		leave, err := s.feedLeave(ctx, scope+` AND r.employee_id <> ? AND r.status = 'approved'`, args, from, to)
		if err != nil {
			return nil, err
		}
		cal = attendance.TeamFeed(owner.Name(), leave, s.domain)
	}
	if lastFetched == nil || now.Sub(*lastFetched) >= feedFetchEvery {
		// Best effort: a feed is served even when the note cannot be written.
		_ = s.db.inTx(ctx, func(tx *Tx) error {
			_, err := tx.exec(ctx, `UPDATE calendar_feeds SET last_fetched_at = ? WHERE id = ?`, s.db.t(now), ref.ID)
			return err
		})
	}
	return cal.ICS(), nil
}

// feedLeave reads the leave a feed shows: the requests cond selects that
// overlap from..to, by start date, each with its type's name, its exact
// cost and, for hourly leave, its instants.
func (s *FeedService) feedLeave(ctx context.Context, cond string, args []any, from, to attendance.Date) ([]attendance.FeedLeave, error) {
	args = append(args, from.String(), to.String())
	rows, err := s.db.reader().query(ctx, `SELECT r.id, e.first_name, e.last_name, e.username, e.timezone, COALESCE(t.name, r.leave_type),
		r.start_date, r.end_date, r.half_day, r.cost_num, r.cost_den, r.start_at, r.end_at, r.status, r.created_at, r.decided_at
		FROM leave_requests r JOIN employees e ON e.id = r.employee_id LEFT JOIN leave_types t ON t.code = r.leave_type
		WHERE `+cond+` AND r.end_date >= ? AND r.start_date <= ? ORDER BY r.start_date, r.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []attendance.FeedLeave
	for rows.Next() {
		var l attendance.FeedLeave
		var first, last, username, tz string
		var num, den int64
		var startAt, endAt, decided *time.Time
		if err := rows.Scan(&l.ID, &first, &last, &username, &tz, &l.LeaveTypeName, dateCol{&l.Start}, dateCol{&l.End}, &l.HalfDay,
			&num, &den, nullTimeCol{&startAt}, nullTimeCol{&endAt}, &l.Status, timeCol{&l.Modified}, nullTimeCol{&decided}); err != nil {
			return nil, err
		}
		e := attendance.Employee{FirstName: first, LastName: last, Username: username}
		l.EmployeeName = e.Name()
		if l.Location, err = attendance.LoadLocation(tz); err != nil {
			l.Location = s.db.company
		}
		l.Days = attendance.NewAmount(num, den)
		if startAt != nil && endAt != nil {
			l.Hours = &attendance.LeaveHours{Start: *startAt, End: *endAt}
		}
		if decided != nil && decided.After(l.Modified) {
			l.Modified = *decided
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// feedHolidays reads the holidays from..to and when the holiday list last
// changed (the newest holiday's creation).
func (s *FeedService) feedHolidays(ctx context.Context, from, to attendance.Date) ([]attendance.Holiday, time.Time, error) {
	var modified *time.Time
	if err := s.db.reader().queryRow(ctx, `SELECT MAX(created_at) FROM holidays`).Scan(nullTimeCol{&modified}); err != nil {
		return nil, time.Time{}, err
	}
	rows, err := s.db.reader().query(ctx, `SELECT id, date, name FROM holidays WHERE date >= ? AND date <= ? ORDER BY date`, from.String(), to.String())
	if err != nil {
		return nil, time.Time{}, err
	}
	defer rows.Close()
	var out []attendance.Holiday
	for rows.Next() {
		var h attendance.Holiday
		if err := rows.Scan(&h.ID, dateCol{&h.Date}, &h.Name); err != nil {
			return nil, time.Time{}, err
		}
		out = append(out, h)
	}
	var m time.Time
	if modified != nil {
		m = *modified
	}
	return out, m, rows.Err()
}
