//go:build !js

// Package engines finds and starts the browsers sabkit's tests run in:
// headless Chromium, headless Firefox ESR and WebKitGTK's MiniBrowser under
// a virtual X server. Each browser opens one URL in a fresh profile, in its
// own process group, and Stop ends the whole group (none of them exits by
// itself). No driver protocol is involved: the page reports to its server.
//
// Select turns SABKIT_BROWSER (chromium, firefox, webkit, all, or a comma
// list) into engines; unset means every installed engine. An engine that is
// asked for and missing is an error naming the apt command that installs it.
//
// What each engine needs, measured on Debian 12:
//
//	chromium  --headless=new, --enable-unsafe-webgpu (SwiftShader adapter)
//	firefox   --headless --no-remote --profile <dir> with a user.js; WebGPU
//	          needs dom.webgpu.enabled, gfx.webgpu.ignore-blocklist,
//	          dom.webgpu.workers.enabled and mesa-vulkan-drivers
//	webkit    MiniBrowser under xvfb-run -a; SharedArrayBuffer only with
//	          JSC_useSharedArrayBuffer=1 in the environment
package engines
