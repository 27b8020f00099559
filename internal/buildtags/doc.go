// Package buildtags holds the guard test that keeps sabkit's build
// constraints honest: every Go file that touches JavaScript must be built
// only for js/wasm, so `go build ./...`, `go vet ./...` and the host-side
// test harness keep working on the host. It has no API.
package buildtags
