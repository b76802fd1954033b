// Package auth signs people in and out: argon2id password hashes and HS256
// JWTs (golang-jwt), with sessions, revocation and login rate limits kept in
// the store, so that every replica agrees at once.
package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/openattendance/attendance"
)

// Config holds token lifetimes and the signing secret.
type Config struct {
	Secret     []byte
	AccessTTL  time.Duration
	RefreshTTL time.Duration
}

// Service implements attendance.AuthService.
type Service struct {
	store  attendance.AuthStore
	hasher attendance.PasswordHasher
	cfg    Config
	parser *jwt.Parser
	// Now is the clock.
	Now func() time.Time
}

var _ attendance.AuthService = (*Service)(nil)

// SecretSetting is the name of the stored signing secret.
const SecretSetting = "jwt_secret"

// LoadSecret returns the configured secret, or the one stored in the
// database, generating it on first start so that restarts and replicas share it.
func LoadSecret(ctx context.Context, store attendance.AuthStore, configured string) ([]byte, error) {
	if configured != "" {
		if len(configured) < 32 {
			return nil, errors.New("the JWT secret must be at least 32 characters")
		}
		return []byte(configured), nil
	}
	s, err := store.Setting(ctx, SecretSetting, func() (string, error) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		return hex.EncodeToString(b), nil
	})
	return []byte(s), err
}

// New returns the service.
func New(store attendance.AuthStore, hasher attendance.PasswordHasher, cfg Config) *Service {
	if cfg.AccessTTL <= 0 {
		cfg.AccessTTL = 15 * time.Minute
	}
	if cfg.RefreshTTL <= 0 {
		cfg.RefreshTTL = 168 * time.Hour
	}
	s := &Service{store: store, hasher: hasher, cfg: cfg, Now: time.Now}
	// Strict decoding: a token is one spelling of its bytes. Base64 leaves
	// spare bits in a part's last character, and a lenient decoder takes
	// every value of them: one signature would have four spellings.
	s.parser = jwt.NewParser(jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithLeeway(5*time.Second), jwt.WithTimeFunc(func() time.Time { return s.Now() }),
		jwt.WithStrictDecoding())
	return s
}

// claims are the token's claims: sub, jti, exp, iat, plus the session and the
// token's use, so that a refresh token is never accepted as an access token.
type claims struct {
	jwt.RegisteredClaims
	SessionID string `json:"sid"`
	Use       string `json:"typ"`
}

const (
	useAccess  = "access"
	useRefresh = "refresh"
)

func randomID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *Service) sign(employeeID int64, sessionID, jti, use string, now time.Time, ttl time.Duration) (string, error) {
	c := claims{
		RegisteredClaims: jwt.RegisteredClaims{
			Subject:   strconv.FormatInt(employeeID, 10),
			ID:        jti,
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(ttl)),
		},
		SessionID: sessionID,
		Use:       use,
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.cfg.Secret)
}

func (s *Service) tokens(employeeID int64, sessionID, refreshID string, now time.Time) (*attendance.Tokens, error) {
	access, err := s.sign(employeeID, sessionID, randomID(), useAccess, now, s.cfg.AccessTTL)
	if err != nil {
		return nil, err
	}
	refresh, err := s.sign(employeeID, sessionID, refreshID, useRefresh, now, s.cfg.RefreshTTL)
	if err != nil {
		return nil, err
	}
	return &attendance.Tokens{Access: access, Refresh: refresh, TokenType: "Bearer", ExpiresIn: int(s.cfg.AccessTTL / time.Second)}, nil
}

// parse checks a token's signature, expiry and use.
func (s *Service) parse(token, use string) (*claims, int64, error) {
	var c claims
	_, err := s.parser.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return s.cfg.Secret, nil })
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, 0, attendance.ErrUnauthorized("the token has expired")
		}
		return nil, 0, attendance.ErrUnauthorized("the token is not valid")
	}
	id, err := strconv.ParseInt(c.Subject, 10, 64)
	if c.Use != use || c.SessionID == "" || c.ID == "" || err != nil {
		return nil, 0, attendance.ErrUnauthorized(fmt.Sprintf("this is not an %s token", use))
	}
	return &c, id, nil
}

// Login checks a username and password. Five failures for one username from
// one address within 15 minutes lock further attempts until the oldest failure
// is 15 minutes old. A wrong password, an unknown and an inactive user get the
// same answer after the same work.
func (s *Service) Login(ctx context.Context, username, password, addr string) (*attendance.Tokens, *attendance.Employee, error) {
	now := s.Now()
	if utf8.RuneCountInString(username) > attendance.MaxUsernameLength || !attendance.PlainText(username, false) {
		// No user can have this name: nothing to look up, count or store (a
		// megabyte of name, or a NUL that PostgreSQL cannot take), but the
		// same time spent and the same answer as for any unknown user.
		if _, err := s.hasher.Verify(ctx, password, ""); err != nil {
			return nil, nil, err
		}
		return nil, nil, attendance.ErrInvalidCredentials()
	}
	key := "login|" + attendance.NormalizeUsername(username) + "|" + addr
	attempt, err := s.beginAttempt(ctx, key, now)
	if err != nil {
		return nil, nil, err
	}
	creds, err := s.store.FindCredentials(ctx, username)
	hash := ""
	switch {
	case err == nil:
		hash = creds.PasswordHash
	case attendance.ErrorKind(err) != attendance.KindNotFound:
		return nil, nil, s.unjudged(ctx, attempt, err)
	}
	ok := false
	if len(password) <= attendance.MaxPasswordLength {
		if ok, err = s.hasher.Verify(ctx, password, hash); err != nil {
			return nil, nil, s.unjudged(ctx, attempt, err)
		}
	}
	if !ok || creds == nil || !creds.Employee.Active {
		if err := s.store.FailLoginAttempt(context.WithoutCancel(ctx), attempt); err != nil {
			return nil, nil, err
		}
		return nil, nil, attendance.ErrInvalidCredentials()
	}
	if err := s.store.ClearLoginFailures(ctx, key, attempt); err != nil {
		return nil, nil, err
	}
	sess := &attendance.Session{ID: randomID(), EmployeeID: creds.Employee.ID, RefreshID: randomID(), CreatedAt: now, ExpiresAt: now.Add(s.cfg.RefreshTTL)}
	if err := s.store.CreateSession(ctx, sess, hash); err != nil {
		return nil, nil, err
	}
	t, err := s.tokens(sess.EmployeeID, sess.ID, sess.RefreshID, now)
	return t, creds.Employee, err
}

