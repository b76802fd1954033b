package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// HTTP tests of the Authentication section of the contract: login, the login
// rate limit, tokens and their rotation, logout, password changes, sessions
// across a restart, and PATCH /api/users/me/.

// loginBody is the body of a successful login or refresh.
type loginBody struct {
	Token     string         `json:"token"`
	Refresh   string         `json:"refresh"`
	TokenType string         `json:"token_type"`
	ExpiresIn int            `json:"expires_in"`
	User      map[string]any `json:"user"`
}

// postLogin tries to sign in; hdr are extra header name, value pairs.
func postLogin(c *client, username, password string, hdr ...string) *response {
	c.app.t.Helper()
	return c.Do("POST", "/api/users/login/", map[string]string{"username": username, "password": password}, hdr...)
}

// postRefresh exchanges a refresh token.
func postRefresh(app *testApp, refresh string) *response {
	app.t.Helper()
	return app.Anon().Do("POST", "/api/users/token/refresh/", map[string]string{"refresh": refresh})
}

// bearerClient is a client of app that sends token (and knows refresh).
func bearerClient(app *testApp, token, refresh string) *client {
	return &client{app: app, Token: token, Refresh: refresh}
}

// refreshed exchanges c's refresh token and returns a client with the new tokens.
func refreshed(c *client) *client {
	c.app.t.Helper()
	var b loginBody
	postRefresh(c.app, c.Refresh).Want(200).JSON(&b)
	if b.Token == "" || b.Refresh == "" || b.Token == c.Token || b.Refresh == c.Refresh {
		c.app.t.Fatalf("refresh: got token %q refresh %q, want two new tokens", b.Token, b.Refresh)
	}
	n := bearerClient(c.app, b.Token, b.Refresh)
	n.Me = c.Me
	return n
}

// wantSignedIn checks that c's access token works and belongs to username.
func wantSignedIn(c *client, username string) {
	c.app.t.Helper()
	var me struct {
		Username string `json:"username"`
	}
	c.Do("GET", "/api/users/me/", nil).Want(200).JSON(&me)
	if me.Username != username {
		c.app.t.Fatalf("GET /api/users/me/: username %q, want %q", me.Username, username)
	}
}

// wantSignedOut checks that c's access token is refused with 401.
func wantSignedOut(c *client) {
	c.app.t.Helper()
	c.Do("GET", "/api/users/me/", nil).WantProblem(401, "unauthorized")
}

// jwtClaims decodes the claims of a JWT without checking it.
func jwtClaims(t testing.TB, token string) map[string]any {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q has %d parts, want 3", token, len(parts))
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatalf("token payload: %v", err)
	}
	var c map[string]any
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatalf("token payload %s: %v", b, err)
	}
	return c
}

