package claimtrack_test

import (
	"strings"
	"testing"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/stretchr/testify/assert"
)

func TestNewUser_Validate(t *testing.T) {
	ok := claimtrack.NewUser{Username: "ana.editor", Role: claimtrack.RoleEditor, Password: "correct horse battery"}
	assert.NoError(t, ok.Validate())
	tests := []struct {
		name, field string
		edit        func(*claimtrack.NewUser)
	}{
		{"ShortName", "username", func(u *claimtrack.NewUser) { u.Username = "ab" }},
		{"LongName", "username", func(u *claimtrack.NewUser) { u.Username = strings.Repeat("a", 41) }},
		{"SpaceInName", "username", func(u *claimtrack.NewUser) { u.Username = "ana editor" }},
		{"NonASCIIName", "username", func(u *claimtrack.NewUser) { u.Username = "anaé" }},
		{"MarkupName", "username", func(u *claimtrack.NewUser) { u.Username = "<b>ana</b>" }},
		{"Role", "role", func(u *claimtrack.NewUser) { u.Role = "owner" }},
		{"ShortPassword", "password", func(u *claimtrack.NewUser) { u.Password = "1234567" }},
		{"LongPassword", "password", func(u *claimtrack.NewUser) { u.Password = strings.Repeat("x", 257) }},
		{"CommonPassword", "password", func(u *claimtrack.NewUser) { u.Password = "Password123" }},
		{"NameAsPassword", "password", func(u *claimtrack.NewUser) { u.Password = "ANA.EDITOR" }},
		{"InvalidUTF8", "password", func(u *claimtrack.NewUser) { u.Password = "abc\xffdefgh" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := ok
			tt.edit(&u)
			err := u.Validate()
			assert.Equal(t, claimtrack.EINVALID, claimtrack.ErrorCode(err))
			assert.Contains(t, claimtrack.FieldErrors(err), tt.field)
		})
	}
	// Lengths count characters, not bytes: eight accented letters pass, 256 do.
	assert.Empty(t, claimtrack.CheckPassword("éééééééé", "x"))
	assert.Empty(t, claimtrack.CheckPassword(strings.Repeat("é", 256), "x"))
}

func TestRole(t *testing.T) {
	viewer := &claimtrack.User{Role: claimtrack.RoleViewer}
	editor := &claimtrack.User{Role: claimtrack.RoleEditor}
	admin := &claimtrack.User{Role: claimtrack.RoleAdmin}
	var nobody *claimtrack.User
	assert.False(t, nobody.CanEdit())
	assert.False(t, viewer.CanEdit())
	assert.True(t, editor.CanEdit())
	assert.False(t, editor.CanAdmin())
	assert.True(t, admin.CanEdit())
	assert.True(t, admin.CanAdmin())
	admin.Disabled = true
	assert.False(t, admin.CanEdit(), "a disabled account can do nothing")
}
