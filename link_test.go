package attendance_test

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
	"time"

	"github.com/openattendance/attendance"
)

func linkKeys(t *testing.T, secret string) (decision, feed []byte) {
	t.Helper()
	d, err := attendance.LinkKey([]byte(secret), attendance.PurposeDecision)
	if err != nil {
		t.Fatal(err)
	}
	f, err := attendance.LinkKey([]byte(secret), attendance.PurposeFeed)
	if err != nil {
		t.Fatal(err)
	}
	return d, f
}

func TestLinkKey(t *testing.T) {
	d, f := linkKeys(t, "a secret of at least thirty-two characters")
	d2, _ := linkKeys(t, "a secret of at least thirty-two characters")
	other, _ := linkKeys(t, "another secret of thirty-two characters")
	switch {
	case len(d) != 32:
		t.Errorf("key of %d bytes, want 32", len(d))
	case bytes.Equal(d, f):
		t.Error("the decision and feed keys are the same")
	case !bytes.Equal(d, d2):
		t.Error("the same secret gave two keys: links would break at a restart")
	case bytes.Equal(d, other):
		t.Error("two secrets gave one key")
	}
}

func TestDecisionLink(t *testing.T) {
	key, feedKey := linkKeys(t, "a secret of at least thirty-two characters")
	otherKey, _ := linkKeys(t, "another secret of thirty-two characters")
	now := utc("2026-06-15 10:00")
	link := attendance.DecisionLink{ID: 77, RequestID: 311, Step: 2, ApproverID: 3, Action: attendance.Reject, ExpiresAt: now.Add(72 * time.Hour)}
	token := link.Token(key)

	t.Run("round trip", func(t *testing.T) {
		got, err := attendance.ParseDecisionLink(key, token, now)
		if err != nil {
			t.Fatal(err)
		}
		if got != link {
			t.Errorf("ParseDecisionLink = %+v, want %+v", got, link)
		}
		a := link
		a.Action = attendance.Approve
		if got, _ := attendance.ParseDecisionLink(key, a.Token(key), now); got.Action != attendance.Approve {
			t.Errorf("action = %q, want approve", got.Action)
		}
	})
	t.Run("URL-safe", func(t *testing.T) {
		if strings.ContainsAny(token, "+/=%?#&") {
			t.Errorf("token %q needs escaping in a URL", token)
		}
	})
	t.Run("every changed byte is refused", func(t *testing.T) {
		raw, _ := base64.RawURLEncoding.DecodeString(token)
		for i := range raw {
			b := bytes.Clone(raw)
			b[i] ^= 0x01
			_, err := attendance.ParseDecisionLink(key, base64.RawURLEncoding.EncodeToString(b), now)
			checkErr(t, err, attendance.KindNotFound, "link_invalid")
		}
	})

	expired := link
	expired.ExpiresAt = now
	tests := []struct {
		name     string
		key      []byte
		token    string
		now      time.Time
		wantKind attendance.Kind
		wantCode string
	}{
		{"a second before it expires", key, token, link.ExpiresAt.Add(-time.Second), "", ""},
		{"the moment it expires", key, token, link.ExpiresAt, attendance.KindConflict, "link_expired"},
		{"made expired", key, expired.Token(key), now, attendance.KindConflict, "link_expired"},
		{"another secret", otherKey, token, now, attendance.KindNotFound, "link_invalid"},
		{"the feed key", feedKey, token, now, attendance.KindNotFound, "link_invalid"},
		{"a feed token", feedKey, attendance.FeedRef{ID: 77, UserID: 3, Kind: attendance.FeedOwn}.Token(feedKey), now, attendance.KindNotFound, "link_invalid"},
		{"a feed token's bytes under the decision key", key, attendance.FeedRef{ID: 77, UserID: 3, Kind: attendance.FeedOwn}.Token(key), now, attendance.KindNotFound, "link_invalid"},
		{"cut short", key, token[:len(token)-1], now, attendance.KindNotFound, "link_invalid"},
		{"one character more", key, token + "A", now, attendance.KindNotFound, "link_invalid"},
		{"padded", key, token + "=", now, attendance.KindNotFound, "link_invalid"},
		{"standard base64", key, strings.NewReplacer("-", "+", "_", "/").Replace(token), now, attendance.KindNotFound, ""},
		{"empty", key, "", now, attendance.KindNotFound, "link_invalid"},
		{"not base64", key, strings.Repeat("!", len(token)), now, attendance.KindNotFound, "link_invalid"},
		{"a JWT", key, "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIzIn0.c2lnbmF0dXJl", now, attendance.KindNotFound, "link_invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := attendance.ParseDecisionLink(tt.key, tt.token, tt.now)
			if tt.name == "standard base64" && !strings.ContainsAny(token, "-_") {
				t.Skip("this token has no URL-safe characters to swap")
			}
			checkErr(t, err, tt.wantKind, tt.wantCode)
		})
	}
}

func TestFeedToken(t *testing.T) {
	_, key := linkKeys(t, "a secret of at least thirty-two characters")
	_, otherKey := linkKeys(t, "another secret of thirty-two characters")
	for _, ref := range []attendance.FeedRef{{ID: 1, UserID: 17, Kind: attendance.FeedOwn}, {ID: 2, UserID: 17, Kind: attendance.FeedTeam}} {
		token := ref.Token(key)
		if token != ref.Token(key) {
			t.Errorf("%+v: two tokens for one feed; the page could not show it again", ref)
		}
		got, err := attendance.ParseFeedToken(key, token)
		if err != nil || got != ref {
			t.Errorf("ParseFeedToken = %+v, %v; want %+v", got, err, ref)
		}
		_, err = attendance.ParseFeedToken(otherKey, token)
		checkErr(t, err, attendance.KindNotFound, "not_found")
	}
	a := attendance.FeedRef{ID: 1, UserID: 17, Kind: attendance.FeedOwn}.Token(key)
	b := attendance.FeedRef{ID: 3, UserID: 17, Kind: attendance.FeedOwn}.Token(key)
	if a == b {
		t.Error("a new feed after a revocation has the old token")
	}
	_, err := attendance.ParseFeedToken(key, a[:10])
	checkErr(t, err, attendance.KindNotFound, "not_found")
}
