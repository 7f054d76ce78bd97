package storetest

import (
	"crypto/sha256"
	"testing"
	"time"

	"github.com/parley-talks/parley"
)

// testSessions covers SessionService: create, find by hash, touch (the idle
// expiry never passes the absolute one), delete one, delete all of a user.
func testSessions(t *testing.T, s parley.Store) {
	u := &parley.User{Email: "mediator@demo.parley", Name: "Mediator"}
	must(t, s.CreateUser(ctx, u))
	other := &parley.User{Email: "ua@demo.parley", Name: "Delegate"}
	must(t, s.CreateUser(ctx, other))

	now := parley.Now()
	newSession := func(user int64, secret string) *parley.Session {
		h := sha256.Sum256([]byte(secret))
		sess := &parley.Session{SecretHash: h[:], UserID: user, CreatedAt: now, LastSeenAt: now,
			IdleExpiresAt: now.Add(30 * time.Minute), ExpiresAt: now.Add(12 * time.Hour)}
		must(t, s.CreateSession(ctx, sess))
		if sess.ID <= 0 {
			t.Fatalf("CreateSession set no ID: %+v", sess)
		}
		return sess
	}
	a := newSession(u.ID, "secret a")
	b := newSession(u.ID, "secret b")
	c := newSession(other.ID, "secret c")

	got, err := s.FindSessionByHash(ctx, a.SecretHash)
	must(t, err)
	diff(t, "session found by hash", a, got)
	h := sha256.Sum256([]byte("no such secret"))
	_, err = s.FindSessionByHash(ctx, h[:])
	checkErr(t, err, parley.ENOTFOUND, "")

	// A second session with the same secret hash is a conflict.
	dup := *a
	checkErr(t, s.CreateSession(ctx, &dup), parley.ECONFLICT, "")
	// A hash that is no SHA-256, a user that does not exist.
	bad := *a
	bad.SecretHash = []byte("short")
	checkErr(t, s.CreateSession(ctx, &bad), parley.EINVALID, "secret_hash")
	h2 := sha256.Sum256([]byte("nobody's"))
	checkErr(t, s.CreateSession(ctx, &parley.Session{SecretHash: h2[:], UserID: 9999, CreatedAt: now,
		LastSeenAt: now, IdleExpiresAt: now, ExpiresAt: now}), parley.EINVALID, "user_id")

	// Touch moves last seen and the idle expiry, capped at the absolute one.
	seen := now.Add(time.Minute)
	must(t, s.TouchSession(ctx, a.ID, seen, seen.Add(30*time.Minute)))
	got, err = s.FindSessionByHash(ctx, a.SecretHash)
	must(t, err)
	if !got.LastSeenAt.Equal(seen) || !got.IdleExpiresAt.Equal(seen.Add(30*time.Minute)) || !got.ExpiresAt.Equal(a.ExpiresAt) {
		t.Errorf("after touch: %+v", got)
	}
	must(t, s.TouchSession(ctx, a.ID, seen, now.Add(48*time.Hour)))
	got, err = s.FindSessionByHash(ctx, a.SecretHash)
	must(t, err)
	if !got.IdleExpiresAt.Equal(a.ExpiresAt) {
		t.Errorf("idle expiry %v passed the absolute expiry %v", got.IdleExpiresAt, a.ExpiresAt)
	}
	if !got.Expired(a.ExpiresAt) || got.Expired(a.ExpiresAt.Add(-time.Microsecond)) {
		t.Errorf("Expired is wrong at the absolute expiry")
	}
	checkErr(t, s.TouchSession(ctx, 9999, seen, seen), parley.ENOTFOUND, "")

	must(t, s.DeleteSession(ctx, b.ID))
	_, err = s.FindSessionByHash(ctx, b.SecretHash)
	checkErr(t, err, parley.ENOTFOUND, "")
	checkErr(t, s.DeleteSession(ctx, b.ID), parley.ENOTFOUND, "")

	newSession(u.ID, "secret d")
	n, err := s.DeleteSessionsOfUser(ctx, u.ID)
	must(t, err)
	if n != 2 {
		t.Errorf("DeleteSessionsOfUser ended %d sessions, want 2", n)
	}
	_, err = s.FindSessionByHash(ctx, a.SecretHash)
	checkErr(t, err, parley.ENOTFOUND, "")
	got, err = s.FindSessionByHash(ctx, c.SecretHash)
	must(t, err)
	diff(t, "another user's session", c, got)
}

