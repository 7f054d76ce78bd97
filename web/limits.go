package web

import "time"

// Abuse limits and timeouts of the HTTP layer, in one place so that a reader
// (and the confidentiality review) finds every bound the server enforces.
// Limits on the content of fields (name and text lengths, attendees per
// meeting…) are the domain's and live in the root package.
const (
	// MaxRequestBodyBytes bounds every request body. The largest legitimate
	// body is a track or meeting with parley.MaxTextLen characters of text
	// (at most 4 bytes each) and a few hundred linked ids: well under 1 MiB.
	MaxRequestBodyBytes = 1 << 20

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

	// requestIDBytes is the entropy of a request id (hex-encoded in the
	// X-Request-Id header, the logs and the problem documents).
	requestIDBytes = 16
)
