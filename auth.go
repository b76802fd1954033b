package attendance

import (
	"context"
	"time"
)

// Session is one login: the access and refresh tokens issued from it share
// its ID, and revoking it revokes them all, on every replica, since it lives
// in the database.
type Session struct {
	ID         string
	EmployeeID int64
	// RefreshID is the jti of the only refresh token that may still be used;
	// refreshing rotates it.
	RefreshID string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}

// Tokens is what a login or a refresh returns.
type Tokens struct {
	Access    string `json:"token"`
	Refresh   string `json:"refresh"`
	TokenType string `json:"token_type"`
	ExpiresIn int    `json:"expires_in"`
}

// Credentials are an employee with their password hash, for login.
type Credentials struct {
	Employee     *Employee
	PasswordHash string
}

// AuthStore keeps credentials, sessions, login attempts and the signing
// secret. Implementations must make every change visible to every replica at once.
type AuthStore interface {
	// FindCredentials looks up an employee by username, ignoring case.
	FindCredentials(ctx context.Context, username string) (*Credentials, error)
	// FindCredentialsByID looks up an employee by id.
	FindCredentialsByID(ctx context.Context, id int64) (*Credentials, error)
	// CreateSession stores a new session for a login whose password was
	// checked against verifiedHash. When the employee's hash is no longer that
	// one (a reset or change committed meanwhile) or they were deactivated
	// meanwhile, it stores nothing and returns invalid credentials.
	CreateSession(ctx context.Context, s *Session, verifiedHash string) error
	// RotateRefresh replaces the session's refresh id when it still is oldID and
	// the session is live, and extends it to expires; a stale oldID means the
	// token was reused, and the session is revoked. It returns the session's employee.
	RotateRefresh(ctx context.Context, sessionID, oldID, newID string, now, expires time.Time) (*Employee, error)
	// SessionActor returns the actor of a live session: not revoked, not
	// expired, its employee active.
	SessionActor(ctx context.Context, sessionID string, now time.Time) (Actor, error)
	// RevokeSession revokes one session.
	RevokeSession(ctx context.Context, sessionID string, now time.Time) error
	// SetPassword stores a new hash and revokes every session of the employee
	// except keepSession.
	// The old hash must still be verifiedHash (the one the old password was
	// checked against); a reset committed meanwhile wins.
	SetPassword(ctx context.Context, employeeID int64, hash, verifiedHash, keepSession string, now time.Time) error
	// BeginLoginAttempt records an attempt of key at at before its password is
	// checked, so that attempts made at the same moment, on any replica, count
	// against each other. It records none when MaxLoginFailures attempts failed
	// since since (refuse the login), or when failed attempts and attempts
	// still being checked reach that number together (wait, and ask again).
	// It returns the attempt's id (0 when none was recorded), the failures
	// since since and the oldest of them.
	BeginLoginAttempt(ctx context.Context, key string, at, since time.Time) (id int64, failures int, oldest time.Time, err error)
	// FailLoginAttempt marks an attempt failed: the password was wrong.
	FailLoginAttempt(ctx context.Context, id int64) error
	// ForgetLoginAttempt removes an attempt that could not be judged (no
	// hashing slot, the client gone).
	ForgetLoginAttempt(ctx context.Context, id int64) error
	// ClearLoginFailures forgets the failures of key and the attempt that
	// succeeded; attempts of key still being checked stay.
	ClearLoginFailures(ctx context.Context, key string, attempt int64) error
	// Setting returns the value of a setting, creating it with create() when it
	// does not exist yet; concurrent callers all get the first value stored.
	Setting(ctx context.Context, name string, create func() (string, error)) (string, error)
}

// PasswordHasher makes and checks slow salted password hashes.
type PasswordHasher interface {
	Hash(ctx context.Context, password string) (string, error)
	// Verify reports whether password matches hash.
	Verify(ctx context.Context, password, hash string) (bool, error)
}

// AuthService signs people in and out and checks their tokens.
type AuthService interface {
	// Login checks a username and password from a client address.
	Login(ctx context.Context, username, password, addr string) (*Tokens, *Employee, error)
	// Refresh exchanges a refresh token for new tokens (rotation).
	Refresh(ctx context.Context, refresh string) (*Tokens, *Employee, error)
	// Logout revokes the actor's session.
	Logout(ctx context.Context, actor Actor) error
	// ChangePassword changes the actor's password and revokes their other sessions.
	ChangePassword(ctx context.Context, actor Actor, oldPassword, newPassword string) error
	// Authenticate checks an access token and returns its actor.
	Authenticate(ctx context.Context, token string) (Actor, error)
	// Session returns the actor of a session that is still live (not logged
	// out, user active), e.g. for a long-lived stream whose token has expired
	// since it was opened.
	Session(ctx context.Context, sessionID string) (Actor, error)
}

// Login rate limit: the 6th attempt after 5 failures of one username from one
// address within 15 minutes is refused.
const (
	MaxLoginFailures   = 5
	LoginFailureWindow = 15 * time.Minute
)

// MayCheckLoginAttempt reports whether another attempt of one username from
// one address may have its password checked now, with failures of them failed
// within LoginFailureWindow and checking still being checked (on any
// replica): attempts made at the same moment count against each other, so
// that parallel guesses cannot get past the limit together. When it may not,
// the attempt waits, or, once failures alone reach MaxLoginFailures, is refused.
func MayCheckLoginAttempt(failures, checking int) bool {
	return failures+checking < MaxLoginFailures
}

// ErrUnauthorized is the answer to a missing, bad, expired or revoked token.
func ErrUnauthorized(msg string) *Error {
	return &Error{Kind: KindUnauthorized, Code: "unauthorized", Message: msg}
}

// ErrInvalidCredentials is the one answer to a wrong password, an unknown
// user and an inactive user alike.
func ErrInvalidCredentials() *Error {
	return &Error{Kind: KindUnauthorized, Code: "invalid_credentials", Message: "the username or password is wrong"}
}
