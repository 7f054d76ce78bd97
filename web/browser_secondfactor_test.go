package web

import (
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/parley-talks/parley/internal/proxy"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/totp"
	"github.com/parley-talks/parley/web/authn"
)

// TestBrowserSecondFactor sets up an authenticator app in a real browser
// behind a TLS reverse proxy that rewrites Host, reads the key and the
// recovery codes off the page, signs out, and signs in again with the
// password and then the app's code.
func TestBrowserSecondFactor(t *testing.T) {
	browserBinary(t)
	d := newDesk(t)
	front := httptest.NewUnstartedServer(nil)
	front.StartTLS()
	defer front.Close()
	public, _ := url.Parse(front.URL)
	trusted, err := proxy.Parse([]string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	auth, err := authn.New(authn.Config{Store: d.store, Now: d.clock.Now, PasswordParams: password.InsecureTestParams, PublicURL: public})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(Config{Store: d.store, Authenticator: auth, Logger: deskLogger, PublicURL: public, TrustedProxies: trusted})
	if err != nil {
		t.Fatal(err)
	}
	backend := httptest.NewServer(srv)
	defer backend.Close()
	target, _ := url.Parse(backend.URL)
	front.Config.Handler = &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		pr.SetXForwarded()
	}}
	ctx, problems := newBrowser(t, chromedp.Flag("ignore-certificate-errors", true))
	base := front.URL
	signIn := []chromedp.Action[chromedp.Void]{
		chromedp.Navigate(base + "/map"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "ua@demo.parley"),
		chromedp.SendKeys(chromedp.CSS(`#password`), deskPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
	}
	if err := chromedp.Do(ctx, append(signIn, chromedp.WaitVisible(chromedp.CSS(`.cards`)),
		chromedp.Navigate(base+"/account/security"),
		chromedp.Click(chromedp.CSS(`#start-totp button`)),
		chromedp.WaitVisible(chromedp.CSS(`#totp-qr svg`)))...,
	); err != nil {
		t.Fatalf("enrolment: %v", err)
	}
	key, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#totp-secret`)))
	if err != nil {
		t.Fatal(err)
	}
	secret, err := totp.ParseSecret(key)
	if err != nil {
		t.Fatalf("the key on the page %q: %v", key, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`#confirm-code`), totp.Code(secret, totp.StepAt(d.clock.Now()), totp.Digits)),
		chromedp.Submit(chromedp.CSS(`#confirm-code`)),
		chromedp.WaitVisible(chromedp.CSS(`#recovery-codes`)),
	); err != nil {
		t.Fatalf("confirmation: %v", err)
	}
	codes, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#recovery-codes`)))
	if err != nil || len(strings.Fields(codes)) != password.RecoveryCodes {
		t.Fatalf("the recovery codes on the page: %q, %v", codes, err)
	}
	d.clock.Advance(time.Minute) // the next code belongs to a later step
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`form.signout button`)), chromedp.WaitVisible(chromedp.CSS(`#email`))); err != nil {
		t.Fatalf("sign out: %v", err)
	}
	if err := chromedp.Do(ctx, append(signIn,
		chromedp.WaitVisible(chromedp.CSS(`#code-form`)),
		chromedp.SendKeys(chromedp.CSS(`#code`), totp.Code(secret, totp.StepAt(d.clock.Now()), totp.Digits)),
		chromedp.Submit(chromedp.CSS(`#code`)),
		chromedp.WaitVisible(chromedp.CSS(`.cards`)))...,
	); err != nil {
		t.Fatalf("sign-in with the code: %v", err)
	}
	for _, p := range problems.take() {
		t.Errorf("page problem: %s", p)
	}
}
