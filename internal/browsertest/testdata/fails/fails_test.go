//go:build js && wasm

package fails

import "testing"

func TestPasses(t *testing.T) { t.Log("this line is streamed") }

func TestFails(t *testing.T) { t.Fatal("deliberate failure from the wasm side") }
