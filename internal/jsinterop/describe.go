//go:build js && wasm

package jsinterop

import (
	"strconv"
	"strings"
	"syscall/js"
)

// TypeOf returns what JavaScript's typeof says of v.
func TypeOf(v js.Value) string {
	switch v.Type() {
	case js.TypeUndefined:
		return "undefined"
	case js.TypeNull:
		return "null"
	case js.TypeBoolean:
		return "boolean"
	case js.TypeNumber:
		return "number"
	case js.TypeString:
		return "string"
	case js.TypeSymbol:
		return "symbol"
	case js.TypeFunction:
		return "function"
	}
	return "object"
}

// Tag returns an object's built-in tag ("Float32Array", "SharedArrayBuffer",
// "WebAssembly.Memory", …), or TypeOf(v) for primitives.
func Tag(v js.Value) string {
	if v.Type() != js.TypeObject && v.Type() != js.TypeFunction {
		return TypeOf(v)
	}
	tag := objectToString.Call("call", v).String()
	return strings.TrimSuffix(strings.TrimPrefix(tag, "[object "), "]")
}

var objectToString = js.Global().Get("Object").Get("prototype").Get("toString")

// Describe names v for an error message: "a Float32Array", "the string \"x\"",
// "undefined".
func Describe(v js.Value) string {
	switch v.Type() {
	case js.TypeObject, js.TypeFunction:
		return "a " + Tag(v)
	case js.TypeString:
		return "the string " + strconv.Quote(v.String())
	}
	return TypeOf(v)
}
