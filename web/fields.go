package web

import (
	"reflect"
	"strings"
	"sync"
)

// jsonField is one member of a struct as encoding/json sees it. The request
// decoder and the OpenAPI document both read struct types through
// jsonFields, so that what the document says a body holds is exactly what
// the decoder accepts.
type jsonField struct {
	name      string
	index     []int
	typ       reflect.Type
	omitempty bool // absent from output when empty; in request bodies: optional
}

var fieldCache sync.Map // reflect.Type → []jsonField

// jsonFields lists the JSON members of struct type t in declaration order,
// following embedded structs and skipping unexported and `json:"-"` fields.
func jsonFields(t reflect.Type) []jsonField {
	if fs, ok := fieldCache.Load(t); ok {
		return fs.([]jsonField)
	}
	var fs []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for _, sub := range jsonFields(f.Type) {
				sub.index = append([]int{i}, sub.index...)
				fs = append(fs, sub)
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fs = append(fs, jsonField{
			name:      name,
			index:     []int{i},
			typ:       f.Type,
			omitempty: strings.Contains(","+opts+",", ",omitempty,"),
		})
	}
	fieldCache.Store(t, fs)
	return fs
}
