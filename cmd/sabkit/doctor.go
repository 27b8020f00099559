//go:build !js

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/sabkit/sabkit/internal/doctor"
)

func runDoctor(args []string) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	settle := fs.Duration("settle", time.Second, "how long to keep watching requests after the page loads")
	timeout := fs.Duration("timeout", time.Minute, "give up after this long")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: sabkit doctor [flags] URL\n\nOpens URL in headless Chromium and reports crossOriginIsolated, the document's COOP/COEP\nheaders and every subresource's CORP/CORS status, naming what COEP blocks and the header that fixes it.\nExits 1 when something needs fixing.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	rep, err := doctor.Check(context.Background(), fs.Arg(0), doctor.Options{Settle: *settle, Timeout: *timeout})
	if err != nil {
		fmt.Fprintln(os.Stderr, "sabkit doctor:", err)
		return 2
	}
	rep.Write(os.Stdout)
	if !rep.OK() {
		return 1
	}
	return 0
}
