// Package fault holds what sabkit's error types share. Each public package
// keeps its own Error type (so errors.As names the package that failed),
// with the same fields: Op, Kind (a sentinel), Detail, Fix and a cause; this
// package formats them one way everywhere.
package fault
