//go:build !js

package devserver

import (
	"fmt"
	"net"
	"net/http"
	"time"
)

// The timeouts of the server NewServer makes: a client gets this long to
// send its request headers, and an idle keep-alive connection is closed
// after IdleTimeout, so dead or slow clients do not hold connections.
const (
	ReadHeaderTimeout = 10 * time.Second
	IdleTimeout       = 2 * time.Minute
)

// NewServer returns an http.Server for h with the timeouts above. There
// is no write timeout: Pyodide's files are large and links can be slow.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: ReadHeaderTimeout, IdleTimeout: IdleTimeout}
}

// URL is the address a browser on this machine should open for a server
// listening on addr: an unspecified address (0.0.0.0, [::]) becomes
// localhost, which browsers treat as a secure context.
func URL(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if ok && tcp.IP.IsUnspecified() {
		return fmt.Sprintf("http://localhost:%d/", tcp.Port)
	}
	return "http://" + addr.String() + "/"
}

// InsecureWarning says why pages from a server listening on addr are not
// cross-origin isolated for browsers on other machines, or returns "" for
// a loopback address. A page over plain HTTP is a secure context only from
// localhost, and without a secure context there is no crossOriginIsolated
// and no SharedArrayBuffer, whatever the headers say.
func InsecureWarning(addr net.Addr) string {
	tcp, ok := addr.(*net.TCPAddr)
	if !ok || tcp.IP.IsLoopback() {
		return ""
	}
	where := tcp.IP.String() + " is not a loopback address"
	if tcp.IP.IsUnspecified() {
		where = "listening on every interface (" + addr.String() + ")"
	}
	return fmt.Sprintf("warning: %s. Browsers on other machines get plain HTTP, which is not a secure context: "+
		"crossOriginIsolated stays false and SharedArrayBuffer does not exist there. Open the page as "+
		"http://localhost:%d/ on this machine, or put HTTPS in front of the server.", where, tcp.Port)
}