func TestLogin(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	ada := app.Admin.CreateEmployee("ada", map[string]any{"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"})
	app.Admin.CreateEmployee("gone", nil)
	gone := app.Admin.CreateEmployee("gone2", nil)
	app.Admin.Do("DELETE", "/api/employees/"+itoa(gone.ID)+"/", nil).Want(204)

	t.Run("success", func(t *testing.T) {
		res := postLogin(app.In(t).Anon(), "ada", testPassword).Want(200)
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("content type %q, want application/json", ct)
		}
		var b loginBody
		res.JSON(&b)
		if b.Token == "" || b.Refresh == "" || b.Token == b.Refresh {
			t.Errorf("token %q, refresh %q: want two different tokens", b.Token, b.Refresh)
		}
		if b.TokenType != "Bearer" {
			t.Errorf("token_type = %q, want Bearer", b.TokenType)
		}
		if b.ExpiresIn != 900 {
			t.Errorf("expires_in = %d, want 900", b.ExpiresIn)
		}
		if b.User["username"] != "ada" || b.User["id"] != float64(ada.ID) || b.User["email"] != "ada@example.com" || b.User["role"] != "employee" {
			t.Errorf("user = %v, want ada (id %d)", b.User, ada.ID)
		}
		for k := range b.User {
			if strings.Contains(strings.ToLower(k), "password") || strings.Contains(strings.ToLower(k), "hash") {
				t.Errorf("user has field %q", k)
			}
		}
		if raw := strings.ToLower(string(res.Body)); strings.Contains(raw, "password") || strings.Contains(raw, "argon2") {
			t.Errorf("login body mentions a password or hash: %s", res.Body)
		}
		c := jwtClaims(t, b.Token)
		for _, k := range []string{"sub", "jti", "exp", "iat"} {
			if _, ok := c[k]; !ok {
				t.Errorf("access token claims %v lack %q", c, k)
			}
		}
		if c["sub"] != itoa(ada.ID) {
			t.Errorf("sub = %v, want %d", c["sub"], ada.ID)
		}
		if exp, iat := c["exp"].(float64), c["iat"].(float64); exp-iat != 900 {
			t.Errorf("exp - iat = %v, want 900", exp-iat)
		}
		wantSignedIn(bearerClient(app.In(t), b.Token, b.Refresh), "ada")
	})

	t.Run("username ignores case", func(t *testing.T) {
		for _, name := range []string{"ADA", "Ada", "aDa"} {
			var b loginBody
			postLogin(app.In(t).Anon(), name, testPassword).Want(200).JSON(&b)
			if b.User["username"] != "ada" {
				t.Errorf("login as %q: user %v, want ada", name, b.User["username"])
			}
		}
	})

	t.Run("invalid credentials", func(t *testing.T) {
		anon := app.In(t).Anon()
		first := postLogin(anon, "ada", "wrong-password")
		first.WantProblem(401, "invalid_credentials")
		for _, tc := range []struct{ name, username, password string }{
			{"unknown user", "nobody", testPassword},
			{"inactive user", "gone2", testPassword},
			{"empty password", "gone", ""},
			{"password of another user", "admin", testPassword},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := postLogin(app.In(t).Anon(), tc.username, tc.password)
				res.WantProblem(401, "invalid_credentials")
				if !bytes.Equal(res.Body, first.Body) {
					t.Errorf("body %s, want the wrong-password body %s", res.Body, first.Body)
				}
			})
		}
	})

	t.Run("bad input", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			body   string
			status int
			loc    string // an errors[].location that must be present
		}{
			{"not JSON", `{"username": "ada", "password":`, 400, ""},
			{"not JSON at all", `username=ada&password=x`, 400, ""},
			{"username a number", `{"username": 1, "password": "password-123"}`, 422, "body.username"},
			{"password a bool", `{"username": "ada", "password": true}`, 422, "body.password"},
			{"password missing", `{"username": "ada"}`, 422, "body.password"},
			{"username missing", `{"password": "password-123"}`, 422, "body.username"},
			{"an array", `[]`, 422, ""},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p := app.In(t).Anon().Do("POST", "/api/users/login/", tc.body).WantProblem(tc.status, "")
				if tc.status == 400 && p.Code != "invalid_json" {
					t.Errorf("code = %q, want invalid_json", p.Code)
				}
				if tc.loc != "" && !namesField(p, tc.loc) {
					t.Errorf("errors = %+v, want one about %s", p.Errors, tc.loc)
				}
			})
		}
	})

	t.Run("X-Forwarded-For of an untrusted peer is ignored", func(t *testing.T) {
		app.Admin.In(t).CreateEmployee("dave", nil)
		anon := app.In(t).Anon()
		for range 5 {
			postLogin(anon, "dave", "wrong-password").WantProblem(401, "invalid_credentials")
		}
		postLogin(anon, "dave", testPassword, "X-Forwarded-For", "198.51.100.9").WantProblem(429, "too_many_attempts")
	})
}

