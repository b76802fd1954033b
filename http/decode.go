package http

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"unicode/utf16"
	"unicode/utf8"

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
//
// Before either, checkBody refuses what encoding/json would take but should
// not: text that is not UTF-8 (it would store U+FFFD in its place) and
// bodies of a shape no operation takes, which would cost the validator an
// error per member.
func unmarshalJSON(data []byte, v any) error {
	if err := checkBody(data); err != nil {
		return err
	}
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

// Limits on a body's shape, above any body of this API (the largest object
// has 21 properties, the largest array 7 items), so that no valid request
// meets them.
const (
	maxMembers = 100 // members of one object, or items of one array
	maxDepth   = 20  // objects and arrays inside each other
)

// shapePrefix starts the message of a body refused for its shape: huma
// reports a decoding error as a 400, and the error hook (problem.go) makes
// these a 422, as they are well-formed JSON.
const shapePrefix = "body shape: "

// checkBody scans a JSON body without decoding it, and stops at the first
// of: a byte sequence that is not UTF-8, an escaped lone surrogate ("\ud800"),
// an object or array of more than maxMembers, or a nesting deeper than
// maxDepth. Whatever else is wrong with the JSON is left to the decoder.
func checkBody(data []byte) error {
	var members [maxDepth + 1]int
	depth := 0
	for i := 0; i < len(data); i++ {
		switch c := data[i]; c {
		case '"':
			n, err := checkString(data[i+1:])
			if err != nil {
				return err
			}
			i += n + 1
		case '{', '[':
			if depth++; depth > maxDepth {
				return shapeError(data, fmt.Sprintf("nests objects and arrays more than %d deep", maxDepth))
			}
			members[depth] = 0
		case '}', ']':
			if depth > 0 {
				depth--
			}
		case ',':
			if depth > 0 {
				if members[depth]++; members[depth] >= maxMembers {
					return shapeError(data, fmt.Sprintf("has an object or array of more than %d members", maxMembers))
				}
			}
		}
	}
	return nil
}

// shapeError is the error for a body refused for its shape, unless the
// body is not even JSON, which is the decoder's error to report.
func shapeError(data []byte, msg string) error {
	if !json.Valid(data) {
		var v any
		return json.Unmarshal(data, &v) // the syntax error, found before anything is decoded
	}
	return errors.New(shapePrefix + msg)
}

// checkString checks the string that starts at s (after its opening quote)
// and returns its length up to its closing quote (len(s) when there is none).
func checkString(s []byte) (int, error) {
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"':
			return i, nil
		case c == '\\':
			if i+1 < len(s) && s[i+1] == 'u' {
				r, ok := hex4(s[i+2:])
				if ok && utf16.IsSurrogate(r) {
					low, lok := rune(0), false
					if i+7 < len(s) && s[i+6] == '\\' && s[i+7] == 'u' {
						low, lok = hex4(s[i+8:])
					}
					if r >= 0xdc00 || !lok || low < 0xdc00 || low > 0xdfff {
						return 0, fmt.Errorf("a string holds a lone surrogate \\u%04x, which is not a character", r)
					}
					i += 12
					continue
				}
			}
			i += 2
		case c < utf8.RuneSelf:
			i++
		default:
			r, n := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && n == 1 {
				return 0, errors.New("the text is not UTF-8")
			}
			i += n
		}
	}
	return len(s), nil
}

// hex4 reads the four hex digits of a \u escape.
func hex4(s []byte) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range s[:4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
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
