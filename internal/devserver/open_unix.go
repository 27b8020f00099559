//go:build unix

package devserver

import "syscall"

// openNonblock keeps an open from waiting for a FIFO's writer should a
// FIFO replace a regular file between the look and the open.
const openNonblock = syscall.O_NONBLOCK
