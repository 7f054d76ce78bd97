package web

import (
	"encoding/json"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley/totp"
	"github.com/parley-talks/parley/web/authn"
)

// A second factor from the pages: enrolment with its secret and QR code
// shown once, confirmation with a code that brings the recovery codes,
// sign-in with the password and then a code (the pending sign-in is no
// session), a code never accepted twice, a recovery code, the API's
// sign-in with the code in the body, and removal.

var (
	totpSecretRE   = regexp.MustCompile(`<code id="totp-secret">([A-Z2-7]+)</code>`)
	recoveryCodeRE = regexp.MustCompile(`<li><code>([a-z0-9-]+)</code></li>`)
)

func TestSecondFactorPages(t *testing.T) { testSecondFactorPages(t, newDesk(t)) }

// newBrowser is a browser that has not signed in.
func (d *testDesk) newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{d: d, t: t, client: &http.Client{Jar: jar}}
}

// enrolTOTP sets up an authenticator app for b's account and returns its
// secret and recovery codes.
func enrolTOTP(t *testing.T, b *browser) (totp.Secret, []string) {
	t.Helper()
	if status, body := b.get("/account/security"); status != http.StatusOK || !strings.Contains(body, `id="totp-off"`) {
		t.Fatalf("the security page before enrolment: %d\n%s", status, body)
	}
	status, body := b.post("/account/security/totp", url.Values{})
	m := totpSecretRE.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil || !strings.Contains(body, `<svg xmlns="http://www.w3.org/2000/svg"`) {
		t.Fatalf("enrolment: %d\n%s", status, body)
	}
	secret, err := totp.ParseSecret(m[1])
	if err != nil {
		t.Fatal(err)
	}
	// The page shown again no longer holds the secret.
	if _, again := b.get("/account/security"); strings.Contains(again, m[1]) {
		t.Error("the secret is shown twice")
	}
	if status, body := b.post("/account/security/totp/confirm", url.Values{"code": {"000000"}}); status != http.StatusBadRequest || !strings.Contains(body, `id="code-refused"`) {
		t.Errorf("a wrong confirmation code: %d", status)
	}
	status, body = b.post("/account/security/totp/confirm", url.Values{"code": {totp.Code(secret, totp.StepAt(b.d.clock.Now()), totp.Digits)}})
	var codes []string
	for _, m := range recoveryCodeRE.FindAllStringSubmatch(body, -1) {
		codes = append(codes, m[1])
	}
	if status != http.StatusOK || len(codes) != 10 {
		t.Fatalf("confirmation: %d, %d recovery codes\n%s", status, len(codes), body)
	}
	if status, body := b.get("/account/security"); status != http.StatusOK || !strings.Contains(body, `id="totp-on"`) || !strings.Contains(body, "10 recovery codes left") || strings.Contains(body, codes[0]) {
		t.Errorf("the security page after enrolment: %d\n%s", status, body)
	}
	return secret, codes
}

// signInWithPassword sends the password from a new browser and expects the
// code form.
func (d *testDesk) signInWithPassword(t *testing.T, email string) *browser {
	t.Helper()
	b := d.newBrowser(t)
	status, body := b.post("/signin", url.Values{"email": {email}, "password": {deskPassword}, "next": {"/map"}})
	if status != http.StatusOK || !strings.Contains(body, `id="code-form"`) || !strings.Contains(body, `name="next" value="/map"`) {
		t.Fatalf("the password of an account with a second factor: %d\n%s", status, body)
	}
	return b
}

