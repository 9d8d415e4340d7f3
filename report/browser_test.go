package report_test

import (
	"bytes"
	"context"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veil-data/veil/report"
)

// chromium returns the path of a Chromium binary, or "".
func chromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// TestHTMLInChromium renders a report in headless Chromium (Debian's
// chromium package; CI installs it in .ci/run): the page must load without
// console errors, and a screenshot must show the charts, in both series
// colours, in several places down the page.
func TestHTMLInChromium(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("chromium not installed (apt-get install chromium)")
	}
	dir := t.TempDir()
	header, rows := readAdult(t, 8000)
	rng := rand.New(rand.NewPCG(5, 5))
	train, hold := rows[:6000], rows[6000:]
	rel := make([][]string, 3000)
	for i := range rel {
		rel[i] = train[rng.IntN(len(train))]
	}
	opt := fixedOptions()
	opt.Target = "salary-class"
	opt.Quasi = []string{"sex", "age", "race", "marital-status"}
	opt.Sensitive = []string{"salary-class"}
	r, err := report.Build(context.Background(), report.Inputs{
		Original: report.Source{Path: writeCSV(t, filepath.Join(dir, "train.csv"), header, train)},
		Released: report.Source{Path: writeCSV(t, filepath.Join(dir, "rel.csv"), header, rel)},
		Holdout:  &report.Source{Path: writeCSV(t, filepath.Join(dir, "hold.csv"), header, hold)},
	}, opt)
	if err != nil {
		t.Fatal(err)
	}
	var page bytes.Buffer
	if err := report.WriteHTML(&page, r); err != nil {
		t.Fatal(err)
	}
	html := filepath.Join(dir, "report.html")
	if err := os.WriteFile(html, page.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "shot.png")
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--enable-logging=stderr", "--v=0",
		"--screenshot="+shot, "--window-size=1280,9000", "file://"+html)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, stderr.String())
	}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "CONSOLE") || strings.Contains(line, "Uncaught") || strings.Contains(line, "Failed to load resource") {
			t.Errorf("console message while rendering: %s", line)
		}
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, stderr.String())
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	// Count the pixels of each series colour (the SVG bars: #4c78a8 for the
	// original, #f58518 for the release), per 250-pixel band of the page.
	near := func(r, g, b uint32, want [3]uint32) bool {
		d := func(x, y uint32) uint32 {
			if x > y {
				return x - y
			}
			return y - x
		}
		return d(r>>8, want[0]) < 12 && d(g>>8, want[1]) < 12 && d(b>>8, want[2]) < 12
	}
	bounds := img.Bounds()
	const band = 250
	blue := make([]int, bounds.Dy()/band+1)
	orange := make([]int, bounds.Dy()/band+1)
	nonWhite := 0
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r>>8 < 245 || g>>8 < 245 || b>>8 < 245 {
				nonWhite++
			}
			switch {
			case near(r, g, b, [3]uint32{0x4c, 0x78, 0xa8}):
				blue[(y-bounds.Min.Y)/band]++
			case near(r, g, b, [3]uint32{0xf5, 0x85, 0x18}):
				orange[(y-bounds.Min.Y)/band]++
			}
		}
	}
	// A bar is at least a few hundred pixels; 200 per band and colour
	// means bars of both series were drawn there.
	bands := 0
	for i := range blue {
		if blue[i] > 200 && orange[i] > 200 {
			bands++
		}
	}
	total := bounds.Dx() * bounds.Dy()
	if nonWhite < total/50 || bands < 3 {
		t.Errorf("screenshot: %d of %d pixels not white, %d bands with both series' bars; want a rendered page with charts in >= 3 bands", nonWhite, total, bands)
	}
	if os.Getenv("VEIL_KEEP_SCREENSHOT") != "" {
		data, _ := os.ReadFile(shot)
		os.WriteFile(os.Getenv("VEIL_KEEP_SCREENSHOT"), data, 0o644)
	}
}
