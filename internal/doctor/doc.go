//go:build !js

// Package doctor checks whether a page is cross-origin isolated, and if not,
// why. It is `sabkit doctor`.
//
// It opens the page in headless Chromium over the DevTools protocol and
// auto-attaches, paused until its network is watched, to every context the
// page creates: frames, dedicated workers (nested ones too), shared and
// service workers. Every request is attributed to the context that made it,
// and every redirect hop is judged on its own headers. COOP, COEP, CORP and
// Document-Isolation-Policy are parsed as structured-field tokens, so
// parameters such as `require-corp; report-to="r"` are accepted. Each
// problem names the kind of context (page, frame, worker) and the exact
// header that fixes it; CORS failures and requests still pending when the
// timeout runs out are problems too.
//
// The doctor only reads: nothing it does aliases or copies page memory.
package doctor
