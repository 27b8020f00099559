//go:build !js

// Command sabkit is the host-side companion of the sabkit library:
//
//	sabkit init [flags] DIR    write a small working app (Go, Python in a worker, one shared array) into DIR
//	sabkit serve [flags] DIR   serve DIR cross-origin isolated, with Pyodide self-hosted under /pyodide/
//	sabkit build [flags] [PKG] build an app into a folder any static host serves cross-origin isolated
//	sabkit vendor [-o DIR]     write sabkit's JavaScript for pages without Go into DIR (an npm package)
//	sabkit exec BINARY [ARGS]  run a js/wasm binary in a headless browser, for go test -exec="sabkit exec"
//	sabkit doctor URL          check a page for cross-origin isolation and name what blocks it
//	sabkit demo [--headless]   build and serve examples/shared_memory_gpu
//
// Run `sabkit help COMMAND` for a command's flags. Installed under the name
// go_js_wasm_exec on PATH, the binary is `sabkit exec`, which the go command
// then uses for every GOOS=js GOARCH=wasm `go test` and `go run`.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if strings.HasPrefix(filepath.Base(os.Args[0]), "go_js_wasm_exec") {
		os.Exit(runExec(os.Args[1:]))
	}
	os.Exit(run(os.Args[1:]))
}

type command struct {
	name, summary string
	run           func(args []string) int
}

var commands []command

func init() {
	commands = []command{
		{"init", "write a small working app into an empty directory", runInit},
		{"serve", "serve a directory cross-origin isolated, with Pyodide self-hosted", runServe},
		{"build", "build an app into a folder any static host serves cross-origin isolated", runBuild},
		{"vendor", "write sabkit's JavaScript for pages without Go into a folder (an npm package)", runVendor},
		{"exec", "run a js/wasm test binary in a headless browser (go test -exec=\"sabkit exec\")", runExec},
		{"doctor", "check a page for cross-origin isolation and name what blocks it", runDoctor},
		{"demo", "build and serve examples/shared_memory_gpu (--headless: run and verify it)", runDemo},
	}
}

func run(args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" && len(args) == 1 {
		usage()
		return 2
	}
	name := args[0]
	if name == "help" {
		name, args = args[1], []string{"-h"}
	} else {
		args = args[1:]
	}
	for _, c := range commands {
		if c.name == name {
			return c.run(args)
		}
	}
	fmt.Fprintf(os.Stderr, "sabkit: unknown command %q\n", name)
	usage()
	return 2
}

// parseOneArg parses a command's flags and its one argument; on a usage
// error it prints usage (the command's text and its flags) and reports false.
func parseOneArg(fs *flag.FlagSet, args []string, usage string) (string, bool) {
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return "", false
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return "", false
	}
	return fs.Arg(0), true
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: sabkit COMMAND [flags] [args]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(os.Stderr, "  %-8s %s\n", c.name, c.summary)
	}
}
