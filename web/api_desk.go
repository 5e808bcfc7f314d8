package web

import (
	"net/http"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/labstack/echo/v4"
)

// The API's desk and follows: what the token's account has to check, and
// what it follows.

// apiSignedIn lets through calls made with any account's token (viewers
// included): the desk and follows are a person's own.
func (s *Server) apiSignedIn(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if u, _ := c.Get(apiUserKey).(*claimtrack.User); u == nil {
			return apiFail(http.StatusUnauthorized, "The desk and follows are a person's own: send your API token.")
		}
		return next(c)
	}
}

type apiDeskSection struct {
	Total  int            `json:"total"`
	Capped bool           `json:"capped"` // the total was counted up to this many only
	Claims []apiClaimBody `json:"claims"`
}

type apiDeskBody struct {
	Today      string         `json:"today"`
	Attention  int            `json:"attention"` // overdue forecasts plus the open claims assigned to you, as the header counts
	Overdue    apiDeskSection `json:"overdue"`
	DueSoon    apiDeskSection `json:"due_soon"`
	Assigned   apiDeskSection `json:"assigned"`
	ReReview   apiDeskSection `json:"re_review"`
	Unverified apiDeskSection `json:"unverified"`
	// Followed lists the changes to what you follow since you last opened
	// the desk's page (reading it here does not mark them seen).
	Followed      []apiEventBody `json:"followed"`
	FollowedSince string         `json:"followed_since"` // "" when the page was never opened
}

// GET /desk: the token's account's desk.
func (s *Server) apiDesk(c echo.Context) error {
	u := user(c)
	d, err := s.store.FindDesk(c.Request().Context(), u.ID, u.Username)
	if err != nil {
		return err
	}
	section := func(sec claimtrack.DeskSection) apiDeskSection {
		out := apiDeskSection{Total: sec.Total, Capped: sec.Capped, Claims: make([]apiClaimBody, 0, len(sec.Claims))}
		for _, cl := range sec.Claims {
			out.Claims = append(out.Claims, s.apiClaimOf(c, cl))
		}
		return out
	}
	body := apiDeskBody{Today: d.Today, Attention: d.Attention(), Overdue: section(d.Overdue), DueSoon: section(d.DueSoon),
		Assigned: section(d.Assigned), ReReview: section(d.ReReview), Unverified: section(d.Unverified),
		Followed: make([]apiEventBody, 0, len(d.Followed))}
	for _, ev := range d.Followed {
		body.Followed = append(body.Followed, apiEventOf(ev))
	}
	if !d.Since.IsZero() {
		body.FollowedSince = apiTime(d.Since)
	}
	return c.JSON(http.StatusOK, body)
}

// apiFollow follows (or with stop, stops following) the claim or source of
// the path for the token's account: 204, or 404 for one that does not exist.
func (s *Server) apiFollow(kind claimtrack.FollowKind, stop bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := pathID(c)
		if err != nil {
			return err
		}
		target := claimtrack.FollowTarget{Kind: kind, ID: id}
		if stop {
			err = s.store.Unfollow(c.Request().Context(), user(c).ID, target)
		} else {
			err = s.store.Follow(c.Request().Context(), user(c).ID, target)
		}
		if err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}
