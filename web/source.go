package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// handleSourceList shows the sources, 50 a page, by name, by reliability or
// by number of claims (?sort=). Asked for by reliability (or as of a moment)
// while no source has a score, it lists them by name: there is no ranking.
func (s *Server) handleSourceList(c echo.Context) error {
	ctx := c.Request().Context()
	pageNum := pageParam(c)
	offset := (pageNum - 1) * SourcesPerPage
	if raw := c.QueryParam("as_of"); raw != "" {
		if until, ok := s.asOf(c, raw, "these are the sources as they are now"); ok {
			label := strings.TrimSpace(raw)
			d := views.SourceListData{Sort: claimtrack.SortByReliability, AsOf: label}
			top, total, err := s.store.FindSourcesAsOf(ctx, until, 0, 1)
			if err != nil {
				return err
			}
			switch {
			case len(top) > 0 && !top[0].Record.Score.Enough:
				d.Unranked = true
				d.Sources, total, err = s.store.FindSourcesByNameAsOf(ctx, until, offset, SourcesPerPage)
			default:
				d.Sources, total, err = s.store.FindSourcesAsOf(ctx, until, offset, SourcesPerPage)
			}
			if err != nil {
				return err
			}
			d.Pager = views.Pager{Page: pageNum, PerPage: SourcesPerPage, Total: total,
				URL: func(n int) string { return views.SourcesAsOfURL(label, n) }}
			p := s.page(c, "Sources as of "+label, "sources")
			p.User = nil // a past state is read only
			return s.render(c, http.StatusOK, views.SourceListPage(p, d))
		}
	}
	sort := c.QueryParam("sort")
	if sort != claimtrack.SortByReliability && sort != claimtrack.SortByForecasts && sort != claimtrack.SortByClaims {
		sort = claimtrack.SortByName
	}
	// Sorted by their forecasts, the rows show the forecasts' part of each
	// record, under the same rules.
	forecasts := func(list []*claimtrack.SourceSummary) {
		if sort == claimtrack.SortByForecasts {
			for _, s := range list {
				s.Record = s.Record.Forecasts.AsRecord()
			}
		}
	}
	d := views.SourceListData{Sort: sort}
	order := sort
	if sort == claimtrack.SortByReliability || sort == claimtrack.SortByForecasts {
		// The best source comes first: without a score, none has one.
		top, _, err := s.store.FindSources(ctx, claimtrack.SourceFilter{Sort: sort, Limit: 1})
		if err != nil {
			return err
		}
		forecasts(top)
		if len(top) > 0 && !top[0].Record.Score.Enough {
			d.Unranked, order = true, claimtrack.SortByName
		}
	}
	var err error
	var total int
	d.Sources, total, err = s.store.FindSources(ctx, claimtrack.SourceFilter{Sort: order, Offset: offset, Limit: SourcesPerPage})
	if err != nil {
		return err
	}
	forecasts(d.Sources)
	d.Pager = views.Pager{Page: pageNum, PerPage: SourcesPerPage, Total: total,
		URL: func(n int) string { return views.SourcesURL(sort, n) }}
	return s.render(c, http.StatusOK, views.SourceListPage(s.page(c, "Sources", "sources"), d))
}

// handleSourceView shows one source: its track record with the changes that
// made it and its chart, and the claims it is linked to.
func (s *Server) handleSourceView(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	before, _ := strconv.Atoi(c.QueryParam("before"))
	ctx := c.Request().Context()
	d := views.SourceData{Before: max(before, 0)}
	if d.Source, err = s.store.FindSourceByID(ctx, id); err != nil {
		return err
	}
	if raw := c.QueryParam("as_of"); raw != "" {
		if until, ok := s.asOf(c, raw, "this is the source as it is now"); ok {
			return s.renderSourceAsOf(c, d, strings.TrimSpace(raw), until)
		}
	}
	if d.Record, err = s.store.FindSourceRecord(ctx, id); err != nil {
		return err
	}
	if u := user(c); u != nil {
		if d.Following, err = s.store.IsFollowing(ctx, u.ID, claimtrack.FollowTarget{Kind: claimtrack.FollowSource, ID: id}); err != nil {
			return err
		}
	}
	if d.Changes, err = s.store.FindScoreChanges(ctx, id, d.Before, ScoreChangesPerPage); err != nil {
		return err
	}
	if d.Points, _, err = s.store.FindScorePoints(ctx, id, ChartPoints); err != nil {
		return err
	}
	if d.Claims, err = s.store.FindSourceClaims(ctx, id, SourceClaimsShown); err != nil {
		return err
	}
	p := s.page(c, d.Source.Name, "sources")
	p.Feeds = []views.Feed{{Title: "Changes naming " + d.Source.Name, URL: views.SourceURL(id) + ".atom"}}
	return s.render(c, http.StatusOK, views.SourcePage(p, d))
}

