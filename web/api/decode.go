package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/internal/jsonfield"
	"github.com/parley-talks/parley/web/problem"
)

// decode reads the request body, which must be one JSON object, into
// dst, a pointer to a struct. It is strict so that a client's typo never
// passes silently:
//
//   - the Content-Type must be application/json (which also keeps plain
//     HTML forms from posting to the API);
//   - the body must be a single JSON object of at most MaxRequestBodyBytes;
//   - every member must name a field of dst exactly (case-sensitive);
//   - members of dst whose tag has no omitempty are required;
//   - for a field of type **T, an explicit null sets it to a pointer to nil
//     (clear the value), and absence leaves it nil (keep the value).
//
// Errors are EINVALID naming the field, or a 413/415 problem.HTTPError.
func decode(r *http.Request, dst any) error {
	if err := checkContentType(r); err != nil {
		return err
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err // *http.MaxBytesError becomes 413
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return parley.Errorf(parley.EINVALID, "", "the request body is empty; want a JSON object")
	}
	members, err := splitObject(body)
	if err != nil {
		return err
	}
	v := reflect.ValueOf(dst).Elem()
	fields := jsonfield.Of(v.Type())
	for _, name := range sortedKeys(members) {
		i := slices.IndexFunc(fields, func(f jsonfield.Field) bool { return f.Name == name })
		if i < 0 {
			return parley.Errorf(parley.EINVALID, name, "unknown field %q", name)
		}
		if err := decodeMember(v.FieldByIndex(fields[i].Index), name, members[name]); err != nil {
			return err
		}
	}
	for _, f := range fields {
		if _, ok := members[f.Name]; !ok && !f.OmitEmpty {
			return parley.Errorf(parley.EINVALID, f.Name, "field %q is required", f.Name)
		}
	}
	return nil
}

func checkContentType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return problem.UnsupportedMediaType(fmt.Sprintf("the request body must be application/json, not %q", ct))
	}
	return nil
}

// splitObject parses body as exactly one JSON object and returns its members.
func splitObject(body []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	var members map[string]json.RawMessage
	if err := dec.Decode(&members); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return nil, parley.Errorf(parley.EINVALID, "", "malformed JSON at offset %d: %s", se.Offset, strings.TrimPrefix(se.Error(), "json: "))
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, parley.Errorf(parley.EINVALID, "", "malformed JSON: the body ends in the middle of a value")
		case errors.As(err, &te):
			return nil, parley.Errorf(parley.EINVALID, "", "the request body must be a JSON object, not %s", jsonKind(te.Value))
		}
		return nil, parley.Errorf(parley.EINVALID, "", "malformed JSON: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	if members == nil {
		return nil, parley.Errorf(parley.EINVALID, "", "the request body must be a JSON object, not null")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, parley.Errorf(parley.EINVALID, "", "the request body must hold a single JSON value; more follows at offset %d", dec.InputOffset())
	}
	return members, nil
}

func decodeMember(fv reflect.Value, name string, raw json.RawMessage) error {
	if string(bytes.TrimSpace(raw)) == "null" && fv.Kind() == reflect.Pointer && fv.Type().Elem().Kind() == reflect.Pointer {
		fv.Set(reflect.New(fv.Type().Elem())) // explicit null: clear
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(fv.Addr().Interface()); err != nil {
		return memberError(name, fv.Type(), err)
	}
	return nil
}

// memberError names the field of a decoding error and says what it wants.
func memberError(name string, t reflect.Type, err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := name
		if te.Field != "" {
			field = name + "." + te.Field
		}
		return parley.Errorf(parley.EINVALID, field, "field %q must be %s, not %s", field, describeType(te.Type), jsonKind(te.Value))
	}
	if u, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		inner, _ := strconv.Unquote(u)
		field := name + "." + inner
		return parley.Errorf(parley.EINVALID, field, "unknown field %q", field)
	}
	if holdsTime(t) {
		return parley.Errorf(parley.EINVALID, name, "field %q must be a time in RFC 3339 form, like 2024-08-06T09:00:00Z", name)
	}
	return parley.Errorf(parley.EINVALID, name, "field %q has an invalid value", name)
}

var timeType = reflect.TypeFor[time.Time]()

func holdsTime(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	return t == timeType
}

// describeType says in JSON terms what a Go type wants.
func describeType(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}

// jsonKind names the kind of value encoding/json found ("number",
// "number 1.5", "string", "bool", "array", "object").
func jsonKind(v string) string {
	switch {
	case strings.HasPrefix(v, "number"):
		return "a number"
	case v == "string":
		return "a string"
	case v == "bool":
		return "a boolean"
	case v == "array":
		return "an array"
	case v == "object":
		return "an object"
	}
	return "a value of another type"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
