//go:build !js

package sharedheap_test

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"

	"github.com/sabkit/sabkit/internal/sharedheap"
)

// Serve the scripts under /sharedheap/ so a page can start
// new Worker("/sharedheap/worker.js") or load sharedheap.js with a <script>
// tag. (Send the isolation headers too, for example with internal/coihttp.)
func ExampleAssets() {
	names, _ := fs.Glob(sharedheap.Assets(), "*.js")
	fmt.Println(names)
	http.Handle("/sharedheap/", http.StripPrefix("/sharedheap/", http.FileServerFS(sharedheap.Assets())))
	// Output: [sharedheap.js worker.js]
}

// Errors carry what went wrong and what to do; branch on the kind.
func ExampleError() {
	var err error = &sharedheap.Error{Package: "sharedheap", Op: "Run", Kind: sharedheap.ErrPython,
		Err: &sharedheap.PythonError{Type: "ValueError", Message: "boom"}}
	var pe *sharedheap.PythonError
	fmt.Println(errors.Is(err, sharedheap.ErrPython), errors.As(err, &pe), pe.Type)
	fmt.Println(err)
	// Output:
	// true true ValueError
	// sharedheap.Run: exception raised in Python: ValueError: boom
}
