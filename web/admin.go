package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/password"
	"github.com/claimtrack/claimtrack/web/views"
	"github.com/labstack/echo/v4"
)

// sessionMaxAge is how long the browser keeps the session cookie: the
// absolute lifetime of a session (the server ends idle ones sooner).
const sessionMaxAge = 30 * 24 * time.Hour

// handleAccount shows the signed-in person's account and the form to change
// their password.
func (s *Server) handleAccount(c echo.Context) error {
	return s.renderAccount(c, http.StatusOK, views.AccountData{})
}

// renderAccount renders the account page with the account's tokens.
func (s *Server) renderAccount(c echo.Context, status int, d views.AccountData) error {
	var err error
	if d.Tokens, err = s.store.FindAPITokens(c.Request().Context(), user(c).ID); err != nil {
		return err
	}
	if d.HasFeed, err = s.store.HasFeedToken(c.Request().Context(), user(c).ID); err != nil {
		return err
	}
	return s.render(c, status, views.AccountPage(s.page(c, "Your account", ""), d))
}

// handleTokenCreate makes an API token and shows it this once. It asks for
// the account's password, checked like a sign-in: a token outlives the
// session, so a stolen session alone must not be enough to make one.
func (s *Server) handleTokenCreate(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	d := views.AccountData{Token: views.TokenForm{Name: strings.TrimSpace(c.FormValue("name")), Errors: views.FormErrors{}}}
	status := http.StatusUnprocessableEntity
	if msg := claimtrack.CheckTokenName(d.Token.Name); msg != "" {
		d.Token.Errors["name"] = msg
	}
	msg, st, err := s.checkPassword(c, user(c), c.FormValue("password"))
	if err != nil {
		return err
	}
	if msg != "" {
		d.Token.Errors["password"] = msg
		status = st
	}
	if len(d.Token.Errors) > 0 {
		return s.renderAccount(c, status, d)
	}
	token := apiTokenPrefix + randomToken()
	_, err = s.store.CreateAPIToken(c.Request().Context(), user(c).ID, d.Token.Name, token)
	if claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		for k, v := range claimtrack.FieldErrors(err) {
			d.Token.Errors[k] = v
		}
		return s.renderAccount(c, http.StatusUnprocessableEntity, d)
	} else if err != nil {
		return err
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return s.renderAccount(c, http.StatusOK, views.AccountData{NewToken: token})
}

// handleTokenRevoke revokes one of the account's tokens.
func (s *Server) handleTokenRevoke(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.store.RevokeAPIToken(c.Request().Context(), user(c).ID, id); err != nil {
		return err
	}
	return redirectWithFlash(c, "/account", flashTokenRevoked)
}

// handlePasswordChange checks the current password (throttled like signing
// in) and sets a new one. Every session of the account ends and every API
// token of it is revoked; this session starts afresh.
func (s *Server) handlePasswordChange(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	u := user(c)
	ctx := c.Request().Context()
	next := c.FormValue("password")
	f := views.PasswordForm{Errors: views.FormErrors{}}
	status := http.StatusUnprocessableEntity
	msg, st, err := s.checkPassword(c, u, c.FormValue("current"))
	if err != nil {
		return err
	}
	if msg != "" {
		f.Errors["current"] = msg
		status = st
	}
	if msg := claimtrack.CheckPassword(next, u.Username); msg != "" {
		f.Errors["password"] = msg
	}
	if len(f.Errors) > 0 {
		return s.renderAccount(c, status, views.AccountData{Password: f})
	}
	newHash, err := password.Hash(ctx, next)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(ctx, u.ID, newHash, u.Username); err != nil {
		return err
	}
	if err := s.startSession(c, u); err != nil {
		return err
	}
	return redirectWithFlash(c, "/account", flashPasswordChanged)
}

// handleUsers lists the accounts, with the form to add one.
func (s *Server) handleUsers(c echo.Context) error {
	return s.renderUsers(c, http.StatusOK, views.AccountForm{Role: string(claimtrack.RoleEditor)})
}

func (s *Server) renderUsers(c echo.Context, status int, f views.AccountForm) error {
	users, err := s.store.FindUsers(c.Request().Context())
	if err != nil {
		return err
	}
	return s.render(c, status, views.UsersPage(s.page(c, "Accounts", "admin"), users, f))
}

// handleUserCreate adds an account with the role and password an admin chose.
func (s *Server) handleUserCreate(c echo.Context) error {
	if err := parseForm(c); err != nil {
		return err
	}
	f := views.AccountForm{Username: strings.TrimSpace(c.FormValue("username")), Role: c.FormValue("role")}
	in := claimtrack.NewUser{Username: f.Username, Role: claimtrack.Role(f.Role), Password: c.FormValue("password")}
	if err := in.Validate(); err != nil {
		f.Errors = errorsOf(err)
		return s.renderUsers(c, http.StatusUnprocessableEntity, f)
	}
	hash, err := password.Hash(c.Request().Context(), in.Password)
	if err != nil {
		return err
	}
	_, err = s.store.CreateUser(c.Request().Context(), in, hash, s.actor(c), false)
	if claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		f.Errors = errorsOf(err)
		return s.renderUsers(c, http.StatusUnprocessableEntity, f)
	} else if err != nil {
		return err
	}
	return redirectWithFlash(c, "/admin/users", flashUserCreated)
}

// handleUserRole changes an account's role. An admin cannot take away their
// own admin role, so the tracker always keeps one.
func (s *Server) handleUserRole(c echo.Context) error {
	id, err := formPathID(c)
	if err != nil {
		return err
	}
	role := claimtrack.Role(c.FormValue("role"))
	if me := user(c); me.ID == id && role != claimtrack.RoleAdmin {
		return echo.NewHTTPError(http.StatusConflict, "You cannot take away your own admin role: ask another admin.")
	}
	err = s.store.SetRole(c.Request().Context(), id, role, s.actor(c))
	if claimtrack.ErrorCode(err) == claimtrack.EINVALID {
		return echo.NewHTTPError(http.StatusUnprocessableEntity, "Choose a role: viewer, editor or admin.")
	} else if err != nil {
		return err
	}
	return redirectWithFlash(c, "/admin/users", flashUserUpdated)
}

// handleUserDisabled disables or enables an account; disabling ends its
// sessions at once.
func (s *Server) handleUserDisabled(c echo.Context) error {
	id, err := formPathID(c)
	if err != nil {
		return err
	}
	disabled := c.FormValue("disabled") == "1"
	if me := user(c); me.ID == id && disabled {
		return echo.NewHTTPError(http.StatusConflict, "You cannot disable your own account: ask another admin.")
	}
	if err := s.store.SetDisabled(c.Request().Context(), id, disabled, s.actor(c)); err != nil {
		return err
	}
	return redirectWithFlash(c, "/admin/users", flashUserUpdated)
}
