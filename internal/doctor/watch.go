//go:build !js

package doctor

import (
	"fmt"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/target"
)

// place is where requests come from: the page, a frame, a worker.
type place struct {
	kind string // "page", "frame", "worker", "shared worker", "service worker"
	url  string
}

func (c place) String() string { return "the " + c.kind + " " + c.url }

// hop is one response of a request: each redirect is a hop with its own
// status and headers, the last hop is the final response.
type hop struct {
	url     string
	status  int64
	headers map[string]string
}

// request is everything Chromium said about one request ID, across the
// sessions it reported it in (a worker's script is announced by its
// parent and finished in the worker's own session).
type request struct {
	id       network.RequestID
	typ      string
	frame    cdp.FrameID
	by       place // who asked for it
	sess     target.SessionID
	hops     []*hop
	extra    []map[string]string // responseReceivedExtraInfo headers, one per hop in order
	extraSt  []int64
	done     bool
	blocked  string
	cors     string
	failed   string
	canceled bool
}

// watch records what the browser reports, keyed by request ID, which
// Chromium keeps unique across sessions.
type watch struct {
	mu       sync.Mutex
	page     target.ID                  // the tab the doctor opened
	pageSess target.SessionID           // its session
	sessions map[target.SessionID]place // sessions that belong to the page
	targets  map[target.SessionID]target.ID
	workers  map[target.ID]string   // worker target → kind; its script's request ID is the target ID
	frames   map[cdp.FrameID]string // frame → its document URL
	reqs     map[network.RequestID]*request
	order    []network.RequestID
	attach   func(session target.SessionID, info *target.Info, ours bool)
}

func newWatch() *watch {
	return &watch{
		sessions: map[target.SessionID]place{},
		targets:  map[target.SessionID]target.ID{},
		workers:  map[target.ID]string{},
		frames:   map[cdp.FrameID]string{},
		reqs:     map[network.RequestID]*request{},
	}
}

func (w *watch) get(id network.RequestID) *request {
	r, ok := w.reqs[id]
	if !ok {
		r = &request{id: id}
		w.reqs[id] = r
		w.order = append(w.order, id)
	}
	return r
}

func headerMap(h network.Headers) map[string]string {
	m := make(map[string]string, len(h))
	for k, v := range h {
		m[strings.ToLower(k)] = strings.TrimSpace(fmt.Sprint(v))
	}
	return m
}

var workerKinds = map[string]string{"worker": "worker", "shared_worker": "shared worker", "service_worker": "service worker"}

// event runs on the connection's reader goroutine, in Chromium's order.
func (w *watch) event(session target.SessionID, ev any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	switch e := ev.(type) {
	case *target.EventTargetCreated:
		if kind, ok := workerKinds[e.TargetInfo.Type]; ok {
			w.workers[e.TargetInfo.TargetID] = kind
		}
	case *target.EventAttachedToTarget:
		info := e.TargetInfo
		_, parentOurs := w.sessions[session]
		kind, isWorker := workerKinds[info.Type]
		ours := parentOurs || info.TargetID == w.page || (session == "" && isWorker && info.Type != "worker")
		if ours {
			switch {
			case info.TargetID == w.page:
				w.pageSess = e.SessionID
				w.sessions[e.SessionID] = place{"page", info.URL}
			case isWorker:
				w.sessions[e.SessionID] = place{kind, info.URL}
			default:
				u := info.URL
				if doc, ok := w.frames[cdp.FrameID(info.TargetID)]; ok {
					u = doc // the frame's document was requested before its process attached
				}
				w.sessions[e.SessionID] = place{"frame", u}
			}
		}
		w.targets[e.SessionID] = info.TargetID
		go w.attach(e.SessionID, info, ours)
	case *target.EventDetachedFromTarget:
		// A worker that ended (closed itself, was terminated) reports no
		// more; what it left unfinished is not pending on the server.
		if _, ok := w.sessions[e.SessionID]; ok {
			for _, r := range w.reqs {
				if r.sess == e.SessionID && !r.done {
					r.done, r.canceled = true, true
				}
			}
			if r, ok := w.reqs[network.RequestID(w.targets[e.SessionID])]; ok && !r.done {
				r.done = true
			}
			delete(w.sessions, e.SessionID)
		}
	}
	by, ours := w.sessions[session]
	switch e := ev.(type) {
	case *network.EventRequestWillBeSent:
		if !ours {
			return
		}
		r := w.get(e.RequestID)
		if e.RedirectResponse != nil && len(r.hops) > 0 {
			last := r.hops[len(r.hops)-1]
			last.status, last.headers = e.RedirectResponse.Status, headerMap(e.RedirectResponse.Headers)
		}
		if len(r.hops) == 0 {
			r.typ, r.frame = string(e.Type), e.FrameID
			r.by, r.sess = by, session
			if u, ok := w.frames[e.FrameID]; ok && e.FrameID != cdp.FrameID(w.page) && by.kind == "page" {
				r.by = place{"frame", u}
			}
		}
		r.hops = append(r.hops, &hop{url: e.Request.URL, headers: map[string]string{}})
		if e.Type == network.ResourceTypeDocument {
			w.frames[e.FrameID] = e.Request.URL
			// The page and frames in their own process attach before they
			// navigate; name their contexts after the document they load.
			for s, id := range w.targets {
				if p, ok := w.sessions[s]; ok && cdp.FrameID(id) == e.FrameID {
					w.sessions[s] = place{p.kind, e.Request.URL}
				}
			}
		}
	case *network.EventResponseReceived:
		if r, ok := w.reqs[e.RequestID]; ok && len(r.hops) > 0 {
			last := r.hops[len(r.hops)-1]
			last.status = e.Response.Status
			for k, v := range headerMap(e.Response.Headers) {
				last.headers[k] = v
			}
		}
	case *network.EventResponseReceivedExtraInfo:
		if _, ok := w.reqs[e.RequestID]; ok || ours {
			r := w.get(e.RequestID)
			r.extra = append(r.extra, headerMap(e.Headers))
			r.extraSt = append(r.extraSt, e.StatusCode)
		}
	case *network.EventLoadingFinished:
		if r, ok := w.reqs[e.RequestID]; ok {
			r.done = true
		}
	case *network.EventLoadingFailed:
		if r, ok := w.reqs[e.RequestID]; ok {
			r.done, r.blocked, r.failed, r.canceled = true, string(e.BlockedReason), e.ErrorText, e.Canceled
			if e.CorsErrorStatus != nil {
				r.cors = string(e.CorsErrorStatus.CorsError)
			}
		}
	}
}

// hopsOf returns the request's hops with the extra-info headers merged in:
// they hold what the network stack saw, which the renderer's copy can lack
// for blocked or redirected responses.
func (r *request) hopsOf() []*hop {
	for i, h := range r.hops {
		if i < len(r.extra) {
			for k, v := range r.extra[i] {
				if _, ok := h.headers[k]; !ok {
					h.headers[k] = v
				}
			}
			if h.status == 0 {
				h.status = r.extraSt[i]
			}
		}
	}
	return r.hops
}