// TestLoginsAtOnce: attempts made at the same moment count against each
// other without refusing anyone who has not failed: twenty right passwords at
// once all sign in; of twenty wrong ones, five are judged and the rest refused.
func TestLoginsAtOnce(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	app.Admin.CreateEmployee("burst", nil)
	burst := func(password string) map[int]int {
		var wg sync.WaitGroup
		var mu sync.Mutex
		statuses := map[int]int{}
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				res := postLogin(app.Anon(), "burst", password)
				mu.Lock()
				statuses[res.Status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		return statuses
	}
	if got := burst(testPassword); got[200] != 20 {
		t.Errorf("20 right passwords at once: %v, want 20 × 200", got)
	}
	if got := burst("wrong-password"); got[401] != 5 || got[429] != 15 {
		t.Errorf("20 wrong passwords at once: %v, want 5 × 401 and 15 × 429", got)
	}
}

func TestLoginLockout(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	app := mustStart(t, withClock(clock), withConfig(func(c *Config) {
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}
	}))
	app.Admin.CreateEmployee("bob", nil)
	app.Admin.CreateEmployee("carol", nil)
	anon := app.Anon()

	retryAfter := func(t *testing.T, res *response) int {
		t.Helper()
		h := res.Header.Get("Retry-After")
		n, err := strconv.Atoi(h)
		if err != nil || n <= 0 {
			t.Fatalf("Retry-After = %q, want a positive number of seconds", h)
		}
		return n
	}

	for i := range 5 {
		postLogin(anon, "bob", "wrong-password").WantProblem(401, "invalid_credentials")
		if i < 4 {
			clock.Add(time.Second)
		}
	}
	// The first failure was 4 s ago, so the lock lifts in 15 min - 4 s.
	const firstWait = 15*60 - 4

	t.Run("6th attempt with the right password", func(t *testing.T) {
		res := postLogin(app.In(t).Anon(), "bob", testPassword)
		res.WantProblem(429, "too_many_attempts")
		if got := retryAfter(t, res); got != firstWait {
			t.Errorf("Retry-After = %d, want %d", got, firstWait)
		}
	})
	t.Run("username case does not escape the lock", func(t *testing.T) {
		postLogin(app.In(t).Anon(), "BOB", testPassword).WantProblem(429, "too_many_attempts")
	})
	t.Run("another username from the same address", func(t *testing.T) {
		postLogin(app.In(t).Anon(), "carol", testPassword).Want(200)
	})
	t.Run("the same username from another address", func(t *testing.T) {
		postLogin(app.In(t).Anon(), "bob", testPassword, "X-Forwarded-For", "203.0.113.7").Want(200)
	})
	t.Run("still locked ten minutes later", func(t *testing.T) {
		clock.Add(10 * time.Minute)
		res := postLogin(app.In(t).Anon(), "bob", testPassword)
		res.WantProblem(429, "too_many_attempts")
		if got, want := retryAfter(t, res), firstWait-600; got != want {
			t.Errorf("Retry-After = %d, want %d", got, want)
		}
	})
	t.Run("works again after 15 minutes", func(t *testing.T) {
		clock.Add(5 * time.Minute)
		c := app.In(t).Login("bob", testPassword)
		wantSignedIn(c, "bob")
	})
	t.Run("a success clears the failures", func(t *testing.T) {
		a := app.In(t).Anon()
		for range 4 {
			postLogin(a, "bob", "wrong-password").WantProblem(401, "invalid_credentials")
		}
		postLogin(a, "bob", testPassword).Want(200)
		for range 4 {
			postLogin(a, "bob", "wrong-password").WantProblem(401, "invalid_credentials")
		}
		postLogin(a, "bob", testPassword).Want(200)
	})
}

