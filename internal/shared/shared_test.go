package shared_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/medarc-ai/medmarks-t/internal/shared"
)

func TestDatasetsHasMedQA(t *testing.T) {
	d := shared.Datasets(t)
	if _, err := os.Stat(filepath.Join(d, "medqa", "phrases_no_exclude_test.jsonl")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(shared.Dir(t), "spec", "common.md")); err != nil {
		t.Fatal(err)
	}
}

func TestOverride(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("MEDMARKS_SHARED", dir)
	got, err := shared.Find()
	if err != nil || got != dir {
		t.Errorf("Find() = %q, %v; want %q", got, err, dir)
	}
	if _, err := shared.FindDatasets(); err == nil {
		t.Error("FindDatasets found a datasets folder in an empty shared folder")
	}
	t.Setenv("MEDMARKS_SHARED", filepath.Join(dir, "missing"))
	if _, err := shared.Find(); err == nil {
		t.Error("Find accepted a missing folder")
	}
}
