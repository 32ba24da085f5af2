package dataset

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
)

// csv reads the file again from its start as CSV with a header row; each
// record becomes a JSON object of header → value (all strings).
func (r *rowReader) csv(fsys fs.FS, columns []string) error {
	fl, err := fsys.Open(r.file.Path)
	if err != nil {
		return fmt.Errorf("dataset: %w", err)
	}
	defer fl.Close()
	br := bufio.NewReaderSize(fl, scanChunk)
	var in io.Reader = br
	if r.file.Gzip {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("%s: gzip: %w", r.file.Path, err)
		}
		defer gz.Close()
		in = bufio.NewReaderSize(gz, scanChunk)
	}
	cr := csv.NewReader(skipBOM(in))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return csvError(r.file.Path, err)
	}
	names := make([][]byte, len(header))
	seen := map[string]bool{}
	for i, h := range header {
		if seen[h] {
			return fmt.Errorf("%s line 1: column %q twice", r.file.Path, h)
		}
		seen[h] = true
		names[i] = appendJSONString(nil, h)
	}
	for _, c := range columns {
		if !seen[c] {
			return fmt.Errorf("%s line 1: missing column %q", r.file.Path, c)
		}
	}
	var out []byte
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return csvError(r.file.Path, err)
		}
		line, _ := cr.FieldPos(0)
		out = append(out[:0], '{')
		for i, v := range rec {
			if i > 0 {
				out = append(out, ',')
			}
			out = append(out, names[i]...)
			out = append(out, ':')
			out = appendJSONString(out, v)
		}
		out = append(out, '}')
		if err := r.emit(line, "", out); err != nil {
			return err
		}
	}
}

// csvError names the file and line of a CSV parse error.
func csvError(path string, err error) error {
	if pe, ok := errors.AsType[*csv.ParseError](err); ok {
		return fmt.Errorf("%s line %d: %w", path, pe.Line, pe.Err)
	}
	if errors.Is(err, io.EOF) {
		return fmt.Errorf("%s: empty file", path)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// skipBOM drops a UTF-8 byte order mark at the start of r.
func skipBOM(r io.Reader) io.Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	if b, err := br.Peek(3); err == nil && string(b) == "\xEF\xBB\xBF" {
		_, _ = br.Discard(3)
	}
	return br
}