func TestTokens(t *testing.T) {
	t.Parallel()
	clock := newClock(time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC))
	app := mustStart(t, withClock(clock))
	app.Admin.CreateEmployee("tess", nil)
	other := app.Admin.CreateEmployee("ulla", nil)

	t.Run("access token works", func(t *testing.T) {
		wantSignedIn(app.In(t).Login("tess", testPassword), "tess")
	})
	t.Run("refresh token is not an access token", func(t *testing.T) {
		c := app.In(t).Login("tess", testPassword)
		wantSignedOut(bearerClient(c.app, c.Refresh, ""))
		bearerClient(c.app, c.Refresh, "").Do("GET", "/api/employees/"+itoa(c.ID())+"/", nil).WantProblem(401, "unauthorized")
	})
	t.Run("access token is not a refresh token", func(t *testing.T) {
		c := app.In(t).Login("tess", testPassword)
		postRefresh(c.app, c.Token).WantProblem(401, "unauthorized")
		wantSignedIn(c, "tess") // the session is not harmed
		refreshed(c)
	})
	t.Run("refresh rotates", func(t *testing.T) {
		c := app.In(t).Login("tess", testPassword)
		n := refreshed(c)
		wantSignedIn(n, "tess")
		n2 := refreshed(n)
		wantSignedIn(n2, "tess")
		// The used refresh token is refused, and its reuse (a sign of theft)
		// ends the whole session: the newest tokens stop working too.
		postRefresh(c.app, c.Refresh).WantProblem(401, "unauthorized")
		wantSignedOut(n2)
		postRefresh(c.app, n2.Refresh).WantProblem(401, "unauthorized")
	})
	t.Run("reuse does not end other sessions", func(t *testing.T) {
		a := app.In(t).Login("tess", testPassword)
		b := app.In(t).Login("tess", testPassword)
		refreshed(a)
		postRefresh(a.app, a.Refresh).WantProblem(401, "unauthorized")
		wantSignedIn(b, "tess")
		refreshed(b)
	})
	t.Run("refresh body", func(t *testing.T) {
		c := app.In(t).Login("tess", testPassword)
		var b loginBody
		postRefresh(c.app, c.Refresh).Want(200).JSON(&b)
		if b.TokenType != "Bearer" || b.ExpiresIn != 900 {
			t.Errorf("token_type %q expires_in %d, want Bearer 900", b.TokenType, b.ExpiresIn)
		}
	})
	t.Run("garbage and tampered tokens", func(t *testing.T) {
		c := app.In(t).Login("tess", testPassword)
		u := app.In(t).Login("ulla", testPassword)
		parts := strings.Split(c.Token, ".")
		sig := []byte(parts[2])
		i := len(sig) / 2
		if sig[i] == 'A' {
			sig[i] = 'B'
		} else {
			sig[i] = 'A'
		}
		// A payload that names another user, under tess's signature.
		claims := jwtClaims(t, c.Token)
		claims["sub"] = itoa(other.ID)
		payload, _ := json.Marshal(claims)
		forged := parts[0] + "." + base64.RawURLEncoding.EncodeToString(payload) + "." + parts[2]
		// tess's signature on ulla's token: the signature part must match its own token.
		swapped := strings.Join(strings.Split(u.Token, ".")[:2], ".") + "." + parts[2]
		none := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","typ":"JWT"}`)) + "." + parts[1] + "."
		for _, tc := range []struct{ name, token string }{
			{"signature changed", parts[0] + "." + parts[1] + "." + string(sig)},
			{"payload changed", forged},
			{"signature of another token", swapped},
			{"alg none", none},
			{"garbage", "garbage"},
			{"three dots", "a.b.c"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				res := bearerClient(app.In(t), tc.token, "").Do("GET", "/api/users/me/", nil)
				res.WantProblem(401, "unauthorized")
				if strings.Contains(string(res.Body), "tess") || strings.Contains(string(res.Body), "ulla") {
					t.Errorf("401 body names a user: %s", res.Body)
				}
				postRefresh(app.In(t), tc.token).WantProblem(401, "unauthorized")
			})
		}
		wantSignedIn(c, "tess")
	})
	t.Run("missing or non-Bearer Authorization", func(t *testing.T) {
		c := app.In(t).Login("tess", testPassword)
		for _, tc := range []struct{ name, header string }{
			{"none", ""},
			{"empty Bearer", "Bearer "},
			{"Token scheme", "Token " + c.Token},
			{"Basic scheme", "Basic dGVzczpwYXNzd29yZC0xMjM="},
			{"token without scheme", c.Token},
		} {
			t.Run(tc.name, func(t *testing.T) {
				a := app.In(t).Anon()
				var hdr []string
				if tc.header != "" {
					hdr = []string{"Authorization", tc.header}
				}
				for _, path := range []string{"/api/users/me/", "/api/employees/", "/api/attendance/"} {
					a.Do("GET", path, nil, hdr...).WantProblem(401, "unauthorized")
				}
			})
		}
		// The scheme is case-insensitive (RFC 9110).
		app.In(t).Anon().Do("GET", "/api/users/me/", nil, "Authorization", "bearer "+c.Token).Want(200)
	})
	// Last: it moves the shared clock.
	t.Run("expired access token, live refresh token", func(t *testing.T) {
		c := app.In(t).Login("tess", testPassword)
		clock.Add(14 * time.Minute)
		wantSignedIn(c, "tess")
		clock.Add(2 * time.Minute)
		res := c.Do("GET", "/api/users/me/", nil)
		res.WantProblem(401, "unauthorized")
		n := refreshed(c)
		wantSignedIn(n, "tess")
		clock.Add(16 * time.Minute)
		wantSignedOut(n)
		wantSignedIn(refreshed(n), "tess")
	})
	t.Run("expired refresh token", func(t *testing.T) {
		c := app.In(t).Login("tess", testPassword)
		clock.Add(168*time.Hour + time.Minute)
		postRefresh(c.app, c.Refresh).WantProblem(401, "unauthorized")
	})
}

