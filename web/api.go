package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// The JSON API under /api/v1: the same data and rules as the pages. Reads
// are open as the pages are (a private tracker wants a token or a session);
// writes need a personal API token of an editor or admin, sent as
// "Authorization: Bearer …". Errors are {"error": {"code", "message",
// "fields"}}. A claim's ETag is its version; a write sent with If-Match on an
// older version changes nothing and gets 412.

const (
	apiPrefix      = "/api/v1"
	apiPerPage     = 25
	apiMaxPerPage  = 100
	apiTokenPrefix = "ctk_"
	apiUserKey     = "api-user" // set when the request carried a valid token
)

// apiError is the body of every API error.
type apiError struct {
	Error apiErrorBody `json:"error"`
}

type apiErrorBody struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// writeAPIError answers an API request that failed; handleError sends every
// error of an /api/ path here.
func (s *Server) writeAPIError(c echo.Context, err error) {
	status, code, msg := http.StatusInternalServerError, "internal", "The tracker could not complete this request. Nothing was saved."
	var fields map[string]string
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
		code = strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))
		if m, ok := he.Message.(string); ok && status < 500 {
			msg = m
		} else if status < 500 {
			msg = http.StatusText(status) + "."
		}
		// As on the pages: the framework's own errors get words of ours, a
		// handler's message is kept.
		switch own := handlerMessage(he) != ""; {
		case own:
		case status == http.StatusNotFound:
			msg = "There is nothing at this address."
		case status == http.StatusRequestEntityTooLarge:
			msg = "The request body is larger than 64 KiB."
		case status == http.StatusMethodNotAllowed:
			msg = "This address does not accept that method."
		}
	case claimtrack.ErrorCode(err) != claimtrack.EINTERNAL:
		status = statusOf(claimtrack.ErrorCode(err))
		code, msg, fields = claimtrack.ErrorCode(err), claimtrack.ErrorMessage(err), claimtrack.FieldErrors(err)
		if status == http.StatusForbidden {
			code = "forbidden"
		}
	}
	if status >= 500 {
		s.logger.Error("internal error", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	if status == http.StatusUnauthorized {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="claimtrack"`)
	}
	if claimtrack.ErrorCode(err) == claimtrack.EUNAVAILABLE {
		c.Response().Header().Set("Retry-After", "60")
	}
	if c.Request().Method == http.MethodHead {
		_ = c.NoContent(status)
		return
	}
	_ = c.JSON(status, apiError{apiErrorBody{Code: code, Message: msg, Fields: fields}})
}

// apiFail is an API error with a status and code of its own.
func apiFail(status int, msg string) error { return echo.NewHTTPError(status, msg) }

// apiAuth reads the bearer token, if any: a valid one names the account; an
// unknown or revoked one is refused. A private tracker wants a token or a
// session for reading too.
func (s *Server) apiAuth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		c.Response().Header().Set("Cache-Control", "no-store")
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		if h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok || strings.TrimSpace(token) == "" {
				return apiFail(http.StatusUnauthorized, "Send the token as “Authorization: Bearer <token>”.")
			}
			u, err := s.store.FindUserByAPIToken(c.Request().Context(), strings.TrimSpace(token))
			if claimtrack.ErrorCode(err) == claimtrack.ENOTFOUND {
				return apiFail(http.StatusUnauthorized, "This token is unknown or was revoked, or its account is disabled.")
			} else if err != nil {
				return err
			}
			c.Set(userKey, u)
			c.Set(apiUserKey, u)
		}
		if s.Config().Private && user(c) == nil {
			return apiFail(http.StatusUnauthorized, "This tracker is private: send an API token.")
		}
		return next(c)
	}
}

// apiWriter lets through writes made with the token of an account that may
// edit. A session cookie is not enough: a token cannot be sent by another
// site behind a reader's back.
func (s *Server) apiWriter(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		u, _ := c.Get(apiUserKey).(*claimtrack.User)
		switch {
		case u == nil:
			return apiFail(http.StatusUnauthorized, "Changes need a personal API token (make one on your account page).")
		case !u.CanEdit():
			return apiFail(http.StatusForbidden, "This token's account may read but not change the record.")
		}
		return next(c)
	}
}

// The shapes the API answers with.

type apiRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type apiClaimBody struct {
	ID          int64    `json:"id"`
	URL         string   `json:"url"`
	Text        string   `json:"text"`
	Context     string   `json:"context"`
	Kind        string   `json:"kind"`
	DueDate     string   `json:"due_date"`
	Tags        []string `json:"tags"`
	Status      string   `json:"status"`
	VerdictNote string   `json:"verdict_note"`
	ReportID    int64    `json:"report_id"`
	Version     int64    `json:"version"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
	MainSource  *apiRef  `json:"main_source"`
}

type apiReliability struct {
	Agree    float64 `json:"agree"`
	Disagree float64 `json:"disagree"`
	Open     int     `json:"open"`
	Claims   int     `json:"claims"`
	Score    float64 `json:"score"`
	Low      float64 `json:"low"`
	High     float64 `json:"high"`
	Enough   bool    `json:"enough"`
}

type apiSourceBody struct {
	ID          int64           `json:"id"`
	URL         string          `json:"url"`
	Name        string          `json:"name"`
	Kind        string          `json:"kind"`
	Role        string          `json:"role"`
	Website     string          `json:"website"`
	Description string          `json:"description"`
	CreatedAt   string          `json:"created_at"`
	UpdatedAt   string          `json:"updated_at"`
	Reliability *apiReliability `json:"reliability,omitempty"`
}

type apiEvidenceBody struct {
	ID          int64   `json:"id"`
	ClaimID     int64   `json:"claim_id"`
	Source      apiRef  `json:"source"`
	Via         *apiRef `json:"via"`
	Stance      string  `json:"stance"`
	Quote       string  `json:"quote"`
	URL         string  `json:"url"`
	PublishedAt string  `json:"published_at"`
	Note        string  `json:"note"`
	CreatedAt   string  `json:"created_at"`
}

type apiEventBody struct {
	ID           int64             `json:"id"`
	Type         string            `json:"type"`
	Summary      string            `json:"summary"`
	Actor        string            `json:"actor"`
	At           string            `json:"at"`
	ClaimID      int64             `json:"claim_id"`
	ClaimVersion int64             `json:"claim_version"`
	SourceID     int64             `json:"source_id"`
	EvidenceID   int64             `json:"evidence_id"`
	ReportID     int64             `json:"report_id"`
	Before       map[string]string `json:"before"`
	After        map[string]string `json:"after"`
	Note         string            `json:"note"`
}

// apiList is a page of a list with where to go next.
type apiList struct {
	Data  any               `json:"data"`
	Meta  map[string]any    `json:"meta"`
	Links map[string]string `json:"links"`
}

func apiTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

func (s *Server) apiClaimOf(c echo.Context, cl *claimtrack.Claim) apiClaimBody {
	tags := cl.Tags
	if tags == nil {
		tags = []string{}
	}
	b := apiClaimBody{ID: cl.ID, URL: s.baseURL(c) + views.ClaimURL(cl.ID), Text: cl.Text, Context: cl.Context, Kind: string(cl.Kind),
		DueDate: cl.DueDate, Tags: tags, Status: string(cl.Status), VerdictNote: cl.VerdictNote, ReportID: cl.ReportID,
		Version: cl.Version, CreatedAt: apiTime(cl.CreatedAt), UpdatedAt: apiTime(cl.UpdatedAt)}
	if cl.MainSource != nil {
		b.MainSource = &apiRef{cl.MainSource.ID, cl.MainSource.Name}
	}
	return b
}

func (s *Server) apiSourceOf(c echo.Context, src *claimtrack.Source, rec *claimtrack.SourceRecord) apiSourceBody {
	b := apiSourceBody{ID: src.ID, URL: s.baseURL(c) + views.SourceURL(src.ID), Name: src.Name, Kind: string(src.Kind), Role: src.Role,
		Website: src.URL, Description: src.Description, CreatedAt: apiTime(src.CreatedAt), UpdatedAt: apiTime(src.UpdatedAt)}
	if rec != nil {
		b.Reliability = &apiReliability{Agree: float64(rec.Credit.AgreeHalves) / 2, Disagree: float64(rec.Credit.DisagreeHalves) / 2,
			Open: rec.Credit.Open, Claims: rec.Claims, Score: round3(rec.Score.Mean), Low: round3(rec.Score.Low),
			High: round3(rec.Score.High), Enough: rec.Score.Enough}
	}
	return b
}

func round3(f float64) float64 { return math.Round(f*1000) / 1000 }

func apiEvidenceOf(e *claimtrack.Evidence) apiEvidenceBody {
	b := apiEvidenceBody{ID: e.ID, ClaimID: e.ClaimID, Source: apiRef{ID: e.SourceID}, Stance: string(e.Stance), Quote: e.Quote,
		URL: e.URL, PublishedAt: e.PublishedAt, Note: e.Note, CreatedAt: apiTime(e.CreatedAt)}
	if e.Source != nil {
		b.Source.Name = e.Source.Name
	}
	if e.ViaSourceID != 0 {
		b.Via = &apiRef{ID: e.ViaSourceID}
		if e.Via != nil {
			b.Via.Name = e.Via.Name
		}
	}
	return b
}

func apiEventOf(e *claimtrack.Event) apiEventBody {
	nonNil := func(m map[string]string) map[string]string {
		if m == nil {
			return map[string]string{}
		}
		return m
	}
	return apiEventBody{ID: e.ID, Type: string(e.Type), Summary: views.ChangeSummary(e), Actor: e.Actor, At: apiTime(e.At),
		ClaimID: e.ClaimID, ClaimVersion: e.ClaimVersion, SourceID: e.SourceID, EvidenceID: e.EvidenceID, ReportID: e.ReportID,
		Before: nonNil(e.Before), After: nonNil(e.After), Note: e.Note}
}

// apiPage reads page and per_page.
func apiPage(c echo.Context) (page, perPage int, err error) {
	page, perPage = 1, apiPerPage
	if v := c.QueryParam("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 || page > 1_000_000 {
			return 0, 0, apiInvalid("page", "A page is a whole number from 1.")
		}
	}
	if v := c.QueryParam("per_page"); v != "" {
		if perPage, err = strconv.Atoi(v); err != nil || perPage < 1 || perPage > apiMaxPerPage {
			return 0, 0, apiInvalid("per_page", "Ask for 1 to "+strconv.Itoa(apiMaxPerPage)+" items a page.")
		}
	}
	return page, perPage, nil
}

// apiInvalid is a 422 about one query parameter or field.
func apiInvalid(field, msg string) error {
	return &claimtrack.Error{Code: claimtrack.EINVALID, Message: "Please correct the highlighted fields.", Fields: map[string]string{field: msg}}
}

// apiTooBroad answers a search that ran out of its time budget: 200, no
// hits, and meta.too_broad with the message.
func (s *Server) apiTooBroad(c echo.Context, page, perPage int) error {
	return c.JSON(http.StatusOK, map[string]any{"data": []any{},
		"meta":  map[string]any{"page": page, "per_page": perPage, "total": 0, "too_broad": true, "message": views.TooBroadMessage},
		"links": map[string]string{"self": s.apiURL(c, map[string]string{"page": strconv.Itoa(page), "per_page": strconv.Itoa(perPage)})}})
}

// pagedList answers a page of a numbered list, with links to its
// neighbours (and a Link header with the same).
func (s *Server) pagedList(c echo.Context, data any, page, perPage, total int) error {
	last := max(1, (total+perPage-1)/perPage)
	link := func(n int) string {
		return s.apiURL(c, map[string]string{"page": strconv.Itoa(n), "per_page": strconv.Itoa(perPage)})
	}
	links := map[string]string{"self": link(page), "first": link(1), "last": link(last)}
	if page > 1 {
		links["prev"] = link(min(page-1, last))
	}
	if page < last {
		links["next"] = link(page + 1)
	}
	s.linkHeader(c, links)
	return c.JSON(http.StatusOK, apiList{Data: data, Meta: map[string]any{"page": page, "per_page": perPage, "total": total}, Links: links})
}

// apiURL is this request's address with some query parameters set.
func (s *Server) apiURL(c echo.Context, set map[string]string) string {
	v := url.Values{}
	for k, vals := range c.QueryParams() {
		v[k] = vals
	}
	for k, val := range set {
		v.Set(k, val)
	}
	return s.baseURL(c) + c.Request().URL.Path + "?" + v.Encode()
}

// linkHeader writes the links as an RFC 8288 Link header.
func (s *Server) linkHeader(c echo.Context, links map[string]string) {
	var parts []string
	for _, rel := range []string{"first", "prev", "next", "last"} {
		if u, ok := links[rel]; ok {
			parts = append(parts, "<"+u+`>; rel="`+rel+`"`)
		}
	}
	if len(parts) > 0 {
		c.Response().Header().Set("Link", strings.Join(parts, ", "))
	}
}

// etag is a claim version as an entity tag.
func etag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// ifMatch reads the If-Match header: the claim version the client last saw,
// 0 when absent or "*". A value that is no version is a 412: it can match
// nothing.
func ifMatch(c echo.Context) (int64, error) {
	h := strings.TrimSpace(c.Request().Header.Get("If-Match"))
	if h == "" || h == "*" {
		return 0, nil
	}
	v, err := strconv.ParseInt(strings.Trim(strings.TrimPrefix(h, "W/"), `"`), 10, 64)
	if err != nil || v < 1 {
		return 0, apiFail(http.StatusPreconditionFailed, "If-Match must be the claim's ETag, such as \"3\".")
	}
	return v, nil
}

// stale turns a version conflict into the API's 412.
func stale(err error) error {
	if claimtrack.ErrorCode(err) == claimtrack.ECONFLICT {
		return apiFail(http.StatusPreconditionFailed, claimtrack.ErrorMessage(err)+" Get the claim again, then retry.")
	}
	return err
}

// decodeJSON reads a request body into v: JSON, no unknown fields.
func decodeJSON(c echo.Context, v any) error {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if !strings.HasPrefix(ct, echo.MIMEApplicationJSON) {
		return apiFail(http.StatusUnsupportedMediaType, "Send the body as JSON (Content-Type: application/json).")
	}
	body, err := io.ReadAll(c.Request().Body)
	if err != nil {
		return apiFail(http.StatusBadRequest, "The body could not be read.")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return apiFail(http.StatusBadRequest, "The body is not the JSON expected: "+err.Error()+".")
	}
	if dec.More() {
		return apiFail(http.StatusBadRequest, "The body holds more than one JSON value.")
	}
	return nil
}

// apiClaimID reads the :id of a claim that exists.
func (s *Server) apiClaimID(c echo.Context) (*claimtrack.Claim, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	return s.store.FindClaimByID(c.Request().Context(), id)
}

// GET /claims: the claims list with its filters.
func (s *Server) apiClaims(c echo.Context) error {
	page, perPage, err := apiPage(c)
	if err != nil {
		return err
	}
	if st := c.QueryParam("status"); st != "" && !claimtrack.Status(st).Valid() {
		return apiInvalid("status", fmt.Sprintf("%q is not a status.", st))
	}
	if src := c.QueryParam("source"); src != "" {
		if id, err := strconv.ParseInt(src, 10, 64); err != nil || id < 1 {
			return apiInvalid("source", "A source is its number.")
		}
	}
	f, _, err := s.claimFilter(c)
	if err != nil {
		return err
	}
	f.Offset, f.Limit = (page-1)*perPage, perPage
	res, tooBroad, err := s.findClaims(c, f)
	if err != nil {
		return err
	}
	if tooBroad {
		return s.apiTooBroad(c, page, perPage)
	}
	out := make([]apiClaimBody, 0, len(res.Claims))
	for _, cl := range res.Claims {
		out = append(out, s.apiClaimOf(c, cl))
	}
	return s.pagedList(c, out, page, perPage, res.Total)
}

// GET /claims/:id, with its version as ETag.
func (s *Server) apiClaim(c echo.Context) error {
	cl, err := s.apiClaimID(c)
	if err != nil {
		return err
	}
	tag := etag(cl.Version)
	c.Response().Header().Set("ETag", tag)
	if inm := c.Request().Header.Get("If-None-Match"); inm != "" && strings.Trim(strings.TrimPrefix(inm, "W/"), " ") == tag {
		return c.NoContent(http.StatusNotModified)
	}
	ev, err := s.store.FindClaimEvidence(c.Request().Context(), cl.ID)
	if err != nil {
		return err
	}
	if main := claimtrack.MainLink(ev); main != nil { // the main source, as the lists show it
		cl.MainSource = main.Source
	}
	return c.JSON(http.StatusOK, s.apiClaimOf(c, cl))
}

// apiClaimInput is the body that creates a claim.
type apiClaimInput struct {
	Text    string   `json:"text"`
	Context string   `json:"context"`
	Kind    string   `json:"kind"`
	DueDate string   `json:"due_date"`
	Tags    []string `json:"tags"`
}

// POST /claims.
func (s *Server) apiClaimCreate(c echo.Context) error {
	var in apiClaimInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	ci := claimtrack.ClaimInput{Text: in.Text, Context: in.Context, Kind: claimtrack.ClaimKind(in.Kind), DueDate: in.DueDate,
		Tags: claimtrack.NormalizeTags(in.Tags)}
	if ci.Kind == "" {
		ci.Kind = claimtrack.KindStatement
	}
	cl, err := s.store.CreateClaim(c.Request().Context(), ci, user(c).Username)
	if err != nil {
		return err
	}
	c.Response().Header().Set("ETag", etag(cl.Version))
	c.Response().Header().Set(echo.HeaderLocation, s.baseURL(c)+apiPrefix+"/claims/"+strconv.FormatInt(cl.ID, 10))
	return c.JSON(http.StatusCreated, s.apiClaimOf(c, cl))
}

// GET /claims/:id/evidence.
func (s *Server) apiClaimEvidence(c echo.Context) error {
	cl, err := s.apiClaimID(c)
	if err != nil {
		return err
	}
	ev, err := s.store.FindClaimEvidence(c.Request().Context(), cl.ID)
	if err != nil {
		return err
	}
	out := make([]apiEvidenceBody, 0, len(ev))
	for _, e := range ev {
		out = append(out, apiEvidenceOf(e))
	}
	c.Response().Header().Set("ETag", etag(cl.Version))
	return c.JSON(http.StatusOK, map[string]any{"data": out})
}

// apiEvidenceInput is the body that links a source to a claim.
type apiEvidenceInput struct {
	SourceID    int64  `json:"source_id"`
	SourceName  string `json:"source_name"`
	SourceKind  string `json:"source_kind"`
	Stance      string `json:"stance"`
	Quote       string `json:"quote"`
	URL         string `json:"url"`
	PublishedAt string `json:"published_at"`
	ViaSourceID int64  `json:"via_source_id"`
	Note        string `json:"note"`
}

// POST /claims/:id/evidence (If-Match optional).
func (s *Server) apiEvidenceCreate(c echo.Context) error {
	cl, err := s.apiClaimID(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var in apiEvidenceInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	e, err := s.store.AddEvidence(c.Request().Context(), cl.ID, claimtrack.EvidenceInput{SourceID: in.SourceID, SourceName: in.SourceName,
		SourceKind: claimtrack.SourceKind(in.SourceKind), Stance: claimtrack.Stance(in.Stance), Quote: in.Quote, URL: in.URL,
		PublishedAt: in.PublishedAt, ViaSourceID: in.ViaSourceID, Note: in.Note, Version: version}, user(c).Username)
	if err != nil {
		return stale(err)
	}
	if now, err := s.store.FindClaimByID(c.Request().Context(), cl.ID); err == nil {
		c.Response().Header().Set("ETag", etag(now.Version))
	}
	return c.JSON(http.StatusCreated, apiEvidenceOf(e))
}

// apiStatusInput is the body that changes a claim's status.
type apiStatusInput struct {
	Status  string `json:"status"`
	Note    string `json:"note"`
	Version int64  `json:"version"`
}

// POST /claims/:id/status: the version seen comes as If-Match (or in the
// body); without either the change is refused (428), so that no verdict
// overwrites one its sender never saw.
func (s *Server) apiStatusChange(c echo.Context) error {
	cl, err := s.apiClaimID(c)
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	var in apiStatusInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	if version == 0 {
		version = in.Version
	}
	if version == 0 {
		return apiFail(http.StatusPreconditionRequired, "Send the claim's ETag as If-Match (or its version in the body), so a verdict never overwrites one you did not see.")
	}
	updated, err := s.store.SetClaimStatus(c.Request().Context(), cl.ID,
		claimtrack.StatusChange{Status: claimtrack.Status(in.Status), Note: in.Note, Version: version}, user(c).Username)
	if err != nil {
		return stale(err)
	}
	c.Response().Header().Set("ETag", etag(updated.Version))
	return c.JSON(http.StatusOK, s.apiClaimOf(c, updated))
}

// GET /claims/:id/events: the claim's history, newest first, by cursor.
func (s *Server) apiClaimEvents(c echo.Context) error {
	cl, err := s.apiClaimID(c)
	if err != nil {
		return err
	}
	limit, before, err := apiCursor(c)
	if err != nil {
		return err
	}
	events, more, _, err := s.store.FindClaimTimeline(c.Request().Context(), cl.ID, before, limit)
	if err != nil {
		return err
	}
	return s.cursorList(c, events, more, limit)
}

// apiCursor reads limit and before (an event id) for lists of events.
func apiCursor(c echo.Context) (limit int, before int64, err error) {
	limit = 50
	if v := c.QueryParam("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > apiMaxPerPage {
			return 0, 0, apiInvalid("limit", "Ask for 1 to "+strconv.Itoa(apiMaxPerPage)+" events.")
		}
	}
	if v := c.QueryParam("before"); v != "" {
		if before, err = strconv.ParseInt(v, 10, 64); err != nil || before < 1 {
			return 0, 0, apiInvalid("before", "before is an event id.")
		}
	}
	return limit, before, nil
}

// cursorList answers a page of events with a link to the older ones.
func (s *Server) cursorList(c echo.Context, events []*claimtrack.Event, more bool, limit int) error {
	out := make([]apiEventBody, 0, len(events))
	for _, e := range events {
		out = append(out, apiEventOf(e))
	}
	self := s.baseURL(c) + c.Request().URL.RequestURI()
	links := map[string]string{"self": self}
	if more && len(events) > 0 {
		links["next"] = s.apiURL(c, map[string]string{"before": strconv.FormatInt(events[len(events)-1].ID, 10), "limit": strconv.Itoa(limit)})
	}
	s.linkHeader(c, links)
	return c.JSON(http.StatusOK, apiList{Data: out, Meta: map[string]any{"limit": limit, "more": more}, Links: links})
}

// GET /sources: sorted by name, reliability or claims, with their records.
func (s *Server) apiSources(c echo.Context) error {
	page, perPage, err := apiPage(c)
	if err != nil {
		return err
	}
	sort := c.QueryParam("sort")
	switch sort {
	case "":
		sort = claimtrack.SortByName
	case claimtrack.SortByName, claimtrack.SortByReliability, claimtrack.SortByClaims:
	default:
		return apiInvalid("sort", "Sort by name, reliability or claims.")
	}
	list, total, err := s.store.FindSources(c.Request().Context(), claimtrack.SourceFilter{Sort: sort, Offset: (page - 1) * perPage, Limit: perPage})
	if err != nil {
		return err
	}
	out := make([]apiSourceBody, 0, len(list))
	for _, sum := range list {
		out = append(out, s.apiSourceOf(c, &sum.Source, &sum.Record))
	}
	return s.pagedList(c, out, page, perPage, total)
}

// GET /sources/:id, with its record.
func (s *Server) apiSource(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	src, err := s.store.FindSourceByID(ctx, id)
	if err != nil {
		return err
	}
	rec, err := s.store.FindSourceRecord(ctx, id)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, s.apiSourceOf(c, src, &rec))
}

