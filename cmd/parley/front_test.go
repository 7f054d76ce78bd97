package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parley-talks/parley/web/authn"
	"github.com/parley-talks/parley/web/limits"
)

// testCert writes a self-signed certificate for localhost and 127.0.0.1,
// valid from notBefore to notAfter, and its key, and returns the files and
// a pool that trusts the certificate.
func testCert(t testing.TB, dir string, notBefore, notAfter time.Time) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "parley test"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    notBefore, NotAfter: notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile = filepath.Join(dir, fmt.Sprintf("cert-%d.pem", tmpl.SerialNumber))
	keyFile = filepath.Join(dir, fmt.Sprintf("key-%d.pem", tmpl.SerialNumber))
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

func TestServeHTTPS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := testCert(t, dir, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	db := filepath.Join(dir, "parley.db")
	addTestAdmin(t, db)
	_, url := startServe(t, nil, "--addr", "127.0.0.1:0", "--db", db, "--tls-cert", certFile, "--tls-key", keyFile)
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("serving on %s", url)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	resp, err := client.Post(url+"/api/v1/sessions", "application/json",
		strings.NewReader(`{"email":"`+testAdminEmail+`","password":"`+testAdminPassword+`","cookie":true}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		t.Fatalf("sign in over HTTPS: %s", resp.Status)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == authn.SessionCookieName {
			cookie = c
		}
	}
	if cookie == nil || !cookie.Secure {
		t.Errorf("session cookie over HTTPS: %+v", cookie)
	}
	if resp.Header.Get("Strict-Transport-Security") == "" {
		t.Errorf("no HSTS over HTTPS")
	}
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("TLS state: %+v", resp.TLS)
	}
	// A client that does not trust the certificate is refused.
	if _, err := http.Get(url + "/healthz"); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("an untrusting client: %v", err)
	}
}

// A certificate that cannot serve, and TLS settings that contradict each
// other, stop serve at start with a message that names the problem.
func TestServeTLSRefused(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	cert, key, _ := testCert(t, dir, now.Add(-time.Hour), now.Add(time.Hour))
	_, otherKey, _ := testCert(t, dir, now.Add(-time.Hour), now.Add(time.Hour))
	expired, expiredKey, _ := testCert(t, dir, now.Add(-48*time.Hour), now.Add(-24*time.Hour))
	future, futureKey, _ := testCert(t, dir, now.Add(24*time.Hour), now.Add(48*time.Hour))
	for _, tt := range []struct {
		name string
		args []string
		want []string
	}{
		{"key of another certificate", []string{"--tls-cert", cert, "--tls-key", otherKey}, []string{cert, otherKey, "private key does not match public key"}},
		{"missing certificate", []string{"--tls-cert", filepath.Join(dir, "nope.pem"), "--tls-key", key}, []string{"nope.pem", "no such file"}},
		{"not a certificate", []string{"--tls-cert", key, "--tls-key", key}, []string{"certificate"}},
		{"expired", []string{"--tls-cert", expired, "--tls-key", expiredKey}, []string{expired, "expired on"}},
		{"not yet valid", []string{"--tls-cert", future, "--tls-key", futureKey}, []string{future, "valid only from"}},
		{"not for the public host", []string{"--tls-cert", cert, "--tls-key", key, "--public-url", "https://talks.example.org"},
			[]string{"not valid for talks.example.org", "localhost"}},
		{"public URL over http with TLS", []string{"--tls-cert", cert, "--tls-key", key, "--public-url", "http://localhost"}, []string{"--public-url", "http://"}},
		{"certificate without key", []string{"--tls-cert", cert}, []string{"--tls-cert and --tls-key go together"}},
		{"certificate and ACME", []string{"--tls-cert", cert, "--tls-key", key, "--acme-domain", "talks.example.org"}, []string{"exclude each other"}},
		{"public URL with a path", []string{"--public-url", "https://talks.example.org/parley"}, []string{"origin only"}},
		{"public URL without a scheme", []string{"--public-url", "talks.example.org"}, []string{"http:// or https://"}},
		{"bad proxy", []string{"--trusted-proxy", "10.0.0.1/8"}, []string{"--trusted-proxy", "host bits"}},
		{"ACME for an address", []string{"--acme-domain", "127.0.0.1"}, []string{"--acme-domain", "not a domain name"}},
		{"ACME for a single label", []string{"--acme-domain", "localhost"}, []string{"--acme-domain", "not a domain name"}},
		{"ACME on PostgreSQL without a cache", []string{"--acme-domain", "talks.example.org", "--db", "postgres://parley@127.0.0.1:1/parley"}, []string{"--acme-cache"}},
		{"ACME server unreachable", []string{"--acme-domain", "talks.example.org", "--acme-directory", "http://127.0.0.1:1/directory"},
			[]string{"cannot reach the ACME server at http://127.0.0.1:1/directory"}},
		{"short metrics token", []string{"--metrics-token", "short"}, []string{"--metrics-token", "at least 20"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "never.db")
			args := append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, tt.args...)
			if strings.HasPrefix(tt.args[len(tt.args)-1], "postgres://") {
				args = append([]string{"serve", "--addr", "127.0.0.1:0"}, tt.args...)
			}
			code, stdout, stderr := runEnv(t, nil, "", args...)
			if code == 0 || strings.Contains(stdout, "serving") {
				t.Fatalf("exit %d:\n%s%s", code, stdout, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr lacks %q:\n%s", w, stderr)
				}
			}
			if _, err := os.Stat(db); err == nil {
				t.Errorf("a refused start created the database")
			}
		})
	}
}

// With a reachable ACME server, serve starts on HTTPS with the domain as
// its public origin and keeps the ACME cache beside the database.
func TestServeACMEStarts(t *testing.T) {
	acmeServer := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		base := "http://" + r.Host
		json.NewEncoder(w).Encode(map[string]string{
			"newNonce": base + "/nonce", "newAccount": base + "/account", "newOrder": base + "/order",
			"revokeCert": base + "/revoke", "keyChange": base + "/key",
		})
	}))
	defer acmeServer.Close()
	dir := t.TempDir()
	db := filepath.Join(dir, "parley.db")
	r, url := startServe(t, nil, "--addr", "127.0.0.1:0", "--db", db,
		"--acme-domain", "talks.example.org", "--acme-directory", acmeServer.URL+"/directory")
	// serve prints its URL just before it logs its settings: wait for the log.
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline) && !strings.Contains(r.stderr.String(), "public_url="); {
		time.Sleep(10 * time.Millisecond)
	}
	if !strings.HasPrefix(url, "https://") || !strings.Contains(r.stderr.String(), "public_url=https://talks.example.org") {
		t.Errorf("serving on %s:\n%s", url, r.stderr)
	}
	fi, err := os.Stat(filepath.Join(dir, "acme"))
	if err != nil || !fi.IsDir() || fi.Mode().Perm() != 0o700 {
		t.Errorf("the ACME cache beside the database: %v, %v", fi, err)
	}
}

// Behind a trusted proxy, each client has its own sign-in bucket; anyone
// else's X-Forwarded-For is ignored, so a client cannot escape its bucket
// by inventing addresses.
func TestServeTrustedProxyThrottlesPerClient(t *testing.T) {
	for _, trusted := range []bool{true, false} {
		t.Run(fmt.Sprintf("trusted=%v", trusted), func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "parley.db")
			args := []string{"--addr", "127.0.0.1:0", "--db", db}
			if trusted {
				args = append(args, "--trusted-proxy", "127.0.0.1/32")
			}
			_, url := startServe(t, nil, args...)
			signIn := func(client, email string) int {
				req, _ := http.NewRequest("POST", url+"/api/v1/sessions", strings.NewReader(`{"email":"`+email+`","password":"wrong password here"}`))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("X-Forwarded-For", client)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				return resp.StatusCode
			}
			// Spend client A's bucket (each attempt on another account, so
			// that no per-account delay is involved). The bucket refills while
			// the attempts run, so spend until refused.
			refused := false
			for i := 0; i < 2*limits.AddressLoginBurst && !refused; i++ {
				switch code := signIn("198.51.100.1", fmt.Sprintf("nobody%d@example.org", i)); code {
				case http.StatusTooManyRequests:
					refused = i >= limits.AddressLoginBurst
					if !refused {
						t.Fatalf("client A refused after %d attempts, before its burst", i)
					}
				case http.StatusUnauthorized:
				default:
					t.Fatalf("attempt %d: %d", i, code)
				}
			}
			if !refused {
				t.Fatalf("client A was never refused")
			}
			want := http.StatusUnauthorized // B has its own bucket
			if !trusted {
				want = http.StatusTooManyRequests // one bucket: the connection's
			}
			if code := signIn("203.0.113.7", "b@example.org"); code != want {
				t.Errorf("client B: %d, want %d", code, want)
			}
		})
	}
}

var metricsRE = regexp.MustCompile(`Metrics are served on (http://\S+)`)

func TestServeMetrics(t *testing.T) {
	db := filepath.Join(t.TempDir(), "parley.db")
	addTestAdmin(t, db)
	r, url := startServe(t, nil, "--addr", "127.0.0.1:0", "--db", db, "--metrics-addr", "127.0.0.1:0")
	m := metricsRE.FindStringSubmatch(r.stdout.String())
	if m == nil {
		t.Fatalf("no metrics address:\n%s", r.stdout)
	}
	body := get(t, http.DefaultClient, m[1], "", http.StatusOK)
	for _, want := range []string{"parley_build_info{", `parley_store_rows{table="users"} 1`, "parley_ledger_entries ", "parley_store_stats_up 1", "go_goroutines"} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	get(t, http.DefaultClient, url+"/metrics", "", http.StatusNotFound) // not on the main address

	// A taken metrics address stops the start.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	code, stdout, stderr := runEnv(t, nil, "", "serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "x.db"), "--metrics-addr", ln.Addr().String())
	if code != 1 || strings.Contains(stdout, "serving") || !strings.Contains(stderr, "--metrics-addr") || !strings.Contains(stderr, ln.Addr().String()) {
		t.Errorf("taken metrics address: exit %d\n%s%s", code, stdout, stderr)
	}
}

func TestServeMetricsBehindToken(t *testing.T) {
	const token = "a-token-of-some-length-0123456789"
	db := filepath.Join(t.TempDir(), "parley.db")
	_, url := startServe(t, map[string]string{"PARLEY_METRICS_TOKEN": token}, "--addr", "127.0.0.1:0", "--db", db)
	get(t, http.DefaultClient, url+"/metrics", "", http.StatusUnauthorized)
	get(t, http.DefaultClient, url+"/metrics", "not-"+token, http.StatusUnauthorized)
	if body := get(t, http.DefaultClient, url+"/metrics", token, http.StatusOK); !strings.Contains(body, "parley_build_info{") {
		t.Errorf("metrics with the token: %s", body)
	}
	get(t, http.DefaultClient, url+"/healthz", "", http.StatusOK)
}

// get GETs url with the bearer token (if any), checks the status and
// returns the body.
func get(t *testing.T, c *http.Client, url, token string, status int) string {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Errorf("GET %s: %d, want %d: %s", url, resp.StatusCode, status, b)
	}
	return string(b)
}
