package main

import (
	"bufio"
	"fmt"
	"os"
)

func main() {
	rs, err := parse(os.Stdin)
	if err == nil && len(rs) == 0 {
		err = fmt.Errorf("no BenchmarkPeers lines on standard input; pipe in `go test ./pyodidebridge -run Browser -bench Peers`")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchplot:", err)
		os.Exit(1)
	}
	out := bufio.NewWriter(os.Stdout)
	if err := writeSVG(out, "sabkit vs comlink 4.4.2 and coincident 4.1.1: the same Python functions in a Pyodide worker", panels(rs)); err == nil {
		err = out.Flush()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "benchplot:", err)
		os.Exit(1)
	}
}
