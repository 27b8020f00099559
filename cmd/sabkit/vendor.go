//go:build !js

package main

import (
	"flag"
	"fmt"
	"io"
	iofs "io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/sabkit/sabkit/internal/devserver"
)

// vendorMarker marks a folder sabkit vendor wrote, so that the next run may
// replace it and a folder of the user's never is.
const vendorMarker = ".sabkit-vendor"

func runVendor(args []string) int { return runVendorTo(os.Stdout, args) }

func runVendorTo(stdout io.Writer, args []string) int {
	fs := flag.NewFlagSet("vendor", flag.ContinueOnError)
	out := fs.String("o", "sabkit-js", "the folder to write; a folder an earlier sabkit vendor wrote is replaced, any other must be empty or absent")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: sabkit vendor [-o DIR]\n\n"+
			"Writes sabkit's JavaScript for pages without Go (sabkit.mjs, its types, the worker and shared-heap\n"+
			"scripts, the Python helpers and sabkit-atomics.mjs) into DIR: the files `sabkit serve` serves under\n"+
			"/sabkit/, with a package.json, so DIR can be served as it is, copied into a site, or installed with\n"+
			"`npm install ./DIR` and imported as \"sabkit\" and \"sabkit/atomics\".")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	n, err := vendorJS(*out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sabkit vendor:", err)
		return 1
	}
	// npm reads a bare name as a registry package: say ./DIR for a relative one.
	spec := filepath.ToSlash(filepath.Clean(*out))
	if !filepath.IsAbs(*out) && !strings.HasPrefix(spec, ".") {
		spec = "./" + spec
	}
	fmt.Fprintf(stdout, "wrote %s (%s) to %s: serve it next to your pages, or `npm install %s`\n",
		plural(len(devserver.SabkitFileNames), "file", "files"), humanSize(n), *out, spec)
	return 0
}

// eachSabkitFile calls f with each file sabkit serves under /sabkit/ (what
// build ships and vendor writes), stopping at the first error.
func eachSabkitFile(f func(name string, data []byte) error) error {
	for _, name := range devserver.SabkitFileNames {
		data, err := iofs.ReadFile(devserver.SabkitFiles(), name)
		if err != nil {
			return err
		}
		if err := f(name, data); err != nil {
			return err
		}
	}
	return nil
}

// vendorJS writes devserver.SabkitFiles into out and returns the bytes written.
func vendorJS(out string) (int64, error) {
	dst, err := filepath.Abs(out)
	if err != nil {
		return 0, err
	}
	if err := prepareOut(dst, vendorMarker, "sabkit vendor"); err != nil {
		return 0, err
	}
	var total int64
	err = eachSabkitFile(func(name string, data []byte) error {
		total += int64(len(data))
		return os.WriteFile(filepath.Join(dst, name), data, 0o644)
	})
	if err != nil {
		return 0, err
	}
	return total, os.WriteFile(filepath.Join(dst, vendorMarker), []byte("written by sabkit vendor; the next run replaces this folder\n"), 0o644)
}
