// Command benchplot turns the output of sabkit's peer benchmark into an SVG
// chart, one panel per part: the no-op call round trip (p50 bar, p99 tick),
// the time to obtain a float32 array Python filled, per size (p50, p99), and
// sustained frames per second with the torn count. Latencies use a
// logarithmic axis, frames per second a linear one.
//
//	go test ./pyodidebridge -run Browser -bench Peers | tee peers.txt | go run ./internal/benchplot > docs/peers.svg
//
// It reads `go test -bench` lines named BenchmarkPeers/<part>/[size=<s>/]peer=<name>
// with the metrics p50-µs, p99-µs, frames/s and torn, and ignores every
// other line. It only reads text and writes text: nothing is aliased.
package main