func testSecondFactorPages(t *testing.T, d *testDesk) {
	const email = "ua@demo.parley"
	owner := d.signIn(t, email)
	secret, codes := enrolTOTP(t, owner)
	code := func() string { return totp.Code(secret, totp.StepAt(d.clock.Now()), totp.Digits) }
	d.clock.Advance(time.Minute) // past the step the confirmation used

	// The password alone opens nothing: the pending sign-in is no session.
	b := d.signInWithPassword(t, email)
	if status, body := b.get("/map"); status != http.StatusOK || !strings.Contains(body, `action="/signin"`) || strings.Contains(body, `<ul class="cards">`) {
		t.Errorf("the map after the password alone: %d\n%s", status, body)
	}
	if status, body := b.post("/signin/code", url.Values{"code": {"123456"}, "next": {"/map"}}); status != http.StatusUnauthorized || !strings.Contains(body, "the code is wrong") {
		t.Errorf("a wrong code: %d\n%s", status, body)
	}
	good := code()
	if status, body := b.post("/signin/code", url.Values{"code": {good}, "next": {"/map"}}); status != http.StatusOK || !strings.Contains(body, `<ul class="cards">`) {
		t.Fatalf("the right code: %d\n%s", status, body)
	}
	// The same code again, from another browser: refused.
	replay := d.signInWithPassword(t, email)
	if status, _ := replay.post("/signin/code", url.Values{"code": {good}, "next": {"/map"}}); status != http.StatusUnauthorized {
		t.Errorf("a replayed code: %d", status)
	}
	// A recovery code, typed as a person would, once.
	r := d.signInWithPassword(t, email)
	if status, body := r.post("/signin/code", url.Values{"recovery_code": {" " + strings.ToUpper(codes[3]) + " "}, "next": {"/map"}}); status != http.StatusOK || !strings.Contains(body, `<ul class="cards">`) {
		t.Errorf("a recovery code: %d\n%s", status, body)
	}
	r = d.signInWithPassword(t, email)
	if status, _ := r.post("/signin/code", url.Values{"recovery_code": {codes[3]}, "next": {"/map"}}); status != http.StatusUnauthorized {
		t.Errorf("a used recovery code: %d", status)
	}
	// A pending sign-in expires; the code form then sends to the password.
	late := d.signInWithPassword(t, email)
	d.clock.Advance(6 * time.Minute)
	if status, body := late.post("/signin/code", url.Values{"code": {code()}, "next": {"/map"}}); status != http.StatusUnauthorized || !strings.Contains(body, `id="password"`) {
		t.Errorf("an expired pending sign-in: %d\n%s", status, body)
	}
	if status, body := late.get("/signin/code"); status != http.StatusOK || !strings.Contains(body, `id="password"`) {
		t.Errorf("the code form without a pending sign-in: %d", status)
	}
	// Attempts of one pending sign-in are few.
	many := d.signInWithPassword(t, email)
	for range 5 {
		many.post("/signin/code", url.Values{"code": {"000000"}})
	}
	d.clock.Advance(10 * time.Minute) // past the throttle's delays
	if status, body := many.post("/signin/code", url.Values{"code": {code()}}); status != http.StatusUnauthorized || !strings.Contains(body, `id="password"`) {
		t.Errorf("a sixth code of one pending sign-in: %d", status)
	}

	// A script sends the code with the password.
	api := d.newBrowser(t)
	status, body := api.api("POST", "/api/v1/sessions", `{"email":"`+email+`","password":"`+deskPassword+`"}`)
	if status != http.StatusUnauthorized || !strings.Contains(body, `"field":"code"`) {
		t.Errorf("the API's sign-in without the code: %d %s", status, body)
	}
	status, body = api.api("POST", "/api/v1/sessions", `{"email":"`+email+`","password":"`+deskPassword+`","code":"`+code()+`"}`)
	var out authn.SignInOutput
	if status != http.StatusCreated || json.Unmarshal([]byte(body), &out) != nil || out.Token == "" {
		t.Errorf("the API's sign-in with the code: %d %s", status, body)
	}
	if status, body := api.api("POST", "/api/v1/sessions", `{"email":"`+email+`","password":"`+deskPassword+`","recovery_code":"`+codes[3]+`"}`); status != http.StatusUnauthorized {
		t.Errorf("the API's sign-in with a used recovery code: %d %s", status, body)
	}

	// Removal asks for a current code; then the password alone signs in.
	d.clock.Advance(time.Minute)
	if status, _ := owner.post("/account/security/totp/remove", url.Values{"code": {"000000"}}); status != http.StatusBadRequest {
		t.Errorf("removal with a wrong code: %d", status)
	}
	if status, body := owner.post("/account/security/totp/remove", url.Values{"code": {code()}}); status != http.StatusOK || !strings.Contains(body, `id="totp-off"`) {
		t.Errorf("removal: %d\n%s", status, body)
	}
	d.signIn(t, email)
}
