package web

import (
	"net/http"

	"github.com/claimtrack/claimtrack/static"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// routes lists every route of the application in one place.
func (s *Server) routes() {
	e := s.echo
	e.Use(s.logRequests)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisablePrintStack: true, DisableErrorHandler: true}))
	e.Use(securityHeaders)
	e.Use(limitBody)
	e.Use(middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "form:_csrf",
		CookieName:     "_csrf",
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieMaxAge:   30 * 24 * 60 * 60, // a form left open for days still submits
		CookieSameSite: http.SameSiteLaxMode,
		ContextKey:     csrfKey,
		ErrorHandler:   csrfError,
	}))

	// Every page answers HEAD as well as GET, for link checkers and monitors.
	get := func(path string, h echo.HandlerFunc) { e.Match([]string{http.MethodGet, http.MethodHead}, path, h) }

	get("/healthz", s.handleHealth)
	get("/static/*", echo.WrapHandler(static.Handler()))
	get("/favicon.ico", echo.WrapHandler(static.Handler()))

	get("/", s.handleClaimList)
	get("/claims", s.handleClaimList)
	get("/claims/new", s.handleClaimNew)
	e.POST("/claims", s.handleClaimCreate)
	get("/claims/:id", s.handleClaimView)
	get("/claims/:id/edit", s.handleClaimEdit)
	e.POST("/claims/:id", s.handleClaimUpdate)
	e.POST("/claims/:id/status", s.handleClaimStatusUpdate)
	e.POST("/claims/:id/evidence", s.handleEvidenceCreate)

	get("/sources", s.handleSourceList)
	get("/sources/new", s.handleSourceNew)
	e.POST("/sources", s.handleSourceCreate)
	get("/sources/:id", s.handleSourceView)
	get("/sources/:id/edit", s.handleSourceEdit)
	e.POST("/sources/:id", s.handleSourceUpdate)

	get("/reports/:id", s.handleReportView)
	get("/search", s.handleSearch)
}
