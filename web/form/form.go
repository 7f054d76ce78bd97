// Package form decodes a page's HTML form into the same Go struct the JSON
// API decodes its body into, by the struct's json tags (read through
// jsonfield, as the JSON decoder and the OpenAPI document read them), so
// that a page and the API are two adapters over one use-case input.
//
// # Field names
//
// A form field is named by the JSON path of the member it sets:
//
//   - a member: title, starts_at; of a nested struct: child.name;
//   - a slice of scalars or of registered types: the name repeated, one
//     value each (checkboxes, a multiple select); empty values are skipped;
//   - a slice of structs: name[i].member, i a non-negative index; indexes
//     need not be contiguous (an element's fields come together by index)
//     and the elements keep the order of their indexes;
//   - a map with string keys: name[key], and name[key1][key2] for a map of
//     maps; the key is any text without "]".
//
// # Values
//
// Strings are taken as typed. Numbers (an int64 member is a record id, chosen
// from a list), booleans and times are trimmed and
// parsed: a bool is on, true or 1 (a checked box) or off, false, 0 or empty;
// a time is RFC 3339, or a datetime-local or date field's value read as UTC.
// An empty value of a pointer leaves it nil; an empty value of a number is
// zero if its member is optional (omitempty) and refused otherwise, as the
// JSON decoder refuses a missing required member. Types the Decoder has a
// Parser for are parsed by it (values of types of other packages that have
// no text form of their own, such as a choice of a theme's option).
//
// # Errors
//
// Every refusal is a *parley.Error with code EINVALID whose field is the
// form field's name and whose message says in words what the field
// wants; the message never quotes the value. A field that sets no member
// is refused too, so a form and its struct cannot drift apart silently.
package form

import (
	"fmt"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parley-talks/parley"
	"github.com/parley-talks/parley/web/internal/jsonfield"
)

// MaxIndex bounds the index of a slice element (name[i].member), so that a
// form cannot make the decoder allocate a large slice: elements are kept
// sparse, but an index is a number the page chose.
const MaxIndex = 10_000

// Parser parses one value of a type into a reflect.Value of that type.
type Parser func(string) (reflect.Value, error)

// Decoder decodes forms. The zero Decoder decodes the standard kinds; Parse
// registers parsers of other types.
type Decoder struct {
	parsers map[reflect.Type]Parser
	// Ignore names fields that set no member and are not refused (the CSRF
	// token).
	Ignore []string
}

// Parse registers parse for values of type T.
func Parse[T any](d *Decoder, parse func(string) (T, error)) {
	if d.parsers == nil {
		d.parsers = map[reflect.Type]Parser{}
	}
	d.parsers[reflect.TypeFor[T]()] = func(s string) (reflect.Value, error) {
		v, err := parse(s)
		return reflect.ValueOf(v), err
	}
}

// Decode sets the members of dst, a pointer to a struct, from values.
func (d *Decoder) Decode(values url.Values, dst any) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		panic(fmt.Sprintf("form: Decode needs a pointer to a struct, not %T", dst))
	}
	root := &node{}
	names := make([]string, 0, len(values))
	for name := range values {
		names = append(names, name)
	}
	slices.Sort(names) // the first error is the same for the same form
	for _, name := range names {
		if slices.Contains(d.Ignore, name) {
			continue
		}
		path, err := splitPath(name)
		if err != nil {
			return err
		}
		if err := root.add(name, path, values[name]); err != nil {
			return err
		}
	}
	return d.decodeStruct(v.Elem(), root)
}

// node is a form's fields as a tree of their paths: "a.b[3].c" is the
// child a, its child b, its child [3], its child c, which holds the
// values.
type node struct {
	name     string   // the field's full name, for errors (at a leaf)
	values   []string // at a leaf
	leaf     bool
	keys     []string // the children in the order they came
	children map[string]*node
	bracket  bool // the children are bracketed: indexes or keys
}

func (n *node) add(name string, path []step, vals []string) error {
	if len(path) == 0 {
		if n.children != nil {
			return unknown(name)
		}
		n.name, n.values, n.leaf = name, vals, true
		return nil
	}
	if n.leaf || (n.children != nil && n.bracket != path[0].bracket) {
		return unknown(name)
	}
	if n.children == nil {
		n.children = map[string]*node{}
		n.bracket = path[0].bracket
	}
	c := n.children[path[0].name]
	if c == nil {
		c = &node{name: name}
		n.children[path[0].name] = c
		n.keys = append(n.keys, path[0].name)
	}
	return c.add(name, path[1:], vals)
}

// step is one step of a field's path: a member name, or a bracketed index
// or key.
type step struct {
	name    string
	bracket bool
}

// splitPath splits "a.b[3].c[key]" into a, b, [3], c, [key].
func splitPath(name string) ([]step, error) {
	var out []step
	rest := name
	for rest != "" {
		if rest[0] == '[' {
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, unknown(name)
			}
			out = append(out, step{name: rest[1:end], bracket: true})
			rest = rest[end+1:]
		} else {
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			if end == 0 {
				return nil, unknown(name)
			}
			out = append(out, step{name: rest[:end]})
			rest = rest[end:]
		}
		if strings.HasPrefix(rest, ".") {
			rest = rest[1:]
			if rest == "" || rest[0] == '[' || rest[0] == '.' {
				return nil, unknown(name)
			}
		}
	}
	if len(out) == 0 || out[0].bracket {
		return nil, unknown(name)
	}
	return out, nil
}

func unknown(name string) error {
	return parley.Errorf(parley.EINVALID, name, "this form has no field %q; reload the page", name)
}

var timeType = reflect.TypeFor[time.Time]()

