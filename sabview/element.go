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

// elemInfo describes how one element type maps onto JavaScript.
type elemInfo struct {
	size   int    // bytes per element; also the required byte alignment
	ctor   string // JS constructor name, e.g. "Float32Array"
	wide   bool   // 64-bit integer: read and written as two uint32 halves
	signed bool
}

var (
	infoInt8    = &elemInfo{size: 1, ctor: "Int8Array", signed: true}
	infoUint8   = &elemInfo{size: 1, ctor: "Uint8Array"}
	infoInt16   = &elemInfo{size: 2, ctor: "Int16Array", signed: true}
	infoUint16  = &elemInfo{size: 2, ctor: "Uint16Array"}
	infoInt32   = &elemInfo{size: 4, ctor: "Int32Array", signed: true}
	infoUint32  = &elemInfo{size: 4, ctor: "Uint32Array"}
	infoFloat32 = &elemInfo{size: 4, ctor: "Float32Array", signed: true}
	infoFloat64 = &elemInfo{size: 8, ctor: "Float64Array", signed: true}
	infoInt64   = &elemInfo{size: 8, ctor: "BigInt64Array", wide: true, signed: true}
	infoUint64  = &elemInfo{size: 8, ctor: "BigUint64Array", wide: true}
)

func infoOf[T Element]() *elemInfo {
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

// ElementSize reports the size in bytes of one T, which is also the byte
// alignment a view of T requires.
func ElementSize[T Element]() int { return infoOf[T]().size }

// ArrayType reports the name of the JavaScript typed-array constructor used
// for T, such as "Float32Array".
func ArrayType[T Element]() string { return infoOf[T]().ctor }

// ctorCache holds JS constructors by name; looking one up by name through
// syscall/js costs a few hundred nanoseconds, so do it once.
var ctorCache = map[string]js.Value{}

func ctor(name string) js.Value {
	c, ok := ctorCache[name]
	if !ok {
		c = js.Global().Get(name)
		ctorCache[name] = c
	}
	return c
}