// testTokens covers TokenService: create, list, find by id and hash, touch,
// revoke (twice).
func testTokens(t *testing.T, s parley.Store) {
	u := &parley.User{Email: "mediator@demo.parley", Name: "Mediator"}
	must(t, s.CreateUser(ctx, u))
	other := &parley.User{Email: "ua@demo.parley", Name: "Delegate"}
	must(t, s.CreateUser(ctx, other))

	newToken := func(user int64, name, secret string) *parley.APIToken {
		h := sha256.Sum256([]byte(secret))
		tok := &parley.APIToken{SecretHash: h[:], UserID: user, Name: name}
		must(t, s.CreateToken(ctx, tok))
		if tok.ID <= 0 || tok.CreatedAt.IsZero() || tok.RevokedAt != nil || tok.LastUsedAt != nil {
			t.Fatalf("CreateToken: %+v", tok)
		}
		return tok
	}
	a := newToken(u.ID, "ci", "token a")
	b := newToken(u.ID, "laptop", "token b")
	c := newToken(other.ID, "ci", "token c")

	list, err := s.FindTokens(ctx, u.ID)
	must(t, err)
	diff(t, "tokens", []*parley.APIToken{a, b}, list)
	list, err = s.FindTokens(ctx, 9999)
	must(t, err)
	if len(list) != 0 {
		t.Errorf("tokens of nobody: %v", list)
	}
	got, err := s.FindTokenByHash(ctx, c.SecretHash)
	must(t, err)
	diff(t, "token by hash", c, got)
	got, err = s.FindTokenByID(ctx, b.ID)
	must(t, err)
	diff(t, "token by id", b, got)
	_, err = s.FindTokenByID(ctx, 9999)
	checkErr(t, err, parley.ENOTFOUND, "")
	h := sha256.Sum256([]byte("no such token"))
	_, err = s.FindTokenByHash(ctx, h[:])
	checkErr(t, err, parley.ENOTFOUND, "")

	dup := &parley.APIToken{SecretHash: a.SecretHash, UserID: u.ID, Name: "again"}
	checkErr(t, s.CreateToken(ctx, dup), parley.ECONFLICT, "")
	h2 := sha256.Sum256([]byte("fresh"))
	checkErr(t, s.CreateToken(ctx, &parley.APIToken{SecretHash: h2[:], UserID: u.ID, Name: " "}), parley.EINVALID, "name")
	checkErr(t, s.CreateToken(ctx, &parley.APIToken{SecretHash: h2[:], UserID: 9999, Name: "x"}), parley.EINVALID, "user_id")
	checkErr(t, s.CreateToken(ctx, &parley.APIToken{SecretHash: []byte{1}, UserID: u.ID, Name: "x"}), parley.EINVALID, "secret_hash")

	used := parley.Now().Add(time.Minute)
	must(t, s.TouchToken(ctx, a.ID, used))
	got, err = s.FindTokenByID(ctx, a.ID)
	must(t, err)
	if got.LastUsedAt == nil || !got.LastUsedAt.Equal(used) {
		t.Errorf("last used %v, want %v", got.LastUsedAt, used)
	}
	checkErr(t, s.TouchToken(ctx, 9999, used), parley.ENOTFOUND, "")

	r, err := s.RevokeToken(ctx, a.ID)
	must(t, err)
	if r.RevokedAt == nil {
		t.Fatalf("revoked token has no revocation time: %+v", r)
	}
	again, err := s.RevokeToken(ctx, a.ID)
	must(t, err)
	if !again.RevokedAt.Equal(*r.RevokedAt) {
		t.Errorf("revoking twice moved the revocation time from %v to %v", r.RevokedAt, again.RevokedAt)
	}
	got, err = s.FindTokenByHash(ctx, a.SecretHash)
	must(t, err)
	diff(t, "revoked token by hash", r, got)
	_, err = s.RevokeToken(ctx, 9999)
	checkErr(t, err, parley.ENOTFOUND, "")
}
