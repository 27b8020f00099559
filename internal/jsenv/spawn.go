//go:build js && wasm

package jsenv

import (
	"errors"
	"flag"
	"os"
	"strings"
	"syscall/js"
)

// EnvChild is set in the environment of a test binary started by SpawnSelf
// (to the child's name), so a helper test knows it is the child.
const EnvChild = "SABKIT_CHILD"

// ErrNoHarness is returned where the browser harness's worker spawner is
// missing: under Node, or in a page the harness did not make.
var ErrNoHarness = errors.New("jsenv: no browser harness here (sabkitHarness is undefined); " +
	"cross-thread tests run under `go test` on the host, which drives Chromium")

// Child is a copy of the running test binary in a DedicatedWorker.
type Child struct {
	Worker   js.Value   // the Worker object, for postMessage
	Exited   <-chan int // receives the child's exit status once
	funcs    []js.Func  // released when the child exits
	messages chan js.Value
}

// SpawnSelf starts this test binary again in a DedicatedWorker with args
// (typically -test.run=TestHelperX) and extra environment variables, in the
// manner of os/exec's helper-process tests. The child's output is streamed
// into the host test's output prefixed with its name.
func SpawnSelf(args []string, env map[string]string) (*Child, error) {
	h := js.Global().Get("sabkitHarness")
	if h.IsUndefined() {
		return nil, ErrNoHarness
	}
	// The child runs the same tests with the same scale as the parent.
	for _, name := range []string{"test.short", "test.v"} {
		if f := flag.Lookup(name); f != nil && f.Value.String() == "true" && !hasFlag(args, name) {
			args = append([]string{"-" + name + "=true"}, args...)
		}
	}
	jsArgs := make([]any, len(args))
	for i, a := range args {
		jsArgs[i] = a
	}
	jsEnv := map[string]any{}
	for k, v := range env {
		jsEnv[k] = v
	}
	r := h.Call("spawn", jsArgs, jsEnv)
	exited := make(chan int, 1)
	c := &Child{Worker: r.Get("worker"), Exited: exited}
	c.listen()
	onExit := js.FuncOf(func(this js.Value, a []js.Value) any {
		exited <- a[0].Int()
		for _, f := range c.funcs {
			f.Release()
		}
		return nil
	})
	c.funcs = append(c.funcs, onExit)
	r.Get("exited").Call("then", onExit)
	return c, nil
}

func hasFlag(args []string, name string) bool {
	for _, a := range args {
		if strings.HasPrefix(a, "-"+name) || strings.HasPrefix(a, "--"+name) {
			return true
		}
	}
	return false
}

// Messages delivers what the child posts with PostToParent (and any other
// message it posts that is not the harness's own), in order, from the
// moment the child was spawned.
func (c *Child) Messages() <-chan js.Value { return c.messages }

func (c *Child) listen() {
	ch := make(chan js.Value, 4096)
	f := js.FuncOf(func(this js.Value, a []js.Value) any {
		data := a[0].Get("data")
		if data.Type() == js.TypeObject && !data.Get("sabkit").IsUndefined() {
			return nil // harness traffic: output and exit status
		}
		select {
		case ch <- data:
		default:
			go func() { ch <- data }()
		}
		return nil
	})
	c.funcs = append(c.funcs, f)
	c.Worker.Call("addEventListener", "message", f)
	c.messages = ch
}

// PostToParent posts msg (structured-cloned; SharedArrayBuffers and
// WebAssembly.Memory objects are shared, not copied) from a child started
// by SpawnSelf to the thread that started it, which reads it from
// Child.Messages.
func PostToParent(msg any) error {
	if !IsChild() {
		return ErrNoHarness
	}
	js.Global().Call("postMessage", msg)
	return nil
}

// Inbox delivers messages posted to this worker (by the thread that spawned
// it) to a channel, including messages that arrived before the call. It is
// for child workers started by SpawnSelf.
func Inbox() (<-chan js.Value, error) {
	h := js.Global().Get("sabkitHarness")
	if h.IsUndefined() {
		return nil, ErrNoHarness
	}
	ch := make(chan js.Value, 4096)
	f := js.FuncOf(func(this js.Value, a []js.Value) any {
		select {
		case ch <- a[0]:
		default:
			// Never block the JS event loop: the Go thread that would drain
			// the channel is the one running this callback.
			go func(v js.Value) { ch <- v }(a[0])
		}
		return nil
	})
	h.Call("onMessage", f)
	return ch, nil
}

// IsChild reports whether this binary was started by SpawnSelf.
func IsChild() bool { return childName() != "" }

func childName() string { return os.Getenv(EnvChild) }
