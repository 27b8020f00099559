//go:build js && wasm

package sabview

// Lease lets the owner of memory end the life of the views over it. A view
// made with View.WithLease checks the lease before every access and returns an
// ErrRevoked error once the lease is revoked, instead of touching memory that
// may already belong to something else. The Pyodide bridge revokes a lease
// when the Python object that owns the bytes is freed.
//
// A Lease is not safe for concurrent use; js/wasm Go runs on one thread.
type Lease struct {
	reason  error
	revoked bool
}

// NewLease returns a live lease.
func NewLease() *Lease { return &Lease{} }

// Revoke ends the lease. reason is reported (wrapped) by every later access
// through views under the lease. Revoking twice keeps the first reason.
func (l *Lease) Revoke(reason error) {
	if l.revoked {
		return
	}
	l.revoked, l.reason = true, reason
}

// Revoked reports whether Revoke was called.
func (l *Lease) Revoked() bool { return l.revoked }

func (l *Lease) check(op string) error {
	if l == nil || !l.revoked {
		return nil
	}
	return &Error{Package: "sabview", Op: op, Kind: ErrRevoked, Err: l.reason,
		Fix: "create a new view; the memory this one covered was released by its owner"}
}
