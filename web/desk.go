package web

import (
	"context"
	"net/http"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// DeskStore is what the desk needs.
type DeskStore interface {
	FindDesk(ctx context.Context, userID int64, username string) (*claimtrack.Desk, error)
	SetDeskSeenAt(ctx context.Context, userID int64, at time.Time) error
	DeskAttention(ctx context.Context, username string) (int, error)
}

// handleDesk shows the signed-in person's desk, then notes that they saw
// it: the next visit lists what they follow changed after this one.
func (s *Server) handleDesk(c echo.Context) error {
	u := user(c)
	ctx := c.Request().Context()
	d, err := s.store.FindDesk(ctx, u.ID, u.Username)
	if err != nil {
		return err
	}
	if err := s.render(c, http.StatusOK, views.DeskPage(s.page(c, "Your desk", "desk"), d)); err != nil {
		return err
	}
	return s.store.SetDeskSeenAt(ctx, u.ID, s.Now())
}
