// Package notests is a fixture for the harness's own tests; see harness_test.go.
package notests
