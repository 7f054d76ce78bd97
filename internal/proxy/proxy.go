// Package proxy finds a request's client through the reverse proxies the
// operator trusts.
//
// Behind a proxy every connection comes from the proxy, so the client's
// address and the scheme it used travel in X-Forwarded-For and
// X-Forwarded-Proto. Anyone can send those headers, so they count only on
// a connection from a trusted proxy, and only as far as the chain of
// trusted proxies goes: X-Forwarded-For is read from the right (the entry
// the nearest proxy added) and the client is the first address that is not
// itself a trusted proxy. An address a client put at the left of the header
// is never believed.
//
// # Threat model
//
// A client that connects directly, or through an untrusted hop, cannot
// choose the address or scheme the server sees. A trusted proxy is trusted
// to append the address it received the request from, as nginx's
// $proxy_add_x_forwarded_for, HAProxy's option forwardfor and Go's
// httputil.ReverseProxy do.
package proxy

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Trusted is the set of networks whose connections may speak for a client.
// The zero value trusts nobody.
type Trusted struct {
	prefixes []netip.Prefix
}

// Parse reads networks in CIDR notation (10.0.0.0/8, fd00::/8) or single
// addresses (127.0.0.1, ::1). It names the first value that is neither.
func Parse(values []string) (Trusted, error) {
	var t Trusted
	for _, v := range values {
		v = strings.TrimSpace(v)
		if p, err := netip.ParsePrefix(v); err == nil {
			if p != p.Masked() {
				return Trusted{}, fmt.Errorf("proxy: %q has host bits set; did you mean %s?", v, p.Masked())
			}
			t.prefixes = append(t.prefixes, p)
			continue
		}
		a, err := netip.ParseAddr(v)
		if err != nil {
			return Trusted{}, fmt.Errorf("proxy: %q is neither a network (10.0.0.0/8) nor an address (127.0.0.1)", v)
		}
		a = a.Unmap()
		t.prefixes = append(t.prefixes, netip.PrefixFrom(a, a.BitLen()))
	}
	return t, nil
}

// Empty reports whether t trusts nobody.
func (t Trusted) Empty() bool { return len(t.prefixes) == 0 }

// Prefixes returns the trusted networks.
func (t Trusted) Prefixes() []netip.Prefix { return append([]netip.Prefix(nil), t.prefixes...) }

// Contains reports whether a is in a trusted network.
func (t Trusted) Contains(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range t.prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Client returns the address of r's client and whether it reached the
// first trusted proxy over HTTPS. Without a trusted proxy on the
// connection, it is the connection's peer and whether the connection is TLS.
func (t Trusted) Client(r *http.Request) (addr netip.Addr, https bool) {
	peer := peerAddr(r.RemoteAddr)
	https = r.TLS != nil
	if !peer.IsValid() || !t.Contains(peer) {
		return peer, https
	}
	addr = peer
	hops := forwardedFor(r.Header)
	trustedHops := 0 // hops from the right whose sender was a trusted proxy
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(stripPort(hops[i]))
		if err != nil {
			break // garbage: stop at the last address we could believe
		}
		addr = a.Unmap()
		trustedHops++
		if !t.Contains(addr) {
			break
		}
	}
	if protos := headerList(r.Header, "X-Forwarded-Proto"); len(protos) > 0 {
		// Each trusted proxy appends the scheme it was reached by; the
		// one added by the proxy the client reached is as far left as the
		// trusted chain goes.
		i := max(len(protos)-trustedHops, 0)
		if trustedHops == 0 {
			i = len(protos) - 1
		}
		https = strings.EqualFold(protos[i], "https")
	}
	return addr, https
}

// Handler sets r.RemoteAddr to the client's address (Client) for h, so
// that logs and per-address limits see the client rather than the proxy,
// and drops the forwarding headers of a request that did not come through
// a trusted proxy.
func (t Trusted) Handler(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		peer := peerAddr(r.RemoteAddr)
		if !peer.IsValid() || !t.Contains(peer) {
			if r.Header.Get("X-Forwarded-For") != "" || r.Header.Get("X-Forwarded-Proto") != "" {
				r = r.Clone(r.Context())
				r.Header.Del("X-Forwarded-For")
				r.Header.Del("X-Forwarded-Proto")
			}
			h.ServeHTTP(w, r)
			return
		}
		addr, _ := t.Client(r)
		if addr != peer {
			r2 := *r
			r2.RemoteAddr = net.JoinHostPort(addr.String(), "0")
			r = &r2
		}
		h.ServeHTTP(w, r)
	})
}

func peerAddr(remote string) netip.Addr {
	if ap, err := netip.ParseAddrPort(remote); err == nil {
		return ap.Addr().Unmap()
	}
	a, _ := netip.ParseAddr(remote)
	return a.Unmap()
}

// forwardedFor lists X-Forwarded-For's addresses, every header line in
// order.
func forwardedFor(h http.Header) []string { return headerList(h, "X-Forwarded-For") }

func headerList(h http.Header, name string) []string {
	var out []string
	for _, line := range h.Values(name) {
		for _, v := range strings.Split(line, ",") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// stripPort removes a port some proxies add: "[::1]:443", "1.2.3.4:80".
func stripPort(v string) string {
	if ap, err := netip.ParseAddrPort(v); err == nil {
		return ap.Addr().String()
	}
	return strings.Trim(v, "[]")
}