// composite reports whether values of t are decoded from children (a
// struct, a slice of structs, a map) rather than from a field's values.
func (d *Decoder) composite(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if d.parsers[t] != nil || t == timeType {
		return false
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return true
	case reflect.Slice:
		return d.composite(t.Elem()) && t.Elem().Kind() != reflect.Slice
	}
	return false
}

// decode sets v from n: its children for a composite, its values
// otherwise.
func (d *Decoder) decode(v reflect.Value, n *node, optional bool) error {
	if n.leaf {
		if d.composite(v.Type()) {
			return unknown(n.name)
		}
		return d.setValue(v, n.name, n.values, optional)
	}
	t := v.Type()
	if t.Kind() == reflect.Pointer {
		if v.IsNil() {
			v.Set(reflect.New(t.Elem()))
		}
		return d.decode(v.Elem(), n, optional)
	}
	switch {
	case !d.composite(t):
		return unknown(n.name)
	case t.Kind() == reflect.Struct && !n.bracket:
		return d.decodeStruct(v, n)
	case t.Kind() == reflect.Slice && n.bracket:
		type elem struct {
			i int
			n *node
		}
		var elems []elem
		for _, k := range n.keys {
			i, err := strconv.Atoi(k)
			if err != nil || i < 0 || i > MaxIndex || strconv.Itoa(i) != k {
				return unknown(n.children[k].name)
			}
			elems = append(elems, elem{i, n.children[k]})
		}
		slices.SortFunc(elems, func(a, b elem) int { return a.i - b.i })
		for _, e := range elems {
			ev := reflect.New(t.Elem()).Elem()
			if err := d.decode(ev, e.n, false); err != nil {
				return err
			}
			v.Set(reflect.Append(v, ev))
		}
		return nil
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String && n.bracket:
		if v.IsNil() {
			v.Set(reflect.MakeMap(t))
		}
		for _, k := range n.keys {
			ev := reflect.New(t.Elem()).Elem()
			if err := d.decode(ev, n.children[k], false); err != nil {
				return err
			}
			v.SetMapIndex(reflect.ValueOf(k).Convert(t.Key()), ev)
		}
		return nil
	}
	return unknown(n.name)
}

func (d *Decoder) decodeStruct(v reflect.Value, n *node) error {
	fields := jsonfield.Of(v.Type())
	for _, k := range n.keys {
		i := slices.IndexFunc(fields, func(f jsonfield.Field) bool { return f.Name == k })
		if i < 0 {
			return unknown(n.children[k].name)
		}
		if err := d.decode(v.FieldByIndex(fields[i].Index), n.children[k], fields[i].OmitEmpty); err != nil {
			return err
		}
	}
	return nil
}

// setValue sets v from a field's values: all of them for a slice, else
// the last one (a form that sends a single field twice means the last).
func (d *Decoder) setValue(v reflect.Value, name string, vals []string, optional bool) error {
	t := v.Type()
	if t.Kind() == reflect.Slice && d.parsers[t] == nil {
		for _, s := range vals {
			if strings.TrimSpace(s) == "" {
				continue
			}
			ev := reflect.New(t.Elem()).Elem()
			if err := d.setOne(ev, name, s, false); err != nil {
				return err
			}
			v.Set(reflect.Append(v, ev))
		}
		return nil
	}
	s := ""
	if len(vals) > 0 {
		s = vals[len(vals)-1]
	}
	return d.setOne(v, name, s, optional)
}

// setOne sets v from one value.
func (d *Decoder) setOne(v reflect.Value, name, s string, optional bool) error {
	t := v.Type()
	if t.Kind() == reflect.Pointer && d.parsers[t] == nil {
		if strings.TrimSpace(s) == "" {
			v.Set(reflect.Zero(t))
			return nil
		}
		p := reflect.New(t.Elem())
		if err := d.setOne(p.Elem(), name, s, false); err != nil {
			return err
		}
		v.Set(p)
		return nil
	}
	if parse := d.parsers[t]; parse != nil {
		x, err := parse(s)
		if err != nil {
			return parley.Errorf(parley.EINVALID, name, "%s", parley.ErrorMessage(err))
		}
		v.Set(x)
		return nil
	}
	if t == timeType {
		tm, err := parseTime(s)
		if err != nil {
			return parley.Errorf(parley.EINVALID, name, "enter a date and time like 2024-03-01T09:30 (UTC)")
		}
		v.Set(reflect.ValueOf(tm))
		return nil
	}
	trimmed := strings.TrimSpace(s)
	switch t.Kind() {
	case reflect.String:
		v.SetString(s)
		return nil
	case reflect.Bool:
		switch strings.ToLower(trimmed) {
		case "on", "true", "1":
			v.SetBool(true)
		case "off", "false", "0", "":
			v.SetBool(false)
		default:
			return parley.Errorf(parley.EINVALID, name, "tick the box or leave it empty")
		}
		return nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		if trimmed == "" && optional {
			v.SetInt(0)
			return nil
		}
		n, err := strconv.ParseInt(trimmed, 10, t.Bits())
		if err != nil {
			if t.Kind() == reflect.Int64 {
				return parley.Errorf(parley.EINVALID, name, "choose one from the list")
			}
			return parley.Errorf(parley.EINVALID, name, "enter a whole number, like 30")
		}
		v.SetInt(n)
		return nil
	case reflect.Float32, reflect.Float64:
		if trimmed == "" && optional {
			v.SetFloat(0)
			return nil
		}
		x, err := strconv.ParseFloat(trimmed, t.Bits())
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return parley.Errorf(parley.EINVALID, name, "enter a number, like 0.25")
		}
		v.SetFloat(x)
		return nil
	}
	return unknown(name)
}

// parseTime reads RFC 3339, or a datetime-local or date field's value as
// UTC.
func parseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	var err error
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05", "2006-01-02"} {
		var t time.Time
		if t, err = time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, err
}