// GET /events: every change, newest first, with the recent-changes filters.
func (s *Server) apiEvents(c echo.Context) error {
	limit, before, err := apiCursor(c)
	if err != nil {
		return err
	}
	f, form := changesFilter(c)
	for field, msg := range form.Errors {
		return apiInvalid(field, msg)
	}
	f.Limit, f.Before = limit, before
	events, more, err := s.store.FindEvents(c.Request().Context(), f)
	if err != nil {
		return err
	}
	return s.cursorList(c, events, more, limit)
}

// apiHit is one claim found by a search.
type apiHit struct {
	apiClaimBody
	Snippet string `json:"snippet"`
}

// GET /search: claims ranked by relevance, with the sources whose names match.
func (s *Server) apiSearch(c echo.Context) error {
	page, perPage, err := apiPage(c)
	if err != nil {
		return err
	}
	q := claimtrack.ParseQueryWith(c.QueryParam("q"), s.queryLimits())
	if q.Empty() {
		return apiInvalid("q", "Say what to search for.")
	}
	res, tooBroad, err := runSearch(s, c, func(ctx context.Context) (*claimtrack.SearchResults, error) {
		return s.store.Search(ctx, q, (page-1)*perPage, perPage, SourcesPerSearch)
	})
	if err != nil {
		return err
	}
	if tooBroad {
		return s.apiTooBroad(c, page, perPage)
	}
	hits := make([]apiHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		hits = append(hits, apiHit{apiClaimBody: s.apiClaimOf(c, h.Claim), Snippet: h.Snippet.Plain()})
	}
	sources := make([]apiSourceBody, 0, len(res.Sources))
	for _, src := range res.Sources {
		sources = append(sources, s.apiSourceOf(c, src, nil))
	}
	last := max(1, (res.Total+perPage-1)/perPage)
	links := map[string]string{}
	mk := func(n int) string {
		return s.apiURL(c, map[string]string{"page": strconv.Itoa(n), "per_page": strconv.Itoa(perPage)})
	}
	links["self"] = mk(page)
	if page > 1 {
		links["prev"] = mk(min(page-1, last))
	}
	if page < last {
		links["next"] = mk(page + 1)
	}
	s.linkHeader(c, links)
	return c.JSON(http.StatusOK, map[string]any{"data": hits, "sources": sources,
		"meta": map[string]any{"page": page, "per_page": perPage, "total": res.Total, "at_least": res.AtLeast, "ranked": res.Ranked,
			"notes": append([]string{}, q.Notes...)},
		"links": links})
}
