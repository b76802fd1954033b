package attendance

import (
	"context"
	"time"
)

// Feed is a user's calendar feed as the API shows it (docs/approvals.md,
// "Calendar feeds"). Path holds the feed's token: it is shown to its owner
// only. URL is absolute when the service knows its public address, else nil
// and the page builds it from its own.
type Feed struct {
	ID            int64      `json:"id"`
	Kind          FeedKind   `json:"kind" enum:"own,team"`
	URL           *string    `json:"url"`
	Path          string     `json:"path"`
	CreatedAt     time.Time  `json:"created_at"`
	LastFetchedAt *time.Time `json:"last_fetched_at"`
}

// FeedPath is the path of the feed whose token is token.
func FeedPath(token string) string { return "/calendar/" + token + ".ics" }

// FeedSpan is the span of dates a feed holds around today: a year back, two
// ahead.
const (
	FeedDaysBack  = 365
	FeedDaysAhead = 730
)

// FeedService keeps calendar feeds and renders them.
type FeedService interface {
	// ListFeeds lists the actor's live feeds, oldest first.
	ListFeeds(ctx context.Context, actor Actor) ([]*Feed, error)
	// CreateFeed makes a feed of kind for the actor: team needs manager
	// access (403); one live feed per kind (409 feed_exists).
	CreateFeed(ctx context.Context, actor Actor, kind FeedKind) (*Feed, error)
	// RevokeFeed revokes one of the actor's feeds; anyone else's is 404.
	RevokeFeed(ctx context.Context, actor Actor, id int64) error
	// FeedICS renders the feed whose token is token (RFC 5545). A token
	// that is forged, revoked, or whose owner is deactivated or (team) no
	// longer has manager access is 404.
	FeedICS(ctx context.Context, token string) ([]byte, error)
}

// ErrFeedExists is the answer to a second live feed of one kind.
func ErrFeedExists(kind FeedKind) *Error {
	return Errorf(KindConflict, "feed_exists", "you already have a live %s feed: revoke it to get a new URL", kind)
}
