package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"

	"github.com/danielgtaylor/huma/v2"
)

// jsonFormats are huma's formats with our decoder for JSON bodies.
func jsonFormats() map[string]huma.Format {
	formats := make(map[string]huma.Format, len(huma.DefaultFormats))
	for k, f := range huma.DefaultFormats {
		if k == "application/json" || k == "json" {
			f.Unmarshal = unmarshalJSON
		}
		formats[k] = f
	}
	return formats
}

// unmarshalJSON decodes a request body. huma decodes each body twice: into an
// any for the schema validator, then into the handler's struct.
//
// For the validator, a number beyond float64 (1e400) is kept as a json.Number
// instead of failing the whole decode: the validator takes it for neither a
// number nor a string, and reports it at its field (422) rather than the body
// being called invalid JSON (400). For the struct, a value its field cannot
// hold (2⁶³ for an id, 1.5 for a count) is described in the API's words and
// reported at the field (see fieldFromDecode).
func unmarshalJSON(data []byte, v any) error {
	p, ok := v.(*any)
	if !ok {
		err := json.Unmarshal(data, v)
		if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
			if te.Field == "" {
				return fmt.Errorf("must be %s", wireKind(te.Type))
			}
			return fmt.Errorf("field %s must be %s", te.Field, wireKind(te.Type))
		}
		return err
	}
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	if err := d.Decode(p); err != nil {
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("invalid character after top-level value")
	}
	*p = plainNumbers(*p)
	return nil
}

// plainNumbers turns the json.Numbers of a decoded value into float64, as
// encoding/json would, except those no field can hold, which stay json.Numbers.
func plainNumbers(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			v[k] = plainNumbers(x)
		}
	case []any:
		for i, x := range v {
			v[i] = plainNumbers(x)
		}
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			return v // beyond float64; one beyond int64 is refused at its field by the struct decode
		}
		return f
	}
	return v
}

// wireKind names a Go type as a JSON value.
func wireKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number in range"
	case reflect.Float32, reflect.Float64:
		return "a number in range"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a valid value"
}
