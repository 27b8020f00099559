//go:build !unix && !js

package devserver

// openNonblock is 0 where there are no FIFOs to wait on.
const openNonblock = 0
