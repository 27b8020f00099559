//go:build !js

package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/sabkit/sabkit/internal/doctor"
)

func runDoctor(args []string) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	settle := fs.Duration("settle", time.Second, "how long the page must stay quiet (no request in flight) before the check ends")
	timeout := fs.Duration("timeout", time.Minute, "stop after this long, report what was seen and list the requests still pending")
	arg, ok := parseOneArg(fs, args, "usage: sabkit doctor [flags] URL\n\nOpens URL in headless Chromium, follows every frame and worker it creates (nested and shared\nworkers too) and reports crossOriginIsolated, the document's COOP/COEP/Document-Isolation-Policy and\nevery response's CORP/CORS status, redirect hops included, naming the context that asked for it,\nwhat is blocked and the header that fixes it. Exits 1 when something needs fixing or the timeout ran out.")
	if !ok {
		return 2
	}
	rep, err := doctor.Check(context.Background(), arg, doctor.Options{Settle: *settle, Timeout: *timeout})
	if err != nil {
		// doctor's errors name their package; the command name says it.
		fmt.Fprintln(os.Stderr, "sabkit doctor:", strings.TrimPrefix(err.Error(), "doctor: "))
		return 2
	}
	rep.Write(os.Stdout)
	return rep.ExitCode()
}
