// Package fault formats sabkit's one error type (sabkit.Error) as
// "pkg.op: kind: detail: cause (fix)", one way everywhere.
package fault
