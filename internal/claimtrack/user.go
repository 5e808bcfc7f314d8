package claimtrack

import (
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Role is what an account may do.
type Role string

// The roles, from least to most.
const (
	RoleViewer Role = "viewer" // reads (and, on a private tracker, may read at all)
	RoleEditor Role = "editor" // also creates and changes claims, evidence, sources and statuses
	RoleAdmin  Role = "admin"  // also manages accounts
)

// Roles lists the roles in the order forms offer them.
var Roles = []Role{RoleViewer, RoleEditor, RoleAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleViewer || r == RoleEditor || r == RoleAdmin }

// CanEdit reports whether the role may change the record.
func (r Role) CanEdit() bool { return r == RoleEditor || r == RoleAdmin }

// CanAdmin reports whether the role may manage accounts.
func (r Role) CanAdmin() bool { return r == RoleAdmin }

// Label is the role in words.
func (r Role) Label() string {
	switch r {
	case RoleViewer:
		return "Viewer"
	case RoleEditor:
		return "Editor"
	case RoleAdmin:
		return "Admin"
	}
	return string(r)
}

// User is an account.
type User struct {
	ID        int64
	Username  string
	Role      Role
	Disabled  bool
	CreatedAt time.Time
}

// CanEdit reports whether the user may change the record now; nil is nobody.
func (u *User) CanEdit() bool { return u != nil && !u.Disabled && u.Role.CanEdit() }

// CanAdmin reports whether the user may manage accounts now.
func (u *User) CanAdmin() bool { return u != nil && !u.Disabled && u.Role.CanAdmin() }

// Limits of account fields.
const (
	UsernameMin = 3
	UsernameMax = 40
	PasswordMin = 8
	PasswordMax = 256
)

// NewUser is what creating an account takes.
type NewUser struct {
	Username string
	Role     Role
	Password string
}

// Normalize trims the username (never the password).
func (in *NewUser) Normalize() {
	in.Username = strings.TrimSpace(in.Username)
	in.Role = Role(strings.TrimSpace(string(in.Role)))
}

// Validate checks every field and reports every problem at once.
func (in *NewUser) Validate() error {
	f := fieldErrors{}
	if msg := CheckUsername(in.Username); msg != "" {
		f.add("username", msg)
	}
	if !in.Role.Valid() {
		f.add("role", "Choose a role: viewer, editor or admin.")
	}
	if msg := CheckPassword(in.Password, in.Username); msg != "" {
		f.add("password", msg)
	}
	return f.err()
}

// UsernameKey is the form of a username that must be unique: names differ by
// more than case.
func UsernameKey(name string) string { return strings.ToLower(name) }

// CheckUsername returns what is wrong with a username, or "".
func CheckUsername(name string) string {
	if n := utf8.RuneCountInString(name); n < UsernameMin || n > UsernameMax {
		return "Use 3 to 40 characters."
	}
	for _, r := range name {
		if !(r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r == '_')) {
			return "Use only letters a–z, digits, dots, hyphens and underscores."
		}
	}
	return ""
}

// CheckPassword returns what is wrong with a new password, or "". Length is
// counted in characters; a few of the most common passwords, and the
// username itself, are refused.
func CheckPassword(pw, username string) string {
	if !utf8.ValidString(pw) {
		return "The password must be valid text."
	}
	n := utf8.RuneCountInString(pw)
	switch {
	case n < PasswordMin:
		return "Use at least 8 characters."
	case n > PasswordMax:
		return "Use at most 256 characters."
	case commonPasswords[strings.ToLower(pw)]:
		return "This password is among the most common ones; choose another."
	case username != "" && strings.EqualFold(pw, username):
		return "The password must not be the username."
	}
	return ""
}

// commonPasswords are some of the passwords most often found in breaches
// that are long enough to pass the length rule.
var commonPasswords = func() map[string]bool {
	m := map[string]bool{}
	for _, p := range strings.Fields(`
		password password1 password123 passw0rd 12345678 123456789 1234567890 87654321 11111111
		00000000 12341234 11223344 qwertyui qwerty123 qwertyuiop 1q2w3e4r 1qaz2wsx zaq12wsx
		iloveyou sunshine princess football baseball superman trustno1 welcome1 welcome123
		abcd1234 abc12345 abcdefgh letmein1 monkey123 dragon123 starwars whatever computer
		michelle jennifer internet 123qwe123 admin123 administrator changeme secret123
		qazwsxedc asdfghjk asdfasdf aaaaaaaa zxcvbnm123 football1 baseball1 charlie1 master123
		claimtrack`) {
		m[p] = true
	}
	return m
}()

// APIToken is a personal token for the JSON API, as its owner sees it
// listed (the token itself is shown once, when made).
type APIToken struct {
	ID        int64
	UserID    int64
	Name      string
	Prefix    string // the token's first characters
	CreatedAt time.Time
	LastUsed  time.Time // zero when never used
	RevokedAt time.Time // zero while it works
}

// Revoked reports whether the token no longer works.
func (t *APIToken) Revoked() bool { return !t.RevokedAt.IsZero() }

// APITokenNameMax bounds a token's name.
const APITokenNameMax = 80

// CheckTokenName returns a message when a token name is unusable, else "".
func CheckTokenName(name string) string {
	n := len([]rune(strings.TrimSpace(name)))
	switch {
	case n == 0:
		return "Name the token after what will use it, e.g. “newsroom sheet”."
	case n > APITokenNameMax:
		return "Use at most " + strconv.Itoa(APITokenNameMax) + " characters."
	}
	return ""
}

// FollowKind says what is followed.
type FollowKind string

// What can be followed.
const (
	FollowClaim  FollowKind = "claim"
	FollowSource FollowKind = "source"
)

// FollowTarget is a claim or a source someone follows.
type FollowTarget struct {
	Kind FollowKind
	ID   int64
}

// Columns are the target's claim id and source id, one of them 0.
func (t FollowTarget) Columns() (claim, source int64) {
	if t.Kind == FollowSource {
		return 0, t.ID
	}
	return t.ID, 0
}
