package sabkit_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/sabkit/sabkit"
)

// One errors.As finds the error whichever package returned it; errors.Is
// matches the shared kind and, for a context that ended, the context's
// error too.
func ExampleError() {
	var err error = &sabkit.Error{Package: "atomicsx", Op: "WaitContext", Kind: sabkit.ErrCanceled,
		Detail: "gave up waiting", Err: context.DeadlineExceeded}
	var e *sabkit.Error
	fmt.Println(errors.As(err, &e), e.Package, e.Op)
	fmt.Println(errors.Is(err, sabkit.ErrCanceled), errors.Is(err, context.DeadlineExceeded), errors.Is(err, sabkit.ErrClosed))
	fmt.Println(err)
	// Output:
	// true atomicsx WaitContext
	// true true false
	// atomicsx.WaitContext: canceled: gave up waiting: context deadline exceeded
}

func ExamplePythonError() {
	var err error = &sabkit.Error{Package: "pyodidebridge", Op: "Call", Kind: sabkit.ErrPython,
		Err: &sabkit.PythonError{Type: "ZeroDivisionError", Message: "division by zero"}}
	var pe *sabkit.PythonError
	fmt.Println(errors.Is(err, sabkit.ErrPython), errors.As(err, &pe), pe.Type)
	fmt.Println(err)
	// Output:
	// true true ZeroDivisionError
	// pyodidebridge.Call: exception raised in Python: ZeroDivisionError: division by zero
}