// attemptWait bounds how long an attempt waits for the attempts of the same
// username and address still being checked, before it is told to come back.
const attemptWait = 10 * time.Second

// beginAttempt records an attempt of key before its password is checked, and
// returns its id. Once MaxLoginFailures attempts of key failed within the
// window it refuses, saying when to retry. While failed attempts and attempts
// still being checked (on any replica) reach that number together, it waits
// for them to be judged: attempts made at the same moment cannot get past the
// limit together, and only failures refuse a login.
func (s *Service) beginAttempt(ctx context.Context, key string, now time.Time) (int64, error) {
	deadline := time.Now().Add(attemptWait)
	for {
		id, failures, oldest, err := s.store.BeginLoginAttempt(ctx, key, now, now.Add(-attendance.LoginFailureWindow))
		switch {
		case err != nil:
			return 0, err
		case failures >= attendance.MaxLoginFailures:
			wait := oldest.Add(attendance.LoginFailureWindow).Sub(now)
			e := attendance.Errorf(attendance.KindRateLimited, "too_many_attempts", "too many failed attempts; try again in %d minutes", int(math.Ceil(wait.Minutes())))
			e.RetryAfter = max(1, int(math.Ceil(wait.Seconds())))
			return 0, e
		case id != 0:
			return id, nil
		case time.Now().After(deadline):
			return 0, attendance.ErrBusy("too many attempts for this user at once")
		}
		select {
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// unjudged takes back an attempt that could not be judged (no hashing slot,
// the client gone, the database away) and returns err.
func (s *Service) unjudged(ctx context.Context, attempt int64, err error) error {
	if ferr := s.store.ForgetLoginAttempt(context.WithoutCancel(ctx), attempt); ferr != nil {
		return errors.Join(err, ferr)
	}
	return err
}

// Refresh exchanges a refresh token for new tokens; the old one stops working.
func (s *Service) Refresh(ctx context.Context, refresh string) (*attendance.Tokens, *attendance.Employee, error) {
	c, _, err := s.parse(refresh, useRefresh)
	if err != nil {
		return nil, nil, err
	}
	now := s.Now()
	newID := randomID()
	emp, err := s.store.RotateRefresh(ctx, c.SessionID, c.ID, newID, now, now.Add(s.cfg.RefreshTTL))
	if err != nil {
		return nil, nil, err
	}
	t, err := s.tokens(emp.ID, c.SessionID, newID, now)
	return t, emp, err
}

// Logout revokes the actor's session: its access and refresh tokens alike.
func (s *Service) Logout(ctx context.Context, a attendance.Actor) error {
	return s.store.RevokeSession(ctx, a.SessionID, s.Now())
}

// ChangePassword checks the old password, stores the new one and revokes the
// actor's other sessions. Wrong old passwords count against the same limit as logins.
func (s *Service) ChangePassword(ctx context.Context, a attendance.Actor, oldPassword, newPassword string) error {
	now := s.Now()
	key := "password|" + strconv.FormatInt(a.ID, 10)
	creds, err := s.store.FindCredentialsByID(ctx, a.ID)
	if err != nil {
		return err
	}
	if msg := attendance.ValidatePassword(newPassword, creds.Employee.Username); msg != "" {
		return attendance.InvalidField("body.new_password", "%s", msg)
	}
	attempt, err := s.beginAttempt(ctx, key, now)
	if err != nil {
		return err
	}
	ok := false
	if len(oldPassword) <= attendance.MaxPasswordLength {
		if ok, err = s.hasher.Verify(ctx, oldPassword, creds.PasswordHash); err != nil {
			return s.unjudged(ctx, attempt, err)
		}
	}
	if !ok {
		if err := s.store.FailLoginAttempt(context.WithoutCancel(ctx), attempt); err != nil {
			return err
		}
		return attendance.InvalidField("body.old_password", "is not your current password")
	}
	if err := s.store.ClearLoginFailures(ctx, key, attempt); err != nil {
		return err
	}
	hash, err := s.hasher.Hash(ctx, newPassword)
	if err != nil {
		return err
	}
	return s.store.SetPassword(ctx, a.ID, hash, creds.PasswordHash, a.SessionID, now)
}

// Authenticate checks an access token: signature, expiry, use, and that its
// session is live in the store (not logged out, user active).
func (s *Service) Authenticate(ctx context.Context, token string) (attendance.Actor, error) {
	c, id, err := s.parse(token, useAccess)
	if err != nil {
		return attendance.Actor{}, err
	}
	a, err := s.store.SessionActor(ctx, c.SessionID, s.Now())
	if err != nil {
		return attendance.Actor{}, err
	}
	if a.ID != id {
		return attendance.Actor{}, attendance.ErrUnauthorized("the token is not valid")
	}
	return a, nil
}

// Session returns the actor of a live session.
func (s *Service) Session(ctx context.Context, sessionID string) (attendance.Actor, error) {
	return s.store.SessionActor(ctx, sessionID, s.Now())
}
