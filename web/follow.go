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
		claim, ferr := s.store.FindClaimByID(ctx, id)
		if ferr != nil {
			return ferr
		}
		d, review, ferr := s.loadClaimPage(c, id, claim, views.StatusForm{}, views.EvidenceForm{})
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

// followTarget is the claim or source a page is about, as a follow target.
func followTarget(kind claimtrack.FollowKind, id int64) claimtrack.FollowTarget {
	return claimtrack.FollowTarget{Kind: kind, ID: id}
}
