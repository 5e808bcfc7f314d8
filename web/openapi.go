package web

import (
	_ "embed"
	"net/http"

	"github.com/labstack/echo/v4"
)

// openAPI describes the JSON API (OpenAPI 3). A test checks it against the
// routes, both ways.
//
//go:embed openapi.json
var openAPI []byte

// apiOpenAPI serves the description.
func (s *Server) apiOpenAPI(c echo.Context) error {
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSONCharsetUTF8, openAPI)
}
