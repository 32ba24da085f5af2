// Package datasettest helps env tests build Hugging Face style fixtures:
// parquet files written from JSON rows, in the layout pyarrow gives
// exports (optional columns, structs as groups, lists as LIST groups).
package datasettest

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/parquet-go/parquet-go"
)

// Parquet writes rows (JSON objects decoded into T, whose parquet tags give
// the schema) as one parquet file with the given key-value metadata.
func Parquet[T any](tb testing.TB, rows []string, meta map[string]string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	var opts []parquet.WriterOption
	for k, v := range meta {
		opts = append(opts, parquet.KeyValueMetadata(k, v))
	}
	w := parquet.NewGenericWriter[T](&buf, opts...)
	for _, r := range rows {
		var v T
		if err := json.Unmarshal([]byte(r), &v); err != nil {
			tb.Fatalf("fixture row %s: %v", r, err)
		}
		if _, err := w.Write([]T{v}); err != nil {
			tb.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
