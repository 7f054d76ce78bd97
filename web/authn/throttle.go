package authn

import (
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/limits"
)

// loginThrottle limits password guessing in two ways (package limits):
//
//   - per (account, client address): after limits.SignInFreeFailures
//     failures, each further attempt must wait a delay that doubles with
//     each failure, from limits.SignInFirstDelay up to limits.SignInMaxDelay.
//     Accounts are keyed by the normalised email as typed, whether or not
//     such an account exists, so a delay says nothing about existence.
//     Failures from one address never delay another: a guesser cannot
//     lock a delegate out.
//   - per client address: a token bucket of limits.AddressLoginBurst
//     attempts, refilled one per limits.AddressLoginInterval, spent by
//     every attempt, so one address cannot spray guesses over accounts.
//
// A client's address is the connection's peer, or behind a trusted
// reverse proxy the client it names (package proxy, applied by the server
// before a request reaches here).
//
// The throttle lives in the server's memory: a restart forgets it, and
// servers behind a load balancer each keep their own.
type loginThrottle struct {
	mu        sync.Mutex
	pairs     map[pairKey]*pairFailures
	addresses map[string]*bucket
}

type pairKey struct{ account, address string }

type pairFailures struct {
	count     int
	last      time.Time
	waitUntil time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{pairs: map[pairKey]*pairFailures{}, addresses: map[string]*bucket{}}
}

// tooMany is the 429 problem with the time to wait, also sent as
// Retry-After (whole seconds, rounded up).
type tooMany struct {
	retry time.Duration
	what  string
}

func (e *tooMany) Error() string { return e.message() }

func (e *tooMany) seconds() int { return max(1, int(math.Ceil(e.retry.Seconds()))) }

func (e *tooMany) message() string { return fmt.Sprintf("%s; try again in %d s", e.what, e.seconds()) }

// answer sets Retry-After on w and returns the 429 problem.
func (e *tooMany) answer(w http.ResponseWriter) error {
	w.Header().Set("Retry-After", strconv.Itoa(e.seconds()))
	return parley.Errorf(parley.ETOOMANYREQUEST, "", "%s", e.message())
}

// allowAttempt spends one attempt of the address's bucket, or says how long
// to wait.
func (t *loginThrottle) allowAttempt(addr string, now time.Time) *tooMany {
	t.mu.Lock()
	defer t.mu.Unlock()
	b := t.addresses[addr]
	if b == nil {
		t.makeRoom(now)
		b = &bucket{tokens: limits.AddressLoginBurst, at: now}
		t.addresses[addr] = b
	}
	b.tokens = min(limits.AddressLoginBurst, b.tokens+float64(now.Sub(b.at))/float64(limits.AddressLoginInterval))
	b.at = now
	if b.tokens < 1 {
		wait := time.Duration((1 - b.tokens) * float64(limits.AddressLoginInterval))
		return &tooMany{retry: wait, what: "too many sign-in attempts from your address"}
	}
	b.tokens--
	return nil
}

// checkPair refuses while the account must wait before another attempt
// from this address.
func (t *loginThrottle) checkPair(account, addr string, now time.Time) *tooMany {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.pairs[pairKey{account, addr}]
	if p != nil && now.Before(p.waitUntil) {
		return &tooMany{retry: p.waitUntil.Sub(now), what: "too many failed sign-ins to this account from your address"}
	}
	return nil
}

// delayAfter is the wait after the count-th failure in a row:
// 0 up to SignInFreeFailures, then SignInFirstDelay·2^(count−free−1),
// at most SignInMaxDelay.
func delayAfter(count int) time.Duration {
	n := count - limits.SignInFreeFailures
	if n <= 0 {
		return 0
	}
	d := limits.SignInFirstDelay
	for i := 1; i < n && d < limits.SignInMaxDelay; i++ {
		d *= 2
	}
	return min(d, limits.SignInMaxDelay)
}

// fail records a failed sign-in to account from addr.
func (t *loginThrottle) fail(account, addr string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := pairKey{account, addr}
	p := t.pairs[k]
	if p == nil {
		t.makeRoom(now)
		p = &pairFailures{}
		t.pairs[k] = p
	}
	if now.Sub(p.last) > limits.SignInFailureWindow {
		p.count = 0
	}
	p.count++
	p.last = now
	p.waitUntil = now.Add(delayAfter(p.count))
}

// succeed forgets the failures of account from addr.
func (t *loginThrottle) succeed(account, addr string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.pairs, pairKey{account, addr})
}

// makeRoom forgets stale entries when the maps are full: buckets that have
// refilled, failures outside the window, then pairs that impose no wait,
// then anything. Called with t.mu held.
func (t *loginThrottle) makeRoom(now time.Time) {
	if len(t.pairs)+len(t.addresses) < limits.MaxThrottleEntries {
		return
	}
	for k, b := range t.addresses {
		if now.Sub(b.at) >= limits.AddressLoginBurst*limits.AddressLoginInterval {
			delete(t.addresses, k)
		}
	}
	for k, p := range t.pairs {
		if now.Sub(p.last) > limits.SignInFailureWindow {
			delete(t.pairs, k)
		}
	}
	for k, p := range t.pairs {
		if len(t.pairs)+len(t.addresses) < limits.MaxThrottleEntries {
			return
		}
		if !now.Before(p.waitUntil) {
			delete(t.pairs, k)
		}
	}
	for k := range t.addresses {
		if len(t.pairs)+len(t.addresses) < limits.MaxThrottleEntries {
			return
		}
		delete(t.addresses, k)
	}
}

// clientAddress is the key of the request's client for the throttle: its IP
// address, or the /64 of an IPv6 address (one host's usual allocation).
func clientAddress(r *http.Request) string {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	ip := ap.Addr()
	if err != nil {
		if ip, err = netip.ParseAddr(r.RemoteAddr); err != nil {
			return r.RemoteAddr
		}
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
