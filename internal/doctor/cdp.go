//go:build !js

package doctor

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"

	"github.com/chromedp/cdproto"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/sabkit/sabkit/internal/chromium"
)

// browser is one headless Chromium driven over --remote-debugging-pipe.
// The doctor talks CDP itself rather than through chromedp's contexts
// because it must address every auto-attached session (workers, frames)
// by its session ID, and chromedp drops messages of sessions it did not
// create.
type browser struct {
	cmd     *exec.Cmd
	conn    *chromedp.PipeConn
	profile string // removed on close when the doctor made it
	stderr  limited

	mu      sync.Mutex
	next    int64
	waiting map[int64]chan *cdproto.Message
	lost    chan struct{} // closed when the pipe ends
	lostErr error

	// onEvent runs on the reader goroutine for every event, in the order
	// Chromium sent them, so it must not block on a command.
	onEvent func(session target.SessionID, ev any)
}

// launch starts Chromium with chromium.Flags. profile "" makes a temporary
// profile directory.
func launch(bin, profile string, onEvent func(target.SessionID, any)) (*browser, error) {
	b := &browser{waiting: map[int64]chan *cdproto.Message{}, lost: make(chan struct{}), onEvent: onEvent, stderr: limited{max: 8 << 10}}
	if profile == "" {
		dir, err := os.MkdirTemp("", "sabkit-doctor-")
		if err != nil {
			return nil, fmt.Errorf("doctor: making a Chromium profile directory: %w", err)
		}
		profile, b.profile = dir, dir
	}
	// Chromium reads commands from fd 3 and writes to fd 4.
	cmdR, cmdW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		cmdR.Close()
		cmdW.Close()
		return nil, err
	}
	args := append(append([]string{}, chromium.Flags...), "--remote-debugging-pipe", "--user-data-dir="+profile, "about:blank")
	b.cmd = exec.Command(bin, args...)
	b.cmd.ExtraFiles = []*os.File{cmdR, outW}
	b.cmd.Stderr = &b.stderr
	if err := b.cmd.Start(); err != nil {
		cmdR.Close()
		cmdW.Close()
		outR.Close()
		outW.Close()
		b.removeProfile()
		return nil, fmt.Errorf("doctor: starting %s: %w", bin, err)
	}
	cmdR.Close()
	outW.Close()
	b.conn = chromedp.NewPipeConn(outR, cmdW)
	go b.read()
	return b, nil
}

func (b *browser) removeProfile() {
	if b.profile != "" {
		os.RemoveAll(b.profile)
	}
}

// read routes replies to their callers and events to onEvent.
func (b *browser) read() {
	defer close(b.lost)
	for {
		msg := new(cdproto.Message)
		if err := b.conn.Read(context.Background(), msg); err != nil {
			b.mu.Lock()
			b.lostErr = err
			b.mu.Unlock()
			return
		}
		if msg.ID != 0 {
			b.mu.Lock()
			ch := b.waiting[msg.ID]
			delete(b.waiting, msg.ID)
			b.mu.Unlock()
			if ch != nil {
				ch <- msg
			}
			continue
		}
		ev, err := cdproto.UnmarshalMessage(msg, chromedp.DefaultUnmarshalOptions)
		if err != nil {
			continue // an event this cdproto does not know
		}
		b.onEvent(msg.SessionID, ev)
	}
}

// call sends method with params to session ("" is the browser) and decodes
// the reply into res (nil to drop it). It ends with ctx and when Chromium
// goes away.
func (b *browser) call(ctx context.Context, session target.SessionID, method string, params, res any) error {
	raw, err := jsonv2.Marshal(params, chromedp.DefaultMarshalOptions)
	if err != nil {
		return err
	}
	ch := make(chan *cdproto.Message, 1)
	b.mu.Lock()
	b.next++
	id := b.next
	b.waiting[id] = ch
	b.mu.Unlock()
	forget := func() {
		b.mu.Lock()
		delete(b.waiting, id)
		b.mu.Unlock()
	}
	msg := &cdproto.Message{ID: id, SessionID: session, Method: cdproto.MethodType(method), Params: raw}
	if err := b.conn.Write(ctx, msg); err != nil {
		forget()
		return fmt.Errorf("doctor: %s: %w", method, err)
	}
	select {
	case reply := <-ch:
		if reply.Error != nil {
			return fmt.Errorf("doctor: %s: %w", method, reply.Error)
		}
		if res != nil && len(reply.Result) > 0 {
			return jsonv2.Unmarshal(reply.Result, res, chromedp.DefaultUnmarshalOptions)
		}
		return nil
	case <-ctx.Done():
		forget()
		return fmt.Errorf("doctor: %s: %w", method, ctx.Err())
	case <-b.lost:
		forget()
		return fmt.Errorf("doctor: %s: Chromium went away (%v): %s", method, b.lostErr, b.stderr.String())
	}
}

// close ends Chromium: closing the pipe asks it to exit, and it is killed
// if it has not within a few seconds.
func (b *browser) close() {
	b.conn.Close()
	done := make(chan struct{})
	go func() { b.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		b.cmd.Process.Kill()
		<-done
	}
	b.removeProfile()
}

// limited keeps the first max bytes written to it.
type limited struct {
	mu  sync.Mutex
	buf bytes.Buffer
	max int
}

func (l *limited) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

func (l *limited) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if room := l.max - l.buf.Len(); room > 0 {
		l.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}
