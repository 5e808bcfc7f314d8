package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"os"
	"strings"

	"github.com/claimtrack/claimtrack/internal/claimtrack"
	"github.com/claimtrack/claimtrack/internal/password"
	"golang.org/x/term"
)

// stdin is where passwords are read from; tests replace it.
var stdin io.Reader = os.Stdin

const userUsage = `Usage:
  claimtrack user add --username NAME --role viewer|editor|admin [--generate] [--db PATH]
  claimtrack user passwd --username NAME [--generate] [--db PATH]

The password is read from standard input: typed without echo on a terminal
(twice), or the first line of piped input. With --generate a random password
is made and printed instead.
`

// runUser adds an account or sets an account's password from the command line.
func runUser(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "passwd") {
		fmt.Fprint(stderr, userUsage)
		return errUsage
	}
	sub := args[0]
	fs := flag.NewFlagSet("claimtrack user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var path, username, role string
	var generate bool
	dbFlag(fs, &path)
	fs.StringVar(&username, "username", "", "the account's username")
	if sub == "add" {
		fs.StringVar(&role, "role", "", "viewer, editor or admin")
	}
	fs.BoolVar(&generate, "generate", false, "make a random password and print it")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if username == "" {
		fmt.Fprint(stderr, userUsage)
		return errUsage
	}
	db, err := openDB(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()

	var existing *claimtrack.User
	if sub == "passwd" {
		if existing, _, err = db.FindUserByUsername(ctx, username); err != nil {
			return fmt.Errorf("user passwd: %s", claimtrack.ErrorMessage(err))
		}
		username = existing.Username
	} else {
		// Check what can be checked before asking for a password.
		if msg := claimtrack.CheckUsername(username); msg != "" {
			return fmt.Errorf("user add: username: %s", msg)
		}
		if !claimtrack.Role(role).Valid() {
			return errors.New("user add: --role must be viewer, editor or admin")
		}
	}

	pw, err := readPassword(generate, stderr)
	if err != nil {
		return err
	}
	if msg := claimtrack.CheckPassword(pw, username); msg != "" {
		return fmt.Errorf("user %s: password: %s", sub, msg)
	}
	hash, err := password.Hash(ctx, pw)
	if err != nil {
		return err
	}
	if sub == "passwd" {
		if err := db.SetPassword(ctx, existing.ID, hash, claimtrack.ActorLocal); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s changed; its sessions were ended and its API tokens revoked\n", username)
	} else {
		u, err := db.CreateUser(ctx, claimtrack.NewUser{Username: username, Role: claimtrack.Role(role), Password: pw}, hash,
			claimtrack.ActorLocal, false)
		if err != nil {
			if fields := claimtrack.FieldErrors(err); len(fields) > 0 {
				for f, msg := range fields {
					return fmt.Errorf("user add: %s: %s", f, msg)
				}
			}
			return err
		}
		fmt.Fprintf(stdout, "account %s created with the role %s\n", u.Username, u.Role)
	}
	if generate {
		fmt.Fprintf(stdout, "password: %s\n", pw)
	}
	return nil
}

// readPassword generates a password, or reads one: without echo, twice, from a
// terminal; else the first line of the input.
func readPassword(generate bool, stderr io.Writer) (string, error) {
	if generate {
		return generatePassword()
	}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stderr, "Password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(first) != string(second) {
			return "", errors.New("the two passwords differ")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input (use --generate to make one)")
	}
	return line, nil
}

// generatePassword makes 20 characters from a 54-letter alphabet without
// look-alikes: about 115 bits.
func generatePassword() (string, error) {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 20)
	for i := range b {
		n, err := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		if err != nil {
			return "", err
		}
		b[i] = alphabet[n.Int64()]
	}
	return string(b), nil
}
