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

	e.GET("/healthz", s.handleHealth)
	e.GET("/static/*", echo.WrapHandler(static.Handler()))
	e.GET("/favicon.ico", echo.WrapHandler(static.Handler()))

	e.GET("/", s.handleClaimList)
	e.GET("/claims", s.handleClaimList)
	e.GET("/claims/new", s.handleClaimNew)
	e.POST("/claims", s.handleClaimCreate)
	e.GET("/claims/:id", s.handleClaimView)
	e.GET("/claims/:id/edit", s.handleClaimEdit)
	e.POST("/claims/:id", s.handleClaimUpdate)
	e.POST("/claims/:id/status", s.handleClaimStatusUpdate)
	e.POST("/claims/:id/evidence", s.handleEvidenceCreate)

	e.GET("/sources", s.handleSourceList)
	e.GET("/sources/new", s.handleSourceNew)
	e.POST("/sources", s.handleSourceCreate)
	e.GET("/sources/:id", s.handleSourceView)

	e.GET("/reports/:id", s.handleReportView)
	e.GET("/search", s.handleSearch)
}
