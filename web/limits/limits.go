// Package limits holds the abuse limits and timeouts of the HTTP layer, in
// one place so that a reader (and the confidentiality review) finds every
// bound the server enforces. Limits on the content of fields (name and text
// lengths, attendees per meeting…) are the domain's and live in the root
// package.
package limits

import "time"

const (
	// MaxRequestBodyBytes bounds every request body. The largest legitimate
	// body is a track or meeting with parley.MaxTextLen characters of text
	// (at most 4 bytes each) and a few hundred linked ids: well under 1 MiB.
	MaxRequestBodyBytes = 1 << 20

	// MaxCSVBodyBytes bounds a side's list sent as a file (CSV or .xlsx,
	// as the body or a page's multipart upload) to the add-persons route:
	// parley.MaxPrisoners rows of the nine art. 122 columns run to about
	// 100 bytes a row in practice, 5 MB; 16 MiB leaves room for long names
	// in Cyrillic (two bytes a letter, four in UTF-16). The file is read
	// whole within the bound (a workbook is a zip, read from its end); a
	// JSON body to the same route stays within MaxRequestBodyBytes.
	MaxCSVBodyBytes = 16 << 20

	// MaxScenarioZipBytes bounds a scenario zip sent as the body of an
	// import or a profiles upload (or a page's multipart upload). The
	// largest ANAC scenario's files zip to well under 1 MiB; what a zip
	// expands to is bounded by genius.ReadZip (64 MiB in all).
	MaxScenarioZipBytes = 8 << 20

	// MaxRejectionsListed bounds the rejected rows a refusal's problem
	// document lists (its rejected member counts them all): a list of
	// parley.MaxPrisoners bad rows would otherwise answer megabytes. The
	// whole list comes as a file with ?rejections=csv or xlsx, and on the
	// page as a download.
	MaxRejectionsListed = 1000

	// MaxFormTokenPeekBytes bounds what authn.LiftFormCSRF reads of a page's
	// multipart/form-data body to find the CSRF token, which the form sends
	// as its first part: the part's headers and the token, a few hundred
	// bytes, fit many times over. Those bytes are kept and handed on with
	// the rest of the body, unread, to the handler, which streams it.
	MaxFormTokenPeekBytes = 8 << 10

	// MaxCSRFTokenBytes bounds the token read from that first part (a
	// token is 64 hex digits).
	MaxCSRFTokenBytes = 256

	// MaxHeaderBytes bounds the request line and headers.
	MaxHeaderBytes = 64 << 10

	// ReadHeaderTimeout bounds how long a client may take to send the
	// request line and headers (slowloris).
	ReadHeaderTimeout = 5 * time.Second
	// ReadTimeout bounds reading the whole request, body included.
	ReadTimeout = 15 * time.Second
	// WriteTimeout bounds the time from the end of the request headers to
	// the end of the response.
	WriteTimeout = 30 * time.Second
	// IdleTimeout closes keep-alive connections that stay idle this long.
	IdleTimeout = 120 * time.Second

	// HealthTimeout bounds the store check of GET /healthz.
	HealthTimeout = 2 * time.Second

	// RequestIDBytes is the entropy of a request id (hex-encoded in the
	// X-Request-Id header, the logs and the problem documents).
	RequestIDBytes = 16
)

// Sign-in: sessions, throttling and the cost of a guess. A session's secret
// and an API token are 256 random bits (password.NewToken), so they need no
// throttle of their own; passwords do.
const (
	// SessionIdleTimeout ends a session that has not been used this long.
	SessionIdleTimeout = 30 * time.Minute
	// SessionMaxAge ends a session this long after sign-in, however busy.
	SessionMaxAge = 12 * time.Hour
	// SessionTouchInterval is how stale a session's last-seen time may get
	// before a request writes a new one: a request costs an indexed read,
	// and at most one write per session per interval. The idle expiry is
	// therefore exact to within this interval.
	SessionTouchInterval = time.Minute

	// SignInFreeFailures failed sign-ins to one account from one client
	// address (known account or not, so that a delay reveals nothing) cost
	// nothing more; after that, each further attempt from that address
	// must wait SignInFirstDelay, doubled with each failure, up to
	// SignInMaxDelay. A success resets the count. The delay is per
	// (account, address): nobody can lock a delegate out from elsewhere.
	SignInFreeFailures = 5
	SignInFirstDelay   = time.Second
	SignInMaxDelay     = 5 * time.Minute
	// SignInFailureWindow forgets the failures of an (account, address)
	// after this long without another.
	SignInFailureWindow = time.Hour

	// AddressLoginBurst sign-in attempts may come at once from one client
	// address (an IPv6 /64 counts as one address); after that, one more per
	// AddressLoginInterval. Each attempt costs an argon2id hash.
	AddressLoginBurst    = 20
	AddressLoginInterval = 3 * time.Second

	// PendingSignInTTL is how long a browser that gave the right password
	// of an account with a second factor has to give its code; within it,
	// at most PendingSignInAttempts codes. Wrong codes count as failed
	// sign-ins of the (account, address) too. MaxPendingSignIns bounds the
	// pending sign-ins kept in memory.
	PendingSignInTTL      = 5 * time.Minute
	PendingSignInAttempts = 5
	MaxPendingSignIns     = 10000

	// AuthCacheTTL is the longest a cached caller (authn's cache) is used
	// without reading the store: the staleness a change made by another
	// process (the command line, another server) may have.
	AuthCacheTTL = time.Second
	// AuthCacheMaxEntries bounds the caller cache; a full cache is emptied.
	AuthCacheMaxEntries = 10_000

	// MaxThrottleEntries bounds the (account, address) pairs and addresses
	// the throttle remembers; past it, entries that impose no wait are
	// forgotten first.
	MaxThrottleEntries = 100_000
)
