package shared

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Find returns the shared folder: MEDMARKS_SHARED when set, else
// <module root>/../shared. It fails when the folder does not exist.
func Find() (string, error) {
	if d := os.Getenv("MEDMARKS_SHARED"); d != "" {
		return existingDir(d)
	}
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	return existingDir(filepath.Join(root, "..", "shared"))
}

// FindDatasets returns the datasets folder: MEDMARKS_DATASETS when set, else
// the shared folder's datasets/. It fails when the folder does not exist.
func FindDatasets() (string, error) {
	if d := os.Getenv("MEDMARKS_DATASETS"); d != "" {
		return existingDir(d)
	}
	s, err := Find()
	if err != nil {
		return "", err
	}
	return existingDir(filepath.Join(s, "datasets"))
}

// Dir is Find for tests: a missing folder fails the test.
func Dir(tb testing.TB) string {
	tb.Helper()
	d, err := Find()
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// Datasets is FindDatasets for tests: a missing folder fails the test.
func Datasets(tb testing.TB) string {
	tb.Helper()
	d, err := FindDatasets()
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

// moduleRoot is the nearest directory at or above the working directory that
// holds go.mod.
func moduleRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("shared: %w", err)
	}
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("shared: no go.mod above " + wd)
		}
		dir = parent
	}
}

func existingDir(d string) (string, error) {
	st, err := os.Stat(d)
	if err != nil {
		return "", fmt.Errorf("shared: %w (set MEDMARKS_SHARED or MEDMARKS_DATASETS)", err)
	}
	if !st.IsDir() {
		return "", fmt.Errorf("shared: %s is not a directory", d)
	}
	return d, nil
}
