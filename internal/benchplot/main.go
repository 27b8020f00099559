package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
)

func main() {
	if err := plot(); err != nil {
		fmt.Fprintln(os.Stderr, "benchplot:", err)
		os.Exit(1)
	}
}

func plot() error {
	rs, err := parse(os.Stdin)
	if err != nil {
		return err
	}
	if len(rs) == 0 {
		return errors.New("no BenchmarkPeers lines on standard input; pipe in `go test ./pyodidebridge -run Browser -bench Peers`")
	}
	out := bufio.NewWriter(os.Stdout)
	if err := writeSVG(out, "sabkit vs comlink 4.4.2 and coincident 4.1.1: the same Python functions in a Pyodide worker", panels(rs)); err != nil {
		return err
	}
	return out.Flush()
}
