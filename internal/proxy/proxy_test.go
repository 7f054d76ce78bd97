package proxy

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tr, err := Parse([]string{"10.0.0.0/8", " 127.0.0.1 ", "fd00::/8", "::1"})
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]bool{
		"10.1.2.3": true, "11.0.0.1": false, "127.0.0.1": true, "127.0.0.2": false,
		"::1": true, "fd12::1": true, "fe80::1": false, "::ffff:10.0.0.1": true,
	} {
		if got := tr.Contains(netip.MustParseAddr(addr)); got != want {
			t.Errorf("Contains(%s) = %v, want %v", addr, got, want)
		}
	}
	for _, bad := range []string{"10.0.0.1/8", "10.0.0.0/33", "localhost", "", "10.0.0.0/8,11.0.0.0/8"} {
		if _, err := Parse([]string{bad}); err == nil || !strings.Contains(err.Error(), "proxy:") {
			t.Errorf("Parse(%q): err %v, want a refusal", bad, err)
		}
	}
	if !(Trusted{}).Empty() || tr.Empty() {
		t.Error("Empty")
	}
}

func TestClient(t *testing.T) {
	tr, err := Parse([]string{"10.0.0.0/8", "127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name      string
		remote    string
		tls       bool
		xff       []string
		xfp       []string
		wantAddr  string
		wantHTTPS bool
	}{
		{"direct client, headers ignored", "203.0.113.9:5555", false, []string{"198.51.100.1"}, []string{"https"}, "203.0.113.9", false},
		{"direct TLS client", "203.0.113.9:5555", true, nil, nil, "203.0.113.9", true},
		{"one trusted proxy", "127.0.0.1:4000", false, []string{"198.51.100.1"}, []string{"https"}, "198.51.100.1", true},
		{"client spoofs the left of the header", "127.0.0.1:4000", false, []string{"6.6.6.6, 198.51.100.1"}, []string{"https"}, "198.51.100.1", true},
		{"two trusted proxies", "127.0.0.1:4000", false, []string{"198.51.100.1, 10.0.0.5"}, []string{"https"}, "198.51.100.1", true},
		{"appended schemes: the client's proxy's", "127.0.0.1:4000", false, []string{"198.51.100.1, 10.0.0.5"}, []string{"https, http"}, "198.51.100.1", true},
		{"header on several lines", "127.0.0.1:4000", false, []string{"6.6.6.6", "198.51.100.1"}, []string{"http"}, "198.51.100.1", false},
		{"only trusted hops", "127.0.0.1:4000", false, []string{"10.0.0.7"}, nil, "10.0.0.7", false},
		{"garbage stops the walk", "127.0.0.1:4000", false, []string{"198.51.100.1, garbage"}, nil, "127.0.0.1", false},
		{"a port in the header", "127.0.0.1:4000", false, []string{"[2001:db8::1]:443"}, nil, "2001:db8::1", false},
		{"trusted proxy without the header", "10.0.0.9:1", false, nil, []string{"https"}, "10.0.0.9", true},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		if tt.tls {
			r.TLS = &tls.ConnectionState{}
		}
		for _, v := range tt.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		for _, v := range tt.xfp {
			r.Header.Add("X-Forwarded-Proto", v)
		}
		addr, https := tr.Client(r)
		if addr.String() != tt.wantAddr || https != tt.wantHTTPS {
			t.Errorf("%s: Client = %s, https %v; want %s, %v", tt.name, addr, https, tt.wantAddr, tt.wantHTTPS)
		}
	}
}

func TestHandler(t *testing.T) {
	tr, _ := Parse([]string{"127.0.0.1"})
	var seen *http.Request
	h := tr.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { seen = r }))

	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:999"
	r.Header.Set("X-Forwarded-For", "198.51.100.1")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if seen.RemoteAddr != "198.51.100.1:0" {
		t.Errorf("through a trusted proxy: RemoteAddr %q", seen.RemoteAddr)
	}

	r = httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "203.0.113.9:5555"
	r.Header.Set("X-Forwarded-For", "198.51.100.1")
	r.Header.Set("X-Forwarded-Proto", "https")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if seen.RemoteAddr != "203.0.113.9:5555" || seen.Header.Get("X-Forwarded-For") != "" || seen.Header.Get("X-Forwarded-Proto") != "" {
		t.Errorf("direct: RemoteAddr %q, headers %v", seen.RemoteAddr, seen.Header)
	}
}