func TestLogout(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	app.Admin.CreateEmployee("lou", nil)

	t.Run("revokes this session only", func(t *testing.T) {
		a := app.In(t).Login("lou", testPassword)
		b := app.In(t).Login("lou", testPassword)
		res := a.Do("POST", "/api/users/logout/", nil).Want(204)
		if len(res.Body) != 0 {
			t.Errorf("204 body %q, want none", res.Body)
		}
		wantSignedOut(a)
		postRefresh(a.app, a.Refresh).WantProblem(401, "unauthorized")
		a.Do("POST", "/api/users/logout/", nil).WantProblem(401, "unauthorized")
		wantSignedIn(b, "lou")
		wantSignedIn(refreshed(b), "lou")
	})
	t.Run("revokes refresh tokens of the session issued after login", func(t *testing.T) {
		a := app.In(t).Login("lou", testPassword)
		n := refreshed(a)
		n.Do("POST", "/api/users/logout/", nil).Want(204)
		wantSignedOut(a) // the first access token belongs to the same session
		postRefresh(a.app, n.Refresh).WantProblem(401, "unauthorized")
	})
	t.Run("anonymous", func(t *testing.T) {
		app.In(t).Anon().Do("POST", "/api/users/logout/", nil).WantProblem(401, "unauthorized")
	})
}

