package web

import (
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
)

// Reading the ids in a request's path.

// pathID parses the :id parameter. Anything but a positive integer is a 404:
// such a thing cannot exist.
func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

// formPathID reads the :id of a POST route, then its form.
func formPathID(c echo.Context) (int64, error) {
	id, err := pathID(c)
	if err != nil {
		return 0, err
	}
	return id, parseForm(c)
}

// feedID reads "{id}.atom" from the :id parameter: the feed of a claim or
// source shares its page's route.
func feedID(c echo.Context) (int64, bool) {
	raw, ok := strings.CutSuffix(c.Param("id"), ".atom")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(raw, 10, 64)
	return id, err == nil && id > 0
}
