package dataset

import (
	"encoding/json"
	"strconv"
)

// Container is how a file stores its rows, as detected from its content.
// The zero Container is unknown.
type Container uint8

const (
	// Parquet is a parquet file: "PAR1" at both ends.
	Parquet Container = iota + 1
	// JSONArray is one JSON array of row objects.
	JSONArray
	// JSONLines is one JSON object per line.
	JSONLines
	// JSONObject is one JSON object: keyed rows (Format.Keyed), a
	// {"data": [...]} wrapper, or a single row.
	JSONObject
	// CSV is comma-separated values with a header row (Format.CSV only).
	CSV
)

// String returns a short name: "parquet", "JSON array", …
func (c Container) String() string {
	switch c {
	case Parquet:
		return "parquet"
	case JSONArray:
		return "JSON array"
	case JSONLines:
		return "JSON Lines"
	case JSONObject:
		return "JSON object"
	case CSV:
		return "CSV"
	}
	return "unknown"
}

// File describes the file a row came from.
type File struct {
	// Path is the file's path in the fs.FS, as errors and logs name it.
	Path string
	// Container is the detected container.
	Container Container
	// Gzip is set when the file was gzip-compressed.
	Gzip bool
	// Meta is a parquet file's key-value metadata; nil for other files.
	Meta map[string]string
}

// FeatureType returns the Hugging Face feature type that a parquet file's
// "huggingface" metadata declares for a column (info.features.<column>._type,
// e.g. "ClassLabel" or "Value"), or "" when there is none.
func (f *File) FeatureType(column string) string {
	raw, ok := f.Meta["huggingface"]
	if !ok {
		return ""
	}
	var hf struct {
		Info struct {
			Features map[string]json.RawMessage `json:"features"`
		} `json:"info"`
	}
	if json.Unmarshal([]byte(raw), &hf) != nil {
		return ""
	}
	var feat struct {
		Type string `json:"_type"`
	}
	if json.Unmarshal(hf.Info.Features[column], &feat) != nil {
		return ""
	}
	return feat.Type
}

// Row is one row handed to Read's callback.
type Row struct {
	// File is the file the row is in.
	File *File
	// Index is the row's 0-based position in its source: in the file, plus
	// the rows of the files before it for a source of several files. It is
	// the <index> of row-<index> ids.
	Index int
	// Line is the 1-based line where the row starts in a text file; 0 in
	// parquet.
	Line int
	// Key is the member name of a keyed row (Format.Keyed); "" otherwise.
	Key string
	// Data is the row as one JSON object (for keyed rows, the member's
	// value, any JSON value). It is valid only during the callback: decode
	// it, keep no reference. For JSON files it is the file's bytes, not
	// validated beyond their structure; json.Unmarshal checks the rest.
	Data []byte

	inFile int // 0-based position in File, for String
}

// String names the row's place for messages: "medmcqa/dev.json line 812",
// `pubmedqa/ori_pqal.json line 3 (key "21645374")`, "x.parquet row 12"
// (0-based, in the file).
func (r Row) String() string {
	where := r.File.Path
	if r.Line > 0 {
		where += " line " + strconv.Itoa(r.Line)
	} else {
		where += " row " + strconv.Itoa(r.inFile)
	}
	if r.Key != "" {
		where += " (key " + strconv.Quote(r.Key) + ")"
	}
	return where
}
