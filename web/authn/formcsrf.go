package authn

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/parley-talks/parley/web/limits"
)

// Pages change things with POST forms that carry the session's CSRF token
// in the csrf_token field. LiftFormCSRF lifts that field into the
// X-CSRF-Token header before the guard runs, so the Authenticator checks a
// form exactly as it checks a script's request (origin, Sec-Fetch-Site and
// the token); a form without the token is refused. A multipart/form-data
// form (a file upload) must send the token as its first part — the hidden
// input comes first in the form — so that it is found within
// limits.MaxFormTokenPeekBytes of the body, without reading the file.

// LiftFormCSRF lifts the csrf_token field of a page's form into the
// X-CSRF-Token header, where the Authenticator checks it. It reads the
// body of url-encoded POSTs to pages only, within the body limit.
func LiftFormCSRF(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" && !strings.HasPrefix(r.URL.Path, "/api/") && r.Header.Get(CSRFHeader) == "" {
			tok := ""
			switch mt, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt {
			case "application/x-www-form-urlencoded":
				if err := r.ParseForm(); err == nil {
					tok = r.PostForm.Get(CSRFFormField)
				}
			case "multipart/form-data":
				tok = multipartToken(r, params["boundary"])
			}
			if tok != "" {
				r.Header.Set(CSRFHeader, tok)
			}
		}
		next.ServeHTTP(w, r)
	})
}

// multipartToken returns the csrf_token of a multipart form if it is the
// form's first part, reading at most limits.MaxFormTokenPeekBytes of the body
// (within the route's body limit, which applies first). The bytes read are
// put back in front of the rest of the body, so the handler reads the
// whole form as it came, as a stream.
func multipartToken(r *http.Request, boundary string) string {
	if boundary == "" {
		return ""
	}
	var peeked bytes.Buffer
	body := r.Body
	mr := multipart.NewReader(io.LimitReader(io.TeeReader(body, &peeked), limits.MaxFormTokenPeekBytes), boundary)
	tok := ""
	if part, err := mr.NextPart(); err == nil && part.FormName() == CSRFFormField && part.FileName() == "" {
		b, err := io.ReadAll(io.LimitReader(part, limits.MaxCSRFTokenBytes+1))
		if err == nil && len(b) <= limits.MaxCSRFTokenBytes {
			tok = string(b)
		}
	}
	r.Body = struct {
		io.Reader
		io.Closer
	}{io.MultiReader(&peeked, body), body}
	return tok
}
