// Package sabkit holds what every sabkit package shares: Error, the one
// error type they all return (sabview.Error, atomicsx.Error,
// gpuupload.Error and pyodidebridge.Error are aliases of it), PythonError,
// and the kinds of error more than one package reports, each one sentinel
// value whichever package returns it:
//
//	var e *sabkit.Error
//	if errors.As(err, &e) {
//		fmt.Println(e.Package, e.Op, e.Fix)
//	}
//	if errors.Is(err, sabkit.ErrOutOfRange) { … } // from sabview, atomicsx or gpuupload alike
//
// A context that ended is ErrCanceled wrapping the context's error, so
// errors.Is(err, context.Canceled) holds as well.
//
// The data path lives in the packages: sabview (views over JavaScript
// memory), atomicsx (synchronisation and protocols), pyodidebridge (Python)
// and gpuupload (WebGPU). This package moves no bytes: it neither aliases
// nor copies.
package sabkit
