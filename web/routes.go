package web

import (
	"net/http"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/static"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes lists every route of the application in one place.
func (s *Server) routes() {
	e := s.echo
	e.Use(s.logRequests)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true, DisableErrorHandler: true}))
	e.Use(s.securityHeaders)
	e.Use(s.cachePolicy)
	// Bodies are read before a turn is taken: a slow one holds no turn.
	e.Use(s.limitBody)
	e.Use(s.takeTurns)
	e.Use(refuseCrossSite)
	// The account is known before the CSRF check reads the form: an import
	// upload is refused to anyone but an admin before its body is read.
	e.Use(s.loadUser)
	e.Use(s.guardImport)
	e.Use(s.checkCSRF)
	e.Use(s.privateMode)
	edit, admin, signedIn := s.requireEditor, s.requireAdmin, s.requireUser
	// What visitors see alike is shared (httpcache.go): these answer a view
	// the visitor holds already with 304 before reading anything more. The
	// claim's page and its API answers do so from the claim's freshness.
	hist := s.sharedByHistory

	// Every page answers HEAD as well as GET, for link checkers and monitors.
	get := func(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
		e.Match([]string{http.MethodGet, http.MethodHead}, path, h, m...)
	}

	get("/healthz", s.handleHealth)
	get("/static/*", echo.WrapHandler(static.Handler()))
	get("/favicon.ico", echo.WrapHandler(static.Handler()))

	get("/", hist(s.handleClaimList))
	get("/claims", hist(s.handleClaimList))
	get("/claims.csv", s.handleClaimExport("csv"))
	get("/claims.json", s.handleClaimExport("json"))
	get("/claims/new", s.handleClaimNew, edit)
	get("/claims/similar", s.handleSimilarClaims, edit)
	e.POST("/claims", s.handleClaimCreate, edit)
	// /claims/{id}.atom: the claim's feed (see pageOrFeed).
	get("/claims/:id", pageOrFeed(s.handleClaimView, s.claimFeed))
	get("/claims/:id/edit", s.handleClaimEdit, edit)
	e.POST("/claims/:id", s.handleClaimUpdate, edit)
	e.POST("/claims/:id/status", s.handleClaimStatusUpdate, edit)
	e.POST("/claims/:id/evidence", s.handleEvidenceCreate, edit)
	get("/claims/:id/evidence/:eid/edit", s.handleEvidenceEditForm, edit)
	e.POST("/claims/:id/evidence/:eid/edit", s.handleEvidenceUpdate, edit)
	get("/claims/:id/evidence/:eid/remove", s.handleEvidenceRemoveForm, edit)
	e.POST("/claims/:id/evidence/:eid/remove", s.handleEvidenceRemove, edit)

	get("/sources", hist(s.handleSourceList))
	get("/sources.csv", s.handleSourceExport("csv"))
	get("/sources.json", s.handleSourceExport("json"))
	get("/evidence.csv", s.handleEvidenceExport("csv"))
	get("/evidence.json", s.handleEvidenceExport("json"))
	get("/sources/new", s.handleSourceNew, edit)
	e.POST("/sources", s.handleSourceCreate, edit)
	// /sources/{id}.atom: the source's feed (see pageOrFeed).
	get("/sources/:id", hist(pageOrFeed(s.handleSourceView, s.sourceFeed)))
	get("/sources/:id/edit", s.handleSourceEdit, edit)
	e.POST("/sources/:id", s.handleSourceUpdate, edit)

	get("/login", s.handleLoginForm)
	e.POST("/login", s.handleLogin)
	e.POST("/logout", s.handleLogout)
	get("/setup", s.handleSetupForm)
	e.POST("/setup", s.handleSetup)
	get("/account", s.handleAccount, signedIn)
	e.POST("/account/password", s.handlePasswordChange, signedIn)
	e.POST("/account/tokens", s.handleTokenCreate, signedIn)
	e.POST("/account/tokens/:id/revoke", s.handleTokenRevoke, signedIn)
	get("/admin/users", s.handleUsers, admin)
	e.POST("/admin/users", s.handleUserCreate, admin)
	e.POST("/admin/users/:id/role", s.handleUserRole, admin)
	e.POST("/admin/users/:id/disabled", s.handleUserDisabled, admin)
	get("/desk", s.handleDesk, signedIn)
	get("/feeds/:token", s.handlePrivateFeed)
	e.POST("/account/feed", s.handleFeedToken, signedIn)
	e.POST("/account/feed/revoke", s.handleFeedRevoke, signedIn)
	e.POST("/claims/:id/follow", s.handleFollow(claimtrack.FollowClaim, false), signedIn)
	e.POST("/claims/:id/unfollow", s.handleFollow(claimtrack.FollowClaim, true), signedIn)
	e.POST("/sources/:id/follow", s.handleFollow(claimtrack.FollowSource, false), signedIn)
	e.POST("/sources/:id/unfollow", s.handleFollow(claimtrack.FollowSource, true), signedIn)
	e.POST("/claims/:id/assignee", s.handleAssign, edit)
	get("/admin/webhooks", s.handleWebhooks, admin)
	e.POST("/admin/webhooks", s.handleWebhookCreate, admin)
	get("/admin/webhooks/:id", s.handleWebhook, admin)
	e.POST("/admin/webhooks/:id/active", s.handleWebhookActive, admin)
	e.POST("/admin/webhooks/:id/deliveries/:did/redeliver", s.handleRedeliver, admin)
	get("/admin/import", s.handleImportForm, admin)
	e.POST("/admin/import", s.handleImport, admin)

	get("/changes", hist(s.handleChanges))
	get("/changes.atom", hist(s.handleChangesFeed))
	get("/verdicts.atom", hist(s.handleVerdictsFeed))
	get("/due.ics", hist(s.handleDueCalendar))

	get("/questions", hist(s.handleQuestionList))
	get("/questions/new", s.handleQuestionNew, edit)
	e.POST("/questions", s.handleQuestionCreate, edit)
	// /questions/{id}.atom: the question's feed (see pageOrFeed).
	get("/questions/:id", hist(pageOrFeed(s.handleQuestionView, s.questionFeed)))
	get("/questions/:id/edit", s.handleQuestionEdit, edit)
	e.POST("/questions/:id", s.handleQuestionUpdate, edit)
	e.POST("/questions/:id/outcomes", s.handleOutcomeAdd, edit)
	e.POST("/questions/:id/outcomes/:cid/remove", s.handleOutcomeRemove, edit)
	e.POST("/questions/:id/resolve", s.handleQuestionResolve, edit)

	get("/intake", s.handleIntakeForm, edit)
	e.POST("/intake", s.handleIntakeSuggest, edit)
	e.POST("/intake/save", s.handleIntakeSave, edit)

	get("/reports", hist(s.handleReportList))
	get("/reports/:id", hist(s.handleReportView))
	get("/search", hist(s.handleSearch))
	get("/docs/:name", hist(s.handleDoc))

	// The JSON API (api.go). Each route carries the API's middleware itself
	// (an Echo group would answer every unknown method with 404, not 405).
	read := func(path string, h echo.HandlerFunc) {
		e.Match([]string{http.MethodGet, http.MethodHead}, apiPrefix+path, h, s.apiAuth)
	}
	write := func(path string, h echo.HandlerFunc) { e.POST(apiPrefix+path, h, s.apiAuth, s.apiWriter) }
	patch := func(path string, h echo.HandlerFunc) { e.PATCH(apiPrefix+path, h, s.apiAuth, s.apiWriter) }
	read("/openapi.json", hist(s.apiOpenAPI))
	read("/claims", hist(s.apiClaims))
	write("/claims", s.apiClaimCreate)
	read("/claims/:id", s.apiClaim)
	read("/claims/:id/evidence", s.apiClaimEvidence)
	write("/claims/:id/evidence", s.apiEvidenceCreate)
	patch("/claims/:id/evidence/:eid", s.apiEvidenceEdit)
	write("/claims/:id/status", s.apiStatusChange)
	write("/claims/:id/assignee", s.apiAssign)
	read("/claims/:id/events", s.sharedByClaim(s.apiClaimEvents))
	read("/sources", hist(s.apiSources))
	read("/sources/:id", hist(s.apiSource))
	read("/events", hist(s.apiEvents))
	read("/search", hist(s.apiSearch))
	write("/intake/suggest", s.apiIntakeSuggest)
	read("/questions", hist(s.apiQuestions))
	write("/questions", s.apiQuestionCreate)
	read("/questions/:id", s.apiQuestion)
	patch("/questions/:id", s.apiQuestionEdit)
	write("/questions/:id/outcomes", s.apiOutcomeAdd)
	e.DELETE(apiPrefix+"/questions/:id/outcomes/:cid", s.apiOutcomeRemove, s.apiAuth, s.apiWriter)
	// A person's own: any account's token, viewers included.
	mine := []echo.MiddlewareFunc{s.apiAuth, s.apiSignedIn}
	e.Match([]string{http.MethodGet, http.MethodHead}, apiPrefix+"/desk", s.apiDesk, mine...)
	e.POST(apiPrefix+"/claims/:id/follow", s.apiFollow(claimtrack.FollowClaim, false), mine...)
	e.DELETE(apiPrefix+"/claims/:id/follow", s.apiFollow(claimtrack.FollowClaim, true), mine...)
	e.POST(apiPrefix+"/sources/:id/follow", s.apiFollow(claimtrack.FollowSource, false), mine...)
	e.DELETE(apiPrefix+"/sources/:id/follow", s.apiFollow(claimtrack.FollowSource, true), mine...)
}

// pageOrFeed serves the Atom feed of a claim or source at {id}.atom and its
// page otherwise. The feed cannot be a route of its own: Echo's router ends a
// path parameter only at "/", so "/claims/:id.atom" would be a parameter
// named "id.atom" on the same route as "/claims/:id", not a static suffix.
func pageOrFeed(page echo.HandlerFunc, feed func(echo.Context, int64) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		if id, ok := feedID(c); ok {
			return feed(c, id)
		}
		return page(c)
	}
}