// renderSourceAsOf shows a source's track record as it stood at a moment:
// the score and its parts, the verdicts behind it and the chart up to then,
// read only.
func (s *Server) renderSourceAsOf(c echo.Context, d views.SourceData, label string, until time.Time) error {
	ctx := c.Request().Context()
	var err error
	if d.Record, err = s.store.FindSourceRecordAsOf(ctx, d.Source.ID, until); err != nil {
		return err
	}
	d.AsOf = label
	if d.Record.Changes > 0 {
		before := d.Record.Changes + 1
		if d.Before > 0 {
			before = min(before, d.Before)
		}
		if d.Changes, err = s.store.FindScoreChanges(ctx, d.Source.ID, before, ScoreChangesPerPage); err != nil {
			return err
		}
		if d.Points, _, err = s.store.FindScorePointsUpTo(ctx, d.Source.ID, d.Record.Changes, ChartPoints); err != nil {
			return err
		}
	}
	p := s.page(c, d.Source.Name+" as of "+label, "sources")
	p.User = nil // a past state is read only
	return s.render(c, http.StatusOK, views.SourcePage(p, d))
}

// handleSourceNew shows the empty new-source form.
func (s *Server) handleSourceNew(c echo.Context) error {
	return s.render(c, http.StatusOK, views.SourceFormPage(s.page(c, "New source", "sources"), nil, views.SourceForm{}))
}

// handleSourceCreate stores a new source, or shows the form again with messages.
func (s *Server) handleSourceCreate(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	f := newSourceForm(c)
	src, err := s.store.CreateSource(c.Request().Context(), sourceInput(f), s.actor(c))
	if claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		f.Errors = errorsOf(err)
		if err := s.sourceTaken(c, &f, 0); err != nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, views.SourceFormPage(s.page(c, "New source", "sources"), nil, f))
	} else if err != nil {
		return err
	}
	return redirectWithFlash(c, views.SourceURL(src.ID), flashSourceCreated)
}

// sourceTaken finds, for a rejected source form of source id (0 for a new
// one), the other source that has the name typed (as its name or an alias)
// when the name was refused, and the one that has an alias typed when the
// aliases were: the messages then link to them.
func (s *Server) sourceTaken(c echo.Context, f *views.SourceForm, id int64) error {
	other := func(name string) (*claimtrack.Source, error) {
		src, err := s.store.FindSourceByName(c.Request().Context(), name)
		switch {
		case claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND:
			return nil, nil
		case err != nil:
			return nil, err
		case src.ID == id:
			return nil, nil
		}
		return src, nil
	}
	var err error
	if f.Errors.Has("name") {
		if f.Taken, err = other(f.Name); err != nil {
			return err
		}
	}
	in := sourceInput(*f)
	in.Normalize()
	if f.Errors.Has("aliases") && claimtrack.FieldErrors(in.Validate())["aliases"] == "" {
		for _, a := range in.Aliases {
			if f.AliasTaken, err = other(a); err != nil || f.AliasTaken != nil {
				f.TakenAlias = a
				return err
			}
		}
	}
	return nil
}

// handleSourceEdit shows the edit form filled with the source as it is now.
func (s *Server) handleSourceEdit(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	src, err := s.store.FindSourceByID(c.Request().Context(), id)
	if err != nil {
		return err
	}
	f := views.SourceForm{Name: src.Name, Kind: string(src.Kind), Role: src.Role, URL: src.URL, Description: src.Description,
		Aliases: claimtrack.JoinAliases(src.Aliases)}
	return s.render(c, http.StatusOK, views.SourceFormPage(s.page(c, "Edit "+src.Name, "sources"), src, f))
}

// handleSourceUpdate saves a source's new details, or shows the form again.
func (s *Server) handleSourceUpdate(c echo.Context) error {
	id, err := formPathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	f := newSourceForm(c)
	_, err = s.store.UpdateSource(ctx, id, sourceInput(f), s.actor(c))
	if claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		src, ferr := s.store.FindSourceByID(ctx, id)
		if ferr != nil {
			return ferr
		}
		f.Errors = errorsOf(err)
		if err := s.sourceTaken(c, &f, id); err != nil {
			return err
		}
		return s.render(c, http.StatusUnprocessableEntity, views.SourceFormPage(s.page(c, "Edit "+src.Name, "sources"), src, f))
	} else if err != nil {
		return err
	}
	return redirectWithFlash(c, views.SourceURL(id), flashSourceUpdated)
}