func TestChangePassword(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	app.Admin.CreateEmployee("patricia", nil)
	const newPassword = "a-new-password-9"

	s1 := app.Login("patricia", testPassword)
	s2 := app.Login("patricia", testPassword)
	s3 := app.Login("patricia", testPassword)
	change := func(c *client, old, new string) *response {
		c.app.t.Helper()
		return c.Do("POST", "/api/users/password/", map[string]string{"old_password": old, "new_password": new})
	}

	for _, tc := range []struct {
		name, old, new string
		loc            string
	}{
		{"wrong old password", "not-my-password", newPassword, "body.old_password"},
		{"new password too short", testPassword, "short1", "body.new_password"},
		{"new password is the username", testPassword, "PATRICIA", "body.new_password"},
		{"new password is 1025 bytes", testPassword, strings.Repeat("x", 1025), "body.new_password"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := change(s1.In(t), tc.old, tc.new).WantProblem(422, "")
			if !hasLocation(p, tc.loc) {
				t.Errorf("errors = %+v, want one at %s", p.Errors, tc.loc)
			}
			// Nothing changed: every session works, the old password still signs in.
			wantSignedIn(s2.In(t), "patricia")
			wantSignedIn(app.In(t).Login("patricia", testPassword), "patricia")
		})
	}
	t.Run("missing fields", func(t *testing.T) {
		s1.In(t).Do("POST", "/api/users/password/", map[string]string{"new_password": newPassword}).WantProblem(422, "")
	})
	t.Run("anonymous", func(t *testing.T) {
		change(app.In(t).Anon(), testPassword, newPassword).WantProblem(401, "unauthorized")
	})
	t.Run("success", func(t *testing.T) {
		res := change(s1.In(t), testPassword, newPassword).Want(204)
		if len(res.Body) != 0 {
			t.Errorf("204 body %q, want none", res.Body)
		}
		wantSignedIn(s1.In(t), "patricia")
		wantSignedOut(s2.In(t))
		wantSignedOut(s3.In(t))
		postRefresh(app.In(t), s2.Refresh).WantProblem(401, "unauthorized")
		postLogin(app.In(t).Anon(), "patricia", testPassword).WantProblem(401, "invalid_credentials")
		wantSignedIn(app.In(t).Login("patricia", newPassword), "patricia")
		// The current session lives on, refresh included.
		wantSignedIn(refreshed(s1.In(t)), "patricia")
	})
}

func TestSessionsSurviveRestart(t *testing.T) {
	t.Parallel()
	dir := newDataDir(t)
	app := mustStartIn(t, dir)
	app.Admin.CreateEmployee("rita", nil)
	live := app.Login("rita", testPassword)
	gone := app.Login("rita", testPassword)
	gone.Do("POST", "/api/users/logout/", nil).Want(204)
	app.Stop()

	app2 := mustStartIn(t, dir)
	wantSignedIn(bearerClient(app2, live.Token, live.Refresh), "rita")
	wantSignedOut(bearerClient(app2, gone.Token, gone.Refresh))
	postRefresh(app2, gone.Refresh).WantProblem(401, "unauthorized")
	wantSignedIn(refreshed(bearerClient(app2, live.Token, live.Refresh)), "rita")
	wantSignedIn(app2.Login("rita", testPassword), "rita")
}

