package fault

// Message formats an error as "pkg.op: kind: detail: cause (fix)", leaving
// out the parts that are empty.
func Message(pkg, op string, kind error, detail string, cause error, fix string) string {
	msg := pkg + "." + op + ": " + kind.Error()
	if detail != "" {
		msg += ": " + detail
	}
	if cause != nil {
		msg += ": " + cause.Error()
	}
	if fix != "" {
		msg += " (" + fix + ")"
	}
	return msg
}
