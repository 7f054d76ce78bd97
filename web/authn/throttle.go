package authn

import (
	"fmt"
	"math"
	"net"
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
//   - per account: limits.AccountLockFailures failures in a row lock the account
//     for limits.AccountLockDuration. Accounts are keyed by the normalised email
//     as typed, whether or not such an account exists, so a lock says
//     nothing about existence.
//   - per client address: a token bucket of limits.AddressLoginBurst attempts,
//     refilled one per limits.AddressLoginInterval, spent by every attempt.
//
// The throttle lives in the server's memory: a restart forgets it, and
// servers behind a load balancer each keep their own.
type loginThrottle struct {
	mu        sync.Mutex
	accounts  map[string]*accountFailures
	addresses map[string]*bucket
}

type accountFailures struct {
	count       int
	last        time.Time
	lockedUntil time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{accounts: map[string]*accountFailures{}, addresses: map[string]*bucket{}}
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

// checkAccount refuses while the account is locked.
func (t *loginThrottle) checkAccount(account string, now time.Time) *tooMany {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.accounts[account]
	if a != nil && now.Before(a.lockedUntil) {
		return &tooMany{retry: a.lockedUntil.Sub(now), what: "too many failed sign-ins"}
	}
	return nil
}

// fail records a failed sign-in; the failure that reaches
// limits.AccountLockFailures starts the lock.
func (t *loginThrottle) fail(account string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	a := t.accounts[account]
	if a == nil {
		t.makeRoom(now)
		a = &accountFailures{}
		t.accounts[account] = a
	}
	if now.Sub(a.last) > limits.AccountFailureWindow || (!a.lockedUntil.IsZero() && !now.Before(a.lockedUntil)) {
		a.count, a.lockedUntil = 0, time.Time{}
	}
	a.count++
	a.last = now
	if a.count >= limits.AccountLockFailures {
		a.lockedUntil = now.Add(limits.AccountLockDuration)
	}
}

// succeed forgets the account's failures.
func (t *loginThrottle) succeed(account string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.accounts, account)
}

// makeRoom forgets stale entries when the maps are full: buckets that have
// refilled, failures outside the window, then any entry without a lock.
// Called with t.mu held.
func (t *loginThrottle) makeRoom(now time.Time) {
	if len(t.accounts)+len(t.addresses) < limits.MaxThrottleEntries {
		return
	}
	for k, b := range t.addresses {
		if now.Sub(b.at) >= limits.AddressLoginBurst*limits.AddressLoginInterval {
			delete(t.addresses, k)
		}
	}
	for k, a := range t.accounts {
		if now.Sub(a.last) > limits.AccountFailureWindow && !now.Before(a.lockedUntil) {
			delete(t.accounts, k)
		}
	}
	for k, a := range t.accounts {
		if len(t.accounts)+len(t.addresses) < limits.MaxThrottleEntries {
			return
		}
		if !now.Before(a.lockedUntil) {
			delete(t.accounts, k)
		}
	}
	for k := range t.addresses {
		if len(t.accounts)+len(t.addresses) < limits.MaxThrottleEntries {
			return
		}
		delete(t.addresses, k)
	}
}

// clientAddress is the key of the request's client for the throttle: its IP
// address, or the /64 of an IPv6 address (one host's usual allocation). The
// server does not trust X-Forwarded-For; behind a proxy every client shares
// the proxy's bucket.
func clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.String()
	}
	return ip.String()
}
