package report

import (
	"runtime/debug"
	"testing"
)

func TestBuildInfoFrom(t *testing.T) {
	info := &debug.BuildInfo{GoVersion: "go1.26.8",
		Deps: []*debug.Module{
			{Path: "gonum.org/v1/gonum", Version: "v0.17.0"},
			{Path: "example.com/old", Version: "v1.0.0", Replace: &debug.Module{Path: "example.com/fork", Version: "v1.0.1"}},
		},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "f6ab616513ba5d4d09ba5eb055e73cd5493f9f1f"}, {Key: "vcs.modified", Value: "true"}}}
	bi := buildInfoFrom(info)
	if bi.Commit != "f6ab616513ba5d4d09ba5eb055e73cd5493f9f1f" || bi.Modified != "yes" || bi.GoVersion != "go1.26.8" {
		t.Errorf("buildInfoFrom = %+v", bi)
	}
	// Sorted by path; a replaced module is listed as its replacement.
	if len(bi.Dependencies) != 2 || bi.Dependencies[0] != (Dependency{"example.com/fork", "v1.0.1"}) || bi.Dependencies[1] != (Dependency{"gonum.org/v1/gonum", "v0.17.0"}) {
		t.Errorf("Dependencies = %v", bi.Dependencies)
	}
	if none := buildInfoFrom(nil); none.Commit != "unknown" || none.Modified != "unknown" || none.GoVersion == "" {
		t.Errorf("buildInfoFrom(nil) = %+v", none)
	}
}
