package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/gorilla/feeds"
	"github.com/labstack/echo/v4"
)

// HistoryStore is what the recent-changes page and the feeds need.
type HistoryStore interface {
	FindEvents(ctx context.Context, f claimtrack.EventFilter) ([]*claimtrack.Event, bool, error)
	CountMatchingEvents(ctx context.Context, f claimtrack.EventFilter, limit int) (int, bool, error)
}

// ChangesPerPage is how many events the recent-changes page and a feed show.
const ChangesPerPage = 50

// handleChanges lists every change across the tracker, newest first, with
// filters, 50 a page.
func (s *Server) handleChanges(c echo.Context) error {
	f, form := changesFilter(c)
	ctx := c.Request().Context()
	events, more, err := s.store.FindEvents(ctx, f)
	if err != nil {
		return err
	}
	// The first page holds every match when no older one remains: its
	// length is the count. Otherwise the matches are counted up to the cap.
	count, capped := len(events), false
	if f.Before != 0 || more {
		if count, capped, err = s.store.CountMatchingEvents(ctx, f, ChangesCountCap); err != nil {
			return err
		}
	}
	p := s.page(c, "Recent changes", "changes")
	p.Feeds = []views.Feed{{Title: "Recent changes", URL: "/changes.atom"}, {Title: "Verdicts", URL: "/verdicts.atom"}}
	return s.render(c, http.StatusOK, views.ChangesPage(p, views.ChangesData{Events: events, More: more, Form: form,
		Before: f.Before, Count: count, Capped: capped}))
}

// ChangesCountCap is how far the recent-changes page counts the changes that
// match its filters: past it, the page says "more than 10,000". Counting
// stops there, so a count reads at most that many matching changes, or, for
// a filter few changes pass, the history once.
const ChangesCountCap = 10_000

// writeFeed answers with an Atom feed of events. Each entry's id is the
// event's permanent address, so it never changes between requests.
//
// Everything in a feed is plain text as people wrote it (claims, notes,
// source names), and it must reach feed readers as text, never as markup.
// Titles and names are Atom text constructs (no type: plain text), so the
// XML encoding is all they need. Each summary is sent as type="html", the
// form readers render most widely, with the text escaped as HTML first
// (feedText): a reader that renders it sees the literal text, and one that
// wrongly takes it as text sees harmless entities, never a live tag.
func (s *Server) writeFeed(c echo.Context, title, path string, events []*claimtrack.Event) error {
	base := s.baseURL(c)
	feed := &feeds.Feed{
		Title: title + " · Claimtrack",
		Link:  &feeds.Link{Href: base + path},
		Id:    base + path,
		// An empty feed still needs a date; the tracker's start is as good as any.
		Updated: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	if len(events) > 0 {
		feed.Updated = events[0].At
	}
	for _, ev := range events {
		link := base + "/changes"
		switch {
		case ev.ClaimID != 0:
			link = base + views.ClaimURL(ev.ClaimID)
		case ev.SourceID != 0:
			link = base + views.SourceURL(ev.SourceID)
		}
		feed.Items = append(feed.Items, &feeds.Item{
			Id:          base + "/changes#event-" + strconv.FormatInt(ev.ID, 10),
			Title:       views.ChangeSummary(ev),
			Link:        &feeds.Link{Href: link},
			Author:      &feeds.Author{Name: ev.Actor},
			Description: feedText(views.ChangeDetail(ev)),
			Created:     ev.At,
			Updated:     ev.At,
		})
	}
	atom, err := feed.ToAtom()
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/atom+xml; charset=utf-8", []byte(atom))
}

// feedHTML escapes text for an Atom type="html" construct: after the XML
// layer is decoded, what is left is HTML whose only content is the text.
var feedHTML = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// feedText is text as the HTML of a feed's summary (see writeFeed).
func feedText(text string) string { return feedHTML.Replace(text) }

// handleChangesFeed is every change, newest first (/changes.atom); it takes
// the same filters as the page.
func (s *Server) handleChangesFeed(c echo.Context) error {
	f, _ := changesFilter(c)
	events, _, err := s.store.FindEvents(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return s.writeFeed(c, "Recent changes", "/changes", events)
}

// handleVerdictsFeed is the status changes only (/verdicts.atom).
func (s *Server) handleVerdictsFeed(c echo.Context) error {
	events, _, err := s.store.FindEvents(c.Request().Context(),
		claimtrack.EventFilter{Types: []claimtrack.EventType{claimtrack.EventStatusChanged}, Limit: ChangesPerPage})
	if err != nil {
		return err
	}
	return s.writeFeed(c, "Verdicts", "/changes?type=status_changed", events)
}

// claimFeed is one claim's history (/claims/{id}.atom).
func (s *Server) claimFeed(c echo.Context, id int64) error {
	if done, err := s.freshClaim(c, id); done {
		return err
	}
	claim, err := s.store.FindClaimByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	events, _, _, err := s.store.FindClaimTimeline(c.Request().Context(), id, 0, ChangesPerPage)
	if err != nil {
		return err
	}
	for _, ev := range events {
		ev.ClaimText = claim.Text
	}
	return s.writeFeed(c, "Claim #"+strconv.FormatInt(id, 10), views.ClaimURL(id), events)
}

// sourceFeed is the changes naming one source (/sources/{id}.atom).
func (s *Server) sourceFeed(c echo.Context, id int64) error {
	src, err := s.store.FindSourceByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	events, _, err := s.store.FindEvents(c.Request().Context(), claimtrack.EventFilter{SourceID: id, Limit: ChangesPerPage})
	if err != nil {
		return err
	}
	return s.writeFeed(c, src.Name, views.SourceURL(id), events)
}
