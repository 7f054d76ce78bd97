package authn

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/parley-talks/parley/web/limits"
)

// FuzzMultipartToken: whatever the body, multipartToken hands the handler
// the body byte for byte, and a token only from a first part named
// csrf_token, of at most limits.MaxCSRFTokenBytes.
func FuzzMultipartToken(f *testing.F) {
	var seed bytes.Buffer
	mw := multipart.NewWriter(&seed)
	mw.SetBoundary("b0undary")
	mw.WriteField(CSRFFormField, "0123abcd")
	fw, _ := mw.CreateFormFile("csv", "list.csv")
	fw.Write([]byte("name,born,status,captured\n"))
	mw.Close()
	f.Add(seed.Bytes(), "b0undary")
	f.Add([]byte("--b0undary\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n--b0undary--\r\n"), "b0undary")
	f.Add(bytes.Repeat([]byte("a"), limits.MaxFormTokenPeekBytes+10), "b")
	f.Fuzz(func(t *testing.T, body []byte, boundary string) {
		r, err := http.NewRequest("POST", "/exchanges/1/lists/2", bytes.NewReader(body))
		if err != nil {
			t.Skip()
		}
		tok := multipartToken(r, boundary)
		got, err := io.ReadAll(r.Body)
		if err != nil || !bytes.Equal(got, body) {
			t.Fatalf("the handler reads %d bytes of %d (%v)", len(got), len(body), err)
		}
		if len(tok) > limits.MaxCSRFTokenBytes {
			t.Fatalf("a token of %d bytes", len(tok))
		}
		if tok != "" {
			mr := multipart.NewReader(bytes.NewReader(body), boundary)
			p, err := mr.NextPart()
			if err != nil || p.FormName() != CSRFFormField {
				t.Fatalf("a token from a body whose first part is not %s", CSRFFormField)
			}
		}
	})
}
