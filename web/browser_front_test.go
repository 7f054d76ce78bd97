package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/parley-talks/parley/internal/proxy"
	"github.com/parley-talks/parley/password"
	"github.com/parley-talks/parley/web/authn"
)

// signInAndOut signs in at base as the demo mediator, checks that the
// session cookie is Secure and the map shows, then signs out through the
// header's form (a cookie-signed POST with its CSRF token) and lands on
// the sign-in page again.
func signInAndOut(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/map"),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
		chromedp.SendKeys(chromedp.CSS(`#email`), "mediator@demo.parley"),
		chromedp.SendKeys(chromedp.CSS(`#password`), deskPassword),
		chromedp.Submit(chromedp.CSS(`#password`)),
		chromedp.WaitVisible(chromedp.CSS(`.cards`)),
	)
	if err != nil {
		t.Fatalf("sign in at %s: %v", base, err)
	}
	jar, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{base}})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, c := range jar.Cookies {
		if c.Name == authn.SessionCookieName {
			found = true
			if !c.Secure || !c.HTTPOnly {
				t.Errorf("the session cookie at %s: Secure %v, HttpOnly %v", base, c.Secure, c.HTTPOnly)
			}
		}
	}
	if !found {
		t.Errorf("no session cookie at %s", base)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`form.signout button`)),
		chromedp.WaitVisible(chromedp.CSS(`#email`)),
	); err != nil {
		t.Fatalf("sign out at %s: %v", base, err)
	}
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(title, "Sign in") {
		t.Errorf("after signing out at %s: %q", base, title)
	}
}

// TestBrowserHTTPSAndProxy signs in and out in a real browser over HTTPS
// (a test certificate), and behind a TLS reverse proxy that rewrites Host
// (httputil.ReverseProxy), with the proxy trusted and its origin public.
func TestBrowserHTTPSAndProxy(t *testing.T) {
	browserBinary(t)
	d := newDesk(t)
	acceptTestCert := chromedp.Flag("ignore-certificate-errors", true)

	t.Run("HTTPS", func(t *testing.T) {
		ts := httptest.NewUnstartedServer(d.srv)
		ts.StartTLS()
		defer ts.Close()
		ctx, problems := newBrowser(t, acceptTestCert)
		signInAndOut(t, ctx, ts.URL)
		for _, p := range problems.take() {
			t.Errorf("page problem: %s", p)
		}
	})

	t.Run("behind a proxy", func(t *testing.T) {
		front := httptest.NewUnstartedServer(nil)
		front.StartTLS()
		defer front.Close()
		public, _ := url.Parse(front.URL)
		trusted, err := proxy.Parse([]string{"127.0.0.1"})
		if err != nil {
			t.Fatal(err)
		}
		auth, err := authn.New(authn.Config{Store: d.store, PasswordParams: password.InsecureTestParams, PublicURL: public})
		if err != nil {
			t.Fatal(err)
		}
		srv, err := New(Config{Store: d.store, Authenticator: auth, Logger: deskLogger, PublicURL: public, TrustedProxies: trusted})
		if err != nil {
			t.Fatal(err)
		}
		var sawHost, sawClient string
		backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			sawHost = r.Host
			srv.ServeHTTP(w, r)
		}))
		defer backend.Close()
		target, _ := url.Parse(backend.URL)
		front.Config.Handler = &httputil.ReverseProxy{Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(target) // the upstream's Host, not the browser's
			pr.SetXForwarded()
			sawClient = pr.Out.Header.Get("X-Forwarded-For")
		}}
		ctx, problems := newBrowser(t, acceptTestCert)
		signInAndOut(t, ctx, front.URL)
		if sawHost != target.Host || sawHost == public.Host || sawClient == "" {
			t.Errorf("the proxy did not rewrite Host (%q, public %q) or add X-Forwarded-For (%q)", sawHost, public.Host, sawClient)
		}
		for _, p := range problems.take() {
			t.Errorf("page problem: %s", p)
		}
	})
}
