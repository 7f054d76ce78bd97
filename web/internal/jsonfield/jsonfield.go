// Package jsonfield reads struct types as encoding/json sees them. The JSON
// decoder of the API, the form decoder of the pages and the OpenAPI
// document all read struct types through Of, so that what the document
// says a body holds is exactly what the decoders accept.
package jsonfield

import (
	"reflect"
	"strings"
	"sync"
)

// Field is one member of a struct as encoding/json sees it.
type Field struct {
	Name      string
	Index     []int
	Type      reflect.Type
	OmitEmpty bool // absent from output when empty; in request bodies: optional
}

var cache sync.Map // reflect.Type → []Field

// Of lists the JSON members of struct type t in declaration order,
// following embedded structs and skipping unexported and `json:"-"` fields.
func Of(t reflect.Type) []Field {
	if fs, ok := cache.Load(t); ok {
		return fs.([]Field)
	}
	var fs []Field
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			for _, sub := range Of(f.Type) {
				sub.Index = append([]int{i}, sub.Index...)
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
		fs = append(fs, Field{
			Name:      name,
			Index:     []int{i},
			Type:      f.Type,
			OmitEmpty: strings.Contains(","+opts+",", ",omitempty,"),
		})
	}
	cache.Store(t, fs)
	return fs
}
