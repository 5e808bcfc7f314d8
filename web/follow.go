package web

import (
	"context"
	"net/http"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// FollowStore is what following, assigning and the private feed need.
type FollowStore interface {
	Follow(ctx context.Context, userID int64, target claimtrack.FollowTarget) error
	Unfollow(ctx context.Context, userID int64, target claimtrack.FollowTarget) error
	IsFollowing(ctx context.Context, userID int64, target claimtrack.FollowTarget) (bool, error)
	AssignClaim(ctx context.Context, claimID int64, username, actor string) (*claimtrack.Claim, error)
	FindFollowedChanges(ctx context.Context, userID int64, since time.Time, limit int) ([]*claimtrack.Event, error)
	CreateFeedToken(ctx context.Context, userID int64) (string, error)
	RevokeFeedTokens(ctx context.Context, userID int64) error
	HasFeedToken(ctx context.Context, userID int64) (bool, error)
	FindUserByFeedToken(ctx context.Context, token string) (*claimtrack.User, error)
}

// handleFollow follows (or, with stop, stops following) the claim or source
// of the path, and goes back to its page.
func (s *Server) handleFollow(kind claimtrack.FollowKind, stop bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := formPathID(c)
		if err != nil {
			return err
		}
		target := claimtrack.FollowTarget{Kind: kind, ID: id}
		ctx := c.Request().Context()
		msg := flashFollowing
		if stop {
			msg = flashUnfollowed
			err = s.store.Unfollow(ctx, user(c).ID, target)
		} else {
			err = s.store.Follow(ctx, user(c).ID, target)
		}
		if err != nil {
			return err
		}
		back := views.ClaimURL(id)
		if kind == claimtrack.FollowSource {
			back = views.SourceURL(id)
		}
		return redirectWithFlash(c, back, msg)
	}
}

// handleAssign assigns the claim of the path to the editor chosen, or to
// nobody; a choice that cannot be assigned shows the page again with why.
func (s *Server) handleAssign(c echo.Context) error {
	id, err := formPathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	_, err = s.store.AssignClaim(ctx, id, c.FormValue("assignee"), s.actor(c))
	if claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		d, review, ferr := s.claimPageData(c.Request().Context(), c, id, nil, nil, views.StatusForm{}, views.EvidenceForm{})
		if ferr != nil {
			return ferr
		}
		d.AssignError = claimtrack.FieldErrors(err)["assignee"]
		return s.renderClaimPage(c, http.StatusUnprocessableEntity, d, review)
	} else if err != nil {
		return err
	}
	return redirectWithFlash(c, views.ClaimURL(id)+"#desk-controls", flashAssigned)
}

// assignable are the usernames a claim can be assigned to: editors and
// admins whose account is on.
func (s *Server) assignable(ctx context.Context) ([]string, error) {
	users, err := s.store.FindUsers(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, u := range users {
		if u.CanEdit() {
			out = append(out, u.Username)
		}
	}
	return out, nil
}

// handlePrivateFeed is a person's private feed of what they follow, at an
// address that holds their feed token (feed readers cannot sign in). An
// unknown or revoked token is a 404, as for anything else not there.
func (s *Server) handlePrivateFeed(c echo.Context) error {
	ctx := c.Request().Context()
	u, err := s.store.FindUserByFeedToken(ctx, c.Param("token"))
	if err != nil {
		return err
	}
	events, err := s.store.FindFollowedChanges(ctx, u.ID, time.Time{}, ChangesPerPage)
	if err != nil {
		return err
	}
	// The feed's address is its token: it names the feed by its owner, never
	// by the token, and tells caches to keep it to themselves.
	c.Response().Header().Set("Cache-Control", "private, no-store")
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
	return s.writeFeed(c, "Followed by "+u.Username, "/desk", events)
}

// handleFeedToken makes a new private feed address (the old one stops
// working) and shows it once, on the account page.
func (s *Server) handleFeedToken(c echo.Context) error {
	token, err := s.store.CreateFeedToken(c.Request().Context(), user(c).ID)
	if err != nil {
		return err
	}
	return s.renderAccount(c, http.StatusOK, views.AccountData{FeedURL: s.baseURL(c) + "/feeds/" + token})
}

// handleFeedRevoke ends the private feed's address.
func (s *Server) handleFeedRevoke(c echo.Context) error {
	if err := s.store.RevokeFeedTokens(c.Request().Context(), user(c).ID); err != nil {
		return err
	}
	return redirectWithFlash(c, "/account", flashFeedRevoked)
}
