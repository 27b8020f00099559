//go:build js && wasm

package sabview

import (
	"reflect"
	"syscall/js"
)

// Element is the set of Go types that have a JavaScript typed-array
// counterpart. Named types are allowed; the underlying kind picks the array.
//
//	int8 → Int8Array      uint8 → Uint8Array      int16 → Int16Array
//	uint16 → Uint16Array  int32 → Int32Array      uint32 → Uint32Array
//	float32 → Float32Array  float64 → Float64Array
//	int64 → BigInt64Array   uint64 → BigUint64Array
type Element interface {
	~int8 | ~uint8 | ~int16 | ~uint16 | ~int32 | ~uint32 |
		~float32 | ~float64 | ~int64 | ~uint64
}

// ElementType describes one Element type in each vocabulary sabkit speaks:
// Go's, JavaScript's typed arrays, and Python's buffer protocol and NumPy.
// It is the one table of element types in sabkit.
type ElementType struct {
	Go        string // Go type name: "float32"
	ArrayType string // JavaScript typed-array constructor: "Float32Array"
	Size      int    // bytes per element; also the byte alignment a view needs
	Format    string // Python struct / memoryview format character: "f"
	Kind      byte   // NumPy dtype kind: 'i' signed, 'u' unsigned, 'f' float
}

// bitwise reports an element type that At and Set move as uint32 words
// rather than as JavaScript numbers: 64-bit integers, whose BigInt values
// cannot cross syscall/js, and floats, whose NaN payloads (and, through
// syscall/js, the sign of zero) a trip through a JavaScript number may change.
func (e *ElementType) bitwise() bool { return e.Size == 8 || e.Kind == 'f' }

var (
	infoInt8    = &ElementType{"int8", "Int8Array", 1, "b", 'i'}
	infoUint8   = &ElementType{"uint8", "Uint8Array", 1, "B", 'u'}
	infoInt16   = &ElementType{"int16", "Int16Array", 2, "h", 'i'}
	infoUint16  = &ElementType{"uint16", "Uint16Array", 2, "H", 'u'}
	infoInt32   = &ElementType{"int32", "Int32Array", 4, "i", 'i'}
	infoUint32  = &ElementType{"uint32", "Uint32Array", 4, "I", 'u'}
	infoFloat32 = &ElementType{"float32", "Float32Array", 4, "f", 'f'}
	infoFloat64 = &ElementType{"float64", "Float64Array", 8, "d", 'f'}
	infoInt64   = &ElementType{"int64", "BigInt64Array", 8, "q", 'i'}
	infoUint64  = &ElementType{"uint64", "BigUint64Array", 8, "Q", 'u'}

	elementTypes = []*ElementType{infoInt8, infoUint8, infoInt16, infoUint16, infoInt32, infoUint32,
		infoFloat32, infoFloat64, infoInt64, infoUint64}
)

func infoOf[T Element]() *ElementType {
	switch reflect.TypeFor[T]().Kind() {
	case reflect.Int8:
		return infoInt8
	case reflect.Uint8:
		return infoUint8
	case reflect.Int16:
		return infoInt16
	case reflect.Uint16:
		return infoUint16
	case reflect.Int32:
		return infoInt32
	case reflect.Uint32:
		return infoUint32
	case reflect.Float32:
		return infoFloat32
	case reflect.Float64:
		return infoFloat64
	case reflect.Int64:
		return infoInt64
	default: // reflect.Uint64; the constraint admits nothing else
		return infoUint64
	}
}

// TypeOf returns the description of T.
func TypeOf[T Element]() ElementType { return *infoOf[T]() }

// ElementTypes returns every Element type, smallest first.
func ElementTypes() []ElementType {
	out := make([]ElementType, len(elementTypes))
	for i, e := range elementTypes {
		out[i] = *e
	}
	return out
}

// lookupArrayType returns the element type whose typed array is named
// arrayType ("Float32Array").
func lookupArrayType(arrayType string) (ElementType, bool) {
	for _, e := range elementTypes {
		if e.ArrayType == arrayType {
			return *e, true
		}
	}
	return ElementType{}, false
}

// isTypedArrayTag reports whether tag names a typed array, including the
// kinds no Element maps to.
func isTypedArrayTag(tag string) bool {
	switch tag {
	case "Uint8ClampedArray", "Float16Array":
		return true
	}
	_, ok := lookupArrayType(tag)
	return ok
}

// ctorCache holds JS constructors by name; looking one up by name through
// syscall/js decodes the name on every call, so do it once.
var ctorCache = map[string]js.Value{}

func ctor(name string) js.Value {
	c, ok := ctorCache[name]
	if !ok {
		c = js.Global().Get(name)
		ctorCache[name] = c
	}
	return c
}
