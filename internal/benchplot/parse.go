package main

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// result is one benchmark line.
type result struct {
	part, size, peer string
	metrics          map[string]float64 // unit → value
}

// parse reads the BenchmarkPeers lines of r; when a benchmark appears more
// than once (-count), the last line wins.
func parse(r io.Reader) ([]result, error) {
	var out []result
	index := map[string]int{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		res, ok := parseLine(sc.Text())
		if !ok {
			continue
		}
		key := res.part + "/" + res.size + "/" + res.peer
		if i, seen := index[key]; seen {
			out[i] = res
			continue
		}
		index[key] = len(out)
		out = append(out, res)
	}
	return out, sc.Err()
}

// parseLine reads "BenchmarkPeers/part/[size=S/]peer=P[-N]  iters  v unit  v unit ...".
func parseLine(line string) (result, bool) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "BenchmarkPeers/") {
		return result{}, false
	}
	if _, err := strconv.Atoi(f[1]); err != nil {
		return result{}, false
	}
	var res result
	for i, seg := range strings.Split(strings.TrimPrefix(f[0], "BenchmarkPeers/"), "/") {
		switch {
		case i == 0:
			res.part = seg
		case strings.HasPrefix(seg, "size="):
			res.size = strings.TrimPrefix(seg, "size=")
		case strings.HasPrefix(seg, "peer="):
			res.peer = trimProcs(strings.TrimPrefix(seg, "peer="))
		}
	}
	if res.part == "" || res.peer == "" {
		return result{}, false
	}
	res.metrics = map[string]float64{}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return result{}, false
		}
		res.metrics[f[i+1]] = v
	}
	return res, true
}

// trimProcs drops the -GOMAXPROCS suffix go test adds to the last segment.
func trimProcs(s string) string {
	i := strings.LastIndexByte(s, '-')
	if i < 0 {
		return s
	}
	if _, err := strconv.Atoi(s[i+1:]); err != nil {
		return s
	}
	return s[:i]
}
