package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
)

// testAdminEmail and testAdminPassword sign the serve tests in.
const (
	testAdminEmail    = "admin@example.org"
	testAdminPassword = "correct horse battery staple"
)

// addTestAdmin creates the SQLite database at path with an administrator
// whose password is testAdminPassword (hashed with the cheap test
// parameters, which the server's verification reads from the hash).
func addTestAdmin(t *testing.T, path string) {
	t.Helper()
	db, err := openDB(t, path), error(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	h, err := password.Hash(testAdminPassword, password.InsecureTestParams)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.CreateUser(parley.NewContextWithCaller(context.Background(), parley.System), &parley.User{Email: testAdminEmail, Name: "Administrator", Admin: true, PasswordHash: h}); err != nil {
		t.Fatal(err)
	}
}

// signInHTTP signs in at the server at url and returns the bearer token.
func signInHTTP(t *testing.T, url, email, pw string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": pw})
	resp, err := http.Post(url+"/api/v1/sessions", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct{ Token string }
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(b, &out) != nil || !password.IsToken(out.Token) {
		t.Fatalf("sign in as %s: %d %s", email, resp.StatusCode, b)
	}
	return out.Token
}

// bearerClient is an http.Client that signs every request with a token.
func bearerClient(c *http.Client, token string) *http.Client {
	cc := *c
	base := c.Transport
	if base == nil {
		base = http.DefaultTransport
	}
	cc.Transport = roundTripper(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer "+token)
		return base.RoundTrip(r)
	})
	return &cc
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
