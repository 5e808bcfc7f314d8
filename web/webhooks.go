package web

import (
	"context"
	"net/http"
	"strconv"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// WebhookStore is what the admin pages of webhooks need.
type WebhookStore interface {
	CreateWebhook(ctx context.Context, in claimtrack.WebhookInput, actor string) (*claimtrack.Webhook, error)
	SetWebhookActive(ctx context.Context, id int64, active bool) error
	FindWebhooks(ctx context.Context) ([]*claimtrack.Webhook, error)
	FindWebhook(ctx context.Context, id int64) (*claimtrack.Webhook, error)
	FindDeliveries(ctx context.Context, hookID, before int64, limit int) ([]*claimtrack.Delivery, error)
	Redeliver(ctx context.Context, hookID, id int64) error
}

// DeliveriesPerPage is how many deliveries a hook's page lists.
const DeliveriesPerPage = 50

// handleWebhooks lists the hooks and offers to register one.
func (s *Server) handleWebhooks(c echo.Context) error {
	return s.renderWebhooks(c, http.StatusOK, views.WebhookForm{})
}

func (s *Server) renderWebhooks(c echo.Context, status int, f views.WebhookForm) error {
	hooks, err := s.store.FindWebhooks(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, status, views.WebhooksPage(s.page(c, "Webhooks", "admin"), hooks, f))
}

// handleWebhookCreate registers a hook and shows its page, with its secret.
func (s *Server) handleWebhookCreate(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	f := views.WebhookForm{URL: c.FormValue("url")}
	h, err := s.store.CreateWebhook(c.Request().Context(), claimtrack.WebhookInput{URL: f.URL}, s.actor(c))
	if claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		f.Errors = errorsOf(err)
		return s.renderWebhooks(c, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirectWithFlash(c, "/admin/webhooks/"+strconv.FormatInt(h.ID, 10), flashWebhookCreated)
}

// handleWebhook shows one hook and a page of its deliveries, newest first.
func (s *Server) handleWebhook(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	h, err := s.store.FindWebhook(ctx, id)
	if err != nil {
		return err
	}
	d := views.WebhookData{Hook: h}
	if b, err := strconv.ParseInt(c.QueryParam("before"), 10, 64); err == nil && b > 0 {
		d.Before = b
	}
	list, err := s.store.FindDeliveries(ctx, id, d.Before, DeliveriesPerPage+1)
	if err != nil {
		return err
	}
	if len(list) > DeliveriesPerPage {
		list = list[:DeliveriesPerPage]
		d.Older = list[len(list)-1].ID
	}
	d.Deliveries = list
	return s.render(c, http.StatusOK, views.WebhookPage(s.page(c, "Webhook", "admin"), d))
}

// handleWebhookActive switches a hook on or off.
func (s *Server) handleWebhookActive(c echo.Context) error {
	id, err := formPathID(c)
	if err != nil {
		return err
	}
	if err := s.store.SetWebhookActive(c.Request().Context(), id, c.FormValue("active") == "1"); err != nil {
		return err
	}
	return redirectWithFlash(c, "/admin/webhooks/"+strconv.FormatInt(id, 10), flashWebhookUpdated)
}

// handleRedeliver queues a copy of one delivery, sent at once.
func (s *Server) handleRedeliver(c echo.Context) error {
	id, err := formPathID(c)
	if err != nil {
		return err
	}
	did, err := strconv.ParseInt(c.Param("did"), 10, 64)
	if err != nil || did <= 0 {
		return echo.ErrNotFound
	}
	if err := s.store.Redeliver(c.Request().Context(), id, did); err != nil {
		return err
	}
	return redirectWithFlash(c, "/admin/webhooks/"+strconv.FormatInt(id, 10), flashDeliveryQueued)
}