func TestUpdateMe(t *testing.T) {
	t.Parallel()
	app := mustStart(t)
	emp := app.Admin.NewUser("mia", map[string]any{"first_name": "Mia", "last_name": "Wong", "email": "mia@example.com", "department": "Sales"})
	mgr := app.Admin.NewUser("max", map[string]any{"role": "manager"})

	me := func(c *client) map[string]any {
		c.app.t.Helper()
		var m map[string]any
		c.Do("GET", "/api/users/me/", nil).Want(200).JSON(&m)
		return m
	}

	t.Run("names and email", func(t *testing.T) {
		c := emp.In(t)
		var got map[string]any
		c.Do("PATCH", "/api/users/me/", map[string]string{"first_name": "Mira", "last_name": "Wang", "email": "mira@example.com"}).Want(200).JSON(&got)
		for k, v := range map[string]any{"first_name": "Mira", "last_name": "Wang", "email": "mira@example.com", "username": "mia", "department": "Sales", "role": "employee"} {
			if got[k] != v {
				t.Errorf("PATCH response %s = %v, want %v", k, got[k], v)
			}
			if m := me(c); m[k] != v {
				t.Errorf("GET me %s = %v, want %v", k, m[k], v)
			}
		}
	})
	t.Run("one field leaves the others", func(t *testing.T) {
		c := emp.In(t)
		c.Do("PATCH", "/api/users/me/", map[string]string{"first_name": "Mia"}).Want(200)
		if m := me(c); m["first_name"] != "Mia" || m["last_name"] != "Wang" || m["email"] != "mira@example.com" {
			t.Errorf("me = %v, want first_name Mia, the rest unchanged", m)
		}
	})
	for _, tc := range []struct {
		name string
		body map[string]any
	}{
		{"role", map[string]any{"role": "admin"}},
		{"same role", map[string]any{"role": "employee"}},
		{"manager_id", map[string]any{"manager_id": nil}},
		{"active", map[string]any{"active": false}},
		{"username", map[string]any{"username": "mia2"}},
		{"annual_leave_days", map[string]any{"annual_leave_days": 40}},
		{"work_start", map[string]any{"work_start": "10:00"}},
		{"department", map[string]any{"department": "Board"}},
		{"password", map[string]any{"password": "another-pass-1"}},
		{"with an allowed field", map[string]any{"first_name": "Sneaky", "role": "admin"}},
	} {
		t.Run("403 "+tc.name, func(t *testing.T) {
			c := emp.In(t)
			before := me(c)
			c.Do("PATCH", "/api/users/me/", tc.body).WantProblem(403, "forbidden")
			after := me(c)
			for _, k := range []string{"role", "manager_id", "active", "username", "annual_leave_days", "work_start", "department", "first_name"} {
				if before[k] != after[k] {
					t.Errorf("%s changed from %v to %v", k, before[k], after[k])
				}
			}
		})
	}
	t.Run("a manager may not change their role either", func(t *testing.T) {
		mgr.In(t).Do("PATCH", "/api/users/me/", map[string]any{"role": "admin"}).WantProblem(403, "forbidden")
		if m := me(mgr.In(t)); m["role"] != "manager" {
			t.Errorf("role = %v, want manager", m["role"])
		}
	})
	for _, email := range []string{"not-an-email", "Mia <mia@example.com>", "mia@", strings.Repeat("a", 250) + "@example.com"} {
		t.Run("bad email "+email[:min(len(email), 20)], func(t *testing.T) {
			p := emp.In(t).Do("PATCH", "/api/users/me/", map[string]any{"email": email}).WantProblem(422, "")
			if !hasLocation(p, "body.email") {
				t.Errorf("errors = %+v, want one at body.email", p.Errors)
			}
		})
	}
	t.Run("name too long", func(t *testing.T) {
		p := emp.In(t).Do("PATCH", "/api/users/me/", map[string]any{"last_name": strings.Repeat("n", 151)}).WantProblem(422, "")
		if !hasLocation(p, "body.last_name") {
			t.Errorf("errors = %+v, want one at body.last_name", p.Errors)
		}
	})
	t.Run("wrong type", func(t *testing.T) {
		emp.In(t).Do("PATCH", "/api/users/me/", `{"first_name": 7}`).WantProblem(422, "")
	})
	t.Run("anonymous", func(t *testing.T) {
		app.In(t).Anon().Do("PATCH", "/api/users/me/", map[string]any{"first_name": "X"}).WantProblem(401, "unauthorized")
		app.In(t).Anon().Do("GET", "/api/users/me/", nil).WantProblem(401, "unauthorized")
	})
}

// hasLocation reports whether a validation problem names the location loc
// or a part of it (body.work_days[0] is in body.work_days).
func hasLocation(p problem, loc string) bool {
	for _, e := range p.Errors {
		if e.Location == loc || strings.HasPrefix(e.Location, loc+"[") || strings.HasPrefix(e.Location, loc+".") {
			return true
		}
	}
	return false
}

// namesField reports whether a validation problem is about the field at loc
// (e.g. body.password): either at that location, or, for a missing required
// property, at its parent with the field's name in the message.
func namesField(p problem, loc string) bool {
	if hasLocation(p, loc) {
		return true
	}
	parent, name, _ := strings.Cut(loc, ".")
	for _, e := range p.Errors {
		if e.Location == parent && strings.Contains(e.Message, name) {
			return true
		}
	}
	return false
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
