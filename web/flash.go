package web

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v4"
)

// flash is a one-time message: a successful form redirects with one, and the
// page it lands on shows it once. Handlers name one of the constants below;
// a string does not compile where a flash is expected, and neither does a
// constant without its message.
//
// To add one: a constant before numFlashes, and its entry, in the same
// place, in flashes. The cookie carries the entry's key, so a forged cookie
// can only pick one of these messages, never put words on a page.
type flash uint8

const (
	flashNone flash = iota // no message
	flashClaimCreated
	flashClaimUpdated
	flashUnchanged
	flashStatusChanged
	flashEvidenceAdded
	flashEvidenceUpdated
	flashEvidenceRemoved
	flashSourceCreated
	flashSourceUpdated
	flashSignedOut
	flashAdminCreated
	flashUserCreated
	flashUserUpdated
	flashPasswordChanged
	flashDataImported
	flashTokenRevoked
	flashWebhookCreated
	flashWebhookUpdated
	flashDeliveryQueued
	flashFollowing
	flashUnfollowed
	flashAssigned
	flashFeedRevoked
	flashQuestionCreated
	flashQuestionUpdated
	flashOutcomeAdded
	flashOutcomeRemoved
	flashQuestionResolved
	flashReportSaved
	numFlashes // not a message: how many there are
)

// flashText is a flash's cookie key and the words it shows.
type flashText struct {
	flash     flash // the constant, repeated: a test checks the order
	key, text string
}

// flashes holds every flash, in the order of the constants.
var flashes = [...]flashText{
	{flashNone, "", ""},
	{flashClaimCreated, "claim-created", "Claim saved. Add its sources below."},
	{flashClaimUpdated, "claim-updated", "Your changes to the claim were saved."},
	{flashUnchanged, "unchanged", "Nothing changed, so nothing was saved."},
	{flashStatusChanged, "status-changed", "Status saved and recorded in the history."},
	{flashEvidenceAdded, "evidence-added", "Evidence added and recorded in the history."},
	{flashEvidenceUpdated, "evidence-updated", "Evidence updated and recorded in the history."},
	{flashEvidenceRemoved, "evidence-removed", "Evidence removed and recorded in the history."},
	{flashSourceCreated, "source-created", "Source saved."},
	{flashSourceUpdated, "source-updated", "Your changes to the source were saved."},
	{flashSignedOut, "signed-out", "You are signed out."},
	{flashAdminCreated, "admin-created", "Your admin account is ready. Add the people who will work with you."},
	{flashUserCreated, "user-created", "Account created. Give the person their username and password."},
	{flashUserUpdated, "user-updated", "Account updated."},
	{flashPasswordChanged, "password-changed", "Password changed. Your other sessions were signed out and your API tokens revoked."},
	{flashDataImported, "data-imported", "Import done. It is recorded below, with what it added."},
	{flashTokenRevoked, "token-revoked", "Token revoked: it opens nothing any more."},
	{flashWebhookCreated, "webhook-created", "Webhook registered. Give its secret to the receiver so that it can check each delivery's signature."},
	{flashWebhookUpdated, "webhook-updated", "Webhook saved."},
	{flashDeliveryQueued, "delivery-queued", "Delivery queued: it is sent again at once, with a new delivery id."},
	{flashFollowing, "following", "You follow it now: its changes show on your desk."},
	{flashUnfollowed, "unfollowed", "You no longer follow it."},
	{flashAssigned, "assigned", "Assignment saved and recorded in the history."},
	{flashFeedRevoked, "feed-revoked", "Your private feed's address no longer works. Make a new one to follow in a feed reader again."},
	{flashQuestionCreated, "question-created", "Question saved. Add its outcomes below."},
	{flashQuestionUpdated, "question-updated", "Your changes to the question were saved."},
	{flashOutcomeAdded, "outcome-added", "Outcome added and recorded in the history."},
	{flashOutcomeRemoved, "outcome-removed", "The claim is no longer an outcome of this question; its verdict stays."},
	{flashQuestionResolved, "question-resolved", "Outcome confirmed and its rivals refuted, each recorded in the history."},
	{flashReportSaved, "report-saved", "Report saved with its claims, new sources and links, each recorded in the history under your name."},
}

// One entry per constant: with one missing (or one too many) the constant
// index below is out of range and the package does not compile.
var _ = [1]struct{}{}[len(flashes)-int(numFlashes)]

// flashByKey finds a flash by the key its cookie carries.
var flashByKey = func() map[string]flash {
	m := make(map[string]flash, len(flashes))
	for _, f := range flashes[1:] {
		m[f.key] = f.flash
	}
	return m
}()

// key is what the flash cookie carries for f.
func (f flash) key() string { return flashes[f].key }

// text is the message f shows.
func (f flash) text() string { return flashes[f].text }

// flashCookie carries a one-time message key across a redirect.
const flashCookie = "flash"

// redirectWithFlash answers a successful POST with 303 See Other to target,
// with a one-time message to show there.
func redirectWithFlash(c echo.Context, target string, f flash) error {
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: url.QueryEscape(f.key()), Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: 60})
	return c.Redirect(http.StatusSeeOther, target)
}

// takeFlash returns the pending message, if any, and clears it. A cookie
// naming no flash shows nothing.
func takeFlash(c echo.Context) string {
	ck, err := c.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	c.SetCookie(&http.Cookie{Name: flashCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	key, _ := url.QueryUnescape(ck.Value)
	return flashByKey[key].text()
}
