//go:build js && wasm

package sabkit_test

import (
	"context"
	"errors"
	"syscall/js"
	"testing"

	"github.com/sabkit/sabkit"
	"github.com/sabkit/sabkit/atomicsx"
	"github.com/sabkit/sabkit/gpuupload"
	"github.com/sabkit/sabkit/pyodidebridge"
	"github.com/sabkit/sabkit/sabview"
)

// Each package's Error is the one type.
var (
	_ *sabkit.Error       = (*sabview.Error)(nil)
	_ *sabkit.Error       = (*atomicsx.Error)(nil)
	_ *sabkit.Error       = (*gpuupload.Error)(nil)
	_ *sabkit.Error       = (*pyodidebridge.Error)(nil)
	_ *sabkit.PythonError = (*pyodidebridge.PythonError)(nil)
)

// TestSharedKinds: a condition more than one package reports is one value.
func TestSharedKinds(t *testing.T) {
	tests := []struct {
		name      string
		got, want error
	}{
		{"sabview.ErrOutOfRange", sabview.ErrOutOfRange, sabkit.ErrOutOfRange},
		{"atomicsx.ErrOutOfRange", atomicsx.ErrOutOfRange, sabkit.ErrOutOfRange},
		{"gpuupload.ErrOutOfRange", gpuupload.ErrOutOfRange, sabkit.ErrOutOfRange},
		{"sabview.ErrMisaligned", sabview.ErrMisaligned, sabkit.ErrMisaligned},
		{"gpuupload.ErrMisaligned", gpuupload.ErrMisaligned, sabkit.ErrMisaligned},
		{"sabview.ErrNotShared", sabview.ErrNotShared, sabkit.ErrNotShared},
		{"atomicsx.ErrNotShared", atomicsx.ErrNotShared, sabkit.ErrNotShared},
		{"pyodidebridge.ErrNotShared", pyodidebridge.ErrNotShared, sabkit.ErrNotShared},
		{"sabview.ErrRevoked", sabview.ErrRevoked, sabkit.ErrRevoked},
		{"atomicsx.ErrView", atomicsx.ErrView, sabkit.ErrView},
		{"gpuupload.ErrView", gpuupload.ErrView, sabkit.ErrView},
		{"pyodidebridge.ErrView", pyodidebridge.ErrView, sabkit.ErrView},
		{"atomicsx.ErrCanceled", atomicsx.ErrCanceled, sabkit.ErrCanceled},
		{"gpuupload.ErrCanceled", gpuupload.ErrCanceled, sabkit.ErrCanceled},
		{"pyodidebridge.ErrCanceled", pyodidebridge.ErrCanceled, sabkit.ErrCanceled},
		{"sabview.ErrNotIsolated", sabview.ErrNotIsolated, sabkit.ErrNotIsolated},
		{"pyodidebridge.ErrNotIsolated", pyodidebridge.ErrNotIsolated, sabkit.ErrNotIsolated},
		{"atomicsx.ErrUnsupported", atomicsx.ErrUnsupported, sabkit.ErrUnsupported},
		{"atomicsx.ErrArgument", atomicsx.ErrArgument, sabkit.ErrArgument},
		{"pyodidebridge.ErrClosed", pyodidebridge.ErrClosed, sabkit.ErrClosed},
		{"pyodidebridge.ErrFreed", pyodidebridge.ErrFreed, sabkit.ErrFreed},
		{"gpuupload.ErrFreed", gpuupload.ErrFreed, sabkit.ErrFreed},
		{"pyodidebridge.ErrWorkerDead", pyodidebridge.ErrWorkerDead, sabkit.ErrWorkerDead},
		{"pyodidebridge.ErrName", pyodidebridge.ErrName, sabkit.ErrName},
		{"pyodidebridge.ErrPython", pyodidebridge.ErrPython, sabkit.ErrPython},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s is not sabkit's %v", tt.name, tt.want)
		}
	}
}

// TestErrorsAcrossPackages: errors that packages really return match the
// same sentinels and the same type.
func TestErrorsAcrossPackages(t *testing.T) {
	buf := js.Global().Get("ArrayBuffer").New(16)
	v, err := sabview.FromBuffer[int32](buf, 0, 4)
	if err != nil {
		t.Fatal(err)
	}
	_, atomicsErr := atomicsx.Load(v, 9)
	_, viewErr := v.At(9)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, waitErr := atomicsx.WaitContext(ctx, mustShared(t), 0, 0)
	_, gpuErr := gpuupload.Open(ctx, gpuupload.Options{})
	_, nilViewErr := atomicsx.Load(nil, 0)
	tests := []struct {
		name string
		err  error
		is   []error
	}{
		{"atomicsx.Load out of range", atomicsErr, []error{sabview.ErrOutOfRange, gpuupload.ErrOutOfRange}},
		{"View.At out of range", viewErr, []error{atomicsx.ErrOutOfRange}},
		{"atomicsx.WaitContext canceled", waitErr, []error{pyodidebridge.ErrCanceled, context.Canceled}},
		{"atomicsx.Load(nil)", nilViewErr, []error{gpuupload.ErrView, pyodidebridge.ErrView}},
		// gpuupload.Open with an ended context: ErrCanceled where WebGPU
		// exists, ErrNoWebGPU where it does not (Node).
		{"gpuupload.Open canceled", gpuErr, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e *sabkit.Error
			if !errors.As(tt.err, &e) {
				t.Fatalf("%v (%T) is not a *sabkit.Error", tt.err, tt.err)
			}
			for _, target := range tt.is {
				if !errors.Is(tt.err, target) {
					t.Errorf("%v does not match %v", tt.err, target)
				}
			}
		})
	}
}

func mustShared(t *testing.T) *sabview.View[int32] {
	t.Helper()
	v, err := sabview.NewShared[int32](1)
	if err != nil {
		t.Skip("no SharedArrayBuffer here:", err)
	}
	return v
}
