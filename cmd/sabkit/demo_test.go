//go:build !js

package main

import (
	"errors"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sabkit/sabkit/internal/engines"
)

// TestDemoHeadless runs the README's demo command end to end: it builds
// examples/shared_memory_gpu, serves it with a shared-heap Pyodide, runs it
// in headless Chromium (which verifies every path and fails otherwise) and
// checks that the screenshot shows a rendered frame.
func TestDemoHeadless(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Pyodide and Chromium")
	}
	shot := filepath.Join(t.TempDir(), "demo.png")
	if code := run([]string{"demo", "--headless", "--addr", "127.0.0.1:0", "--png", shot}); code != 0 {
		t.Fatalf("sabkit demo --headless exited with %d", code)
	}
	img := readPNG(t, shot)
	// The canvas sits at (20,20)-(660,500). A drawn frame has a dark
	// background with bright heat trails; an empty canvas is one colour.
	b := img.Bounds()
	if b.Dx() < 660 || b.Dy() < 500 {
		t.Fatalf("screenshot is %dx%d, too small to hold the canvas", b.Dx(), b.Dy())
	}
	bright, colours := sample(img, image.Rect(30, 30, 650, 490))
	if bright == 0 || colours < 20 {
		t.Fatalf("the canvas shows no rendered frame: %d bright samples, %d distinct colours", bright, colours)
	}
	t.Logf("canvas: %d bright samples, %d distinct colours", bright, colours)
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	return img
}

// sample reads every fourth pixel of r in img and counts the bright ones
// and the distinct colours (at 4 bits per channel).
func sample(img image.Image, r image.Rectangle) (bright, colours int) {
	seen := map[uint32]bool{}
	for y := r.Min.Y; y < r.Max.Y; y += 4 {
		for x := r.Min.X; x < r.Max.X; x += 4 {
			red, g, b, _ := img.At(x, y).RGBA()
			seen[red>>12<<8|g>>12<<4|b>>12] = true
			if red>>8 > 200 {
				bright++
			}
		}
	}
	return bright, len(seen)
}

func TestSmallExamplesHeadless(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Pyodide and Chromium")
	}
	for _, name := range []string{"same_thread", "attach_existing", "js_frames", "js_only"} {
		t.Run(name, func(t *testing.T) {
			shot := filepath.Join(t.TempDir(), name+".png")
			if code := run([]string{"demo", "--headless", "--addr", "127.0.0.1:0", "--png", shot, name}); code != 0 {
				t.Fatalf("sabkit demo --headless %s exited with %d", name, code)
			}
		})
	}
	if code := run([]string{"demo", "--headless", "no_such_example"}); code != 2 {
		t.Fatalf("an unknown example exited with %d, want 2", code)
	}
}

// TestDemoEngines runs the demo headless in Firefox and WebKitGTK, where
// installed: the page verifies every path it can, POSTs its report and its
// canvas, and the command writes the canvas as a PNG. Where the engine has
// no WebGPU the picture is coloured on the CPU and the GPU check must say
// "not run", never pass.
func TestDemoEngines(t *testing.T) {
	if testing.Short() {
		t.Skip("boots Pyodide in Firefox and WebKitGTK")
	}
	for _, name := range []string{engines.Firefox, engines.WebKit} {
		t.Run(name, func(t *testing.T) {
			if _, err := engines.ByName(name).Find(); errors.Is(err, engines.ErrNotInstalled) {
				t.Skip(err)
			}
			shot := filepath.Join(t.TempDir(), "demo.png")
			var out strings.Builder
			code := runDemoTo(&out, []string{"--headless", "--browser", name, "--addr", "127.0.0.1:0", "--png", shot})
			t.Log(out.String())
			if code != 0 {
				t.Fatalf("sabkit demo --headless --browser %s exited with %d", name, code)
			}
			gpu := regexp.MustCompile(`(?m)^  (ok|skip|FAIL) +GPU result +(.*)$`).FindStringSubmatch(out.String())
			switch {
			case gpu == nil:
				t.Fatal("the report has no GPU result line")
			case gpu[1] == "skip" && !strings.HasPrefix(gpu[2], "not run: "):
				t.Fatalf("a skipped GPU check must say why it did not run: %q", gpu[2])
			case gpu[1] == "ok" && strings.Contains(out.String(), "coloured on the CPU"):
				t.Fatal("the GPU check passed although the page coloured the frames on the CPU")
			}
			t.Logf("GPU check: %s %s", gpu[1], gpu[2])
			// The snapshot is the 640 by 480 canvas over a caption band; a
			// drawn frame has a dark background with bright heat trails.
			img := readPNG(t, shot)
			bright, colours := sample(img, image.Rect(0, 0, 640, 480))
			if b := img.Bounds(); b.Dx() != 640 || b.Dy() < 480 || bright == 0 || colours < 20 {
				t.Fatalf("the screenshot is %dx%d with %d bright samples and %d distinct colours in the canvas: no rendered frame",
					b.Dx(), b.Dy(), bright, colours)
			}
		})
	}
}
