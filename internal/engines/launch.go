//go:build !js

package engines

import (
	"fmt"
	"io"
	"os/exec"
	"syscall"
	"time"
)

// LaunchOptions says how to start a browser.
type LaunchOptions struct {
	// URL is the page to open.
	URL string
	// Dir is a fresh directory for the profile, HOME and temporary files;
	// the caller removes it.
	Dir string
	// Isolated says the page is served with COOP/COEP. WebKitGTK gets
	// JSC_useSharedArrayBuffer=1 only then, so a page without isolation
	// sees what Safari shows it: no SharedArrayBuffer.
	Isolated bool
	// ChromiumFlags are added to Chromium's switches; other engines ignore
	// them.
	ChromiumFlags []string
	// Output receives the browser's stdout and stderr (console messages
	// land there in Firefox and WebKit); nil discards them.
	Output io.Writer
}

const groupGuard = `trap 'trap - TERM; kill -TERM 0; exit 143' TERM; "$@" & wait $!`

// Browser is a running browser process group.
type Browser struct {
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// Launch starts the engine's browser at bin on o.URL, in a new session and
// process group so that Stop can end it with every child it spawned (content
// processes, the X server).
func (e *Engine) Launch(bin string, o LaunchOptions) (*Browser, error) {
	cmd, err := e.launch(bin, o)
	if err != nil {
		return nil, err
	}
	// A shell heads the group: if the test process dies without calling
	// Stop (a test timeout, a kill), the kernel sends the shell SIGTERM and
	// the shell passes it on to the whole group, grandchildren included.
	guarded := exec.Command("/bin/sh", append([]string{"-c", groupGuard, "sh", cmd.Path}, cmd.Args[1:]...)...)
	guarded.Env, guarded.Dir = cmd.Env, cmd.Dir
	cmd = guarded
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Pdeathsig: syscall.SIGTERM}
	if o.Output != nil {
		cmd.Stdout, cmd.Stderr = o.Output, o.Output
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("%s: starting %s: %w", e.Name, bin, err)
	}
	b := &Browser{cmd: cmd, done: make(chan struct{})}
	go func() {
		b.err = cmd.Wait()
		close(b.done)
	}()
	return b, nil
}

// Exited is closed when the browser's main process has ended.
func (b *Browser) Exited() <-chan struct{} { return b.done }

// Err is how the main process ended; valid after Exited is closed.
func (b *Browser) Err() error { return b.err }

// Stop ends the browser's process group: SIGTERM first, so xvfb-run and
// Xvfb clean up their lock files, then SIGKILL for whatever is left.
func (b *Browser) Stop() {
	pgid := b.cmd.Process.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-b.done:
	case <-time.After(3 * time.Second):
	}
	// Children can outlive the main process; the group is gone only when
	// signalling it fails.
	deadline := time.Now().Add(3 * time.Second)
	for syscall.Kill(-pgid, 0) == nil && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	syscall.Kill(-pgid, syscall.SIGKILL)
	<-b.done
}
