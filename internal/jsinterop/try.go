//go:build js && wasm

package jsinterop

import "syscall/js"

// Thrown is a JavaScript exception (or any thrown value) as a Go error.
type Thrown struct {
	Value js.Value
}

func (e *Thrown) Error() string { return Message(e.Value) }

// Name returns the thrown Error's name ("TypeError", "RangeError", …), or ""
// when the thrown value is not an Error-like object.
func (e *Thrown) Name() string { return ErrorName(e.Value) }

// Try calls f and returns what it returns. A JavaScript exception thrown
// inside f is returned as a *Thrown; any other panic (a Go bug) is re-raised
// unchanged.
func Try(f func() js.Value) (v js.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			je, ok := r.(js.Error)
			if !ok {
				panic(r)
			}
			v, err = js.Undefined(), &Thrown{Value: je.Value}
		}
	}()
	return f(), nil
}

// Do is Try for calls whose result is not needed.
func Do(f func()) error {
	_, err := Try(func() js.Value { f(); return js.Undefined() })
	return err
}

// ErrorName returns v.name when v is an object with a string name, else "".
func ErrorName(v js.Value) string {
	if v.Type() != js.TypeObject && v.Type() != js.TypeFunction {
		return ""
	}
	if n := v.Get("name"); n.Type() == js.TypeString {
		return n.String()
	}
	return ""
}

// Message renders a thrown or rejected JavaScript value as "Name: message"
// for Error objects, and as String(v) otherwise.
func Message(v js.Value) string {
	if v.Type() == js.TypeObject {
		if m := v.Get("message"); m.Type() == js.TypeString {
			if n := ErrorName(v); n != "" {
				return n + ": " + m.String()
			}
			return m.String()
		}
	}
	return js.Global().Get("String").Invoke(v).String()
}
