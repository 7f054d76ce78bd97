package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/password"
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

// TestSecondFactorRequiredByTrack: an administrator requires a second
// factor of a track's members; a delegate without one reads nothing of the
// track — by session or API token — and its pages send it to enrolment;
// once it sets one up, it reads the track again.
func TestSecondFactorRequiredByTrack(t *testing.T) { testSecondFactorRequired(t, newDesk(t)) }

func testSecondFactorRequired(t *testing.T, d *testDesk) {
	adm := d.signIn(t, d.admin(t))
	ua, err := d.store.FindUserByEmail(sysCtx, "ua@demo.parley")
	if err != nil {
		t.Fatal(err)
	}
	grants, err := d.store.FindMembershipsOfUser(sysCtx, ua.ID)
	if err != nil || len(grants) == 0 {
		t.Fatalf("the delegate's grants: %v", err)
	}
	track := grants[0].TrackID
	secret := password.NewToken()
	h := password.HashToken(secret)
	if err := d.store.CreateToken(sysCtx, &parley.APIToken{SecretHash: h[:], UserID: ua.ID, Name: "script"}); err != nil {
		t.Fatal(err)
	}
	byToken := func(path string) int {
		t.Helper()
		req, _ := http.NewRequest("GET", d.http.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	trackPage := fmt.Sprintf("/tracks/%d", track)
	apiTrack := fmt.Sprintf("/api/v1/tracks/%d", track)
	profile := fmt.Sprintf("/api/v1/tracks/%d/profiles/%d", track, d.party["Ukraine"])
	b := d.signIn(t, "ua@demo.parley")
	if status, _ := b.get(trackPage); status != http.StatusOK || byToken(apiTrack) != http.StatusOK {
		t.Fatalf("the track before the requirement: %d", status)
	}

	if status, body := adm.post(trackPage+"/second-factor", url.Values{"required": {"true"}}); status != http.StatusOK || !strings.Contains(body, `id="second-factor-on"`) {
		t.Fatalf("the administrator requires a second factor: %d\n%s", status, body)
	}
	if status, body := b.get(trackPage); status != http.StatusOK || !strings.Contains(body, `id="totp-off"`) || !strings.Contains(body, "requires a second factor: set up") {
		t.Errorf("the track page of a member without a second factor: %d\n%s", status, body)
	}
	if _, body := b.get("/map"); !strings.Contains(body, `id="second-factor-needed"`) || strings.Contains(body, d.redLines["Ukraine"][0]) {
		t.Errorf("the map of a member without a second factor: %s", body)
	}
	for _, path := range []string{apiTrack, profile} {
		if status, _ := b.api("GET", path, ""); status != http.StatusNotFound {
			t.Errorf("GET %s by session without a second factor: %d", path, status)
		}
		if status := byToken(path); status != http.StatusNotFound {
			t.Errorf("GET %s by token without a second factor: %d", path, status)
		}
	}

	enrolTOTP(t, b)
	if status, body := b.get(trackPage); status != http.StatusOK || strings.Contains(body, `id="totp-off"`) || strings.Contains(body, `id="second-factor-needed"`) {
		t.Errorf("the track page after enrolment: %d", status)
	}
	for _, path := range []string{apiTrack, profile} {
		if status := byToken(path); status != http.StatusOK {
			t.Errorf("GET %s by token after enrolment: %d", path, status)
		}
	}
	if status, body := adm.post(trackPage+"/second-factor", url.Values{"required": {"false"}}); status != http.StatusOK || !strings.Contains(body, `id="second-factor-off"`) {
		t.Errorf("the administrator no longer requires it: %d", status)
	}
	if status, _ := b.api("PUT", apiTrack+"/second-factor", `{"required":true}`); status != http.StatusForbidden {
		t.Errorf("a delegate requires a second factor: %d", status)
	}
}
