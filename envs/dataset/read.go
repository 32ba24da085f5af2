package dataset

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
)

// Format says how an env's files may be read beyond JSON and parquet.
type Format struct {
	// CSV accepts a file that is neither parquet nor JSON as CSV with a
	// header row (encoding/csv: quoted fields with line breaks, CRLF).
	CSV bool
	// Columns are the CSV columns the header must have.
	Columns []string
	// Keyed reads a file holding one JSON object as rows keyed by example
	// id, each member a row (PubMedQA's original files). Without it, one
	// object is either {"data": [...]}, whose items are the rows
	// (MedDialog), or a single row. A one-line JSON Lines file is one
	// object by the rule of ../spec/common.md §2, hence a single row, or
	// keyed rows with Keyed.
	Keyed bool
}

// Source is where one split's rows are: one file, or the shards of one
// export, read in order.
type Source struct {
	// Key is the name the env gave the source in its Layout, usually the
	// split name.
	Key string
	// Files are paths in the fs.FS.
	Files []string
	// Original is set when the files are the env's original file names
	// rather than a Hugging Face export.
	Original bool
}

// Read streams the rows of src's files to fn, in order. It stops at the
// first error: a file that cannot be read as its content claims, or an
// error from fn, which is returned prefixed with the row's place
// (Row.String).
func Read(fsys fs.FS, src Source, f Format, fn func(Row) error) error {
	base := 0
	for _, p := range src.Files {
		n, err := readFile(fsys, p, f, base, fn)
		if err != nil {
			return err
		}
		base += n
	}
	return nil
}

// ReadFile streams the rows of one file to fn, as Read does.
func ReadFile(fsys fs.FS, path string, f Format, fn func(Row) error) error {
	_, err := readFile(fsys, path, f, 0, fn)
	return err
}

// readFile reads one file whose first row has index base and returns the
// number of rows it handed to fn.
func readFile(fsys fs.FS, path string, f Format, base int, fn func(Row) error) (n int, err error) {
	fl, err := fsys.Open(path)
	if err != nil {
		return 0, fmt.Errorf("dataset: %w", err)
	}
	defer fl.Close()
	file := &File{Path: path}
	r := &rowReader{file: file, base: base, fn: fn}

	br := bufio.NewReaderSize(fl, scanChunk)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return 0, fmt.Errorf("%s: gzip: %w", path, err)
		}
		defer gz.Close()
		file.Gzip = true
		br = bufio.NewReaderSize(gz, scanChunk)
	}
	if magic, _ := br.Peek(4); string(magic) == "PAR1" {
		file.Container = Parquet
		ra, size, err := readerAt(fl, br, file.Gzip)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", path, err)
		}
		err = r.parquet(ra, size)
		return r.n, err
	}

	s := newScanner(br)
	s.skipBOM()
	if !s.skipSpace() {
		if s.rerr != nil {
			return 0, fmt.Errorf("%s: %w", path, s.rerr)
		}
		return 0, fmt.Errorf("%s: empty file", path)
	}
	switch c := s.buf[s.pos]; {
	case c == '[':
		file.Container = JSONArray
		err = r.array(s, true)
	case c == '{' && isJSONLines(s):
		file.Container = JSONLines
		err = r.lines(s)
	case c == '{':
		file.Container = JSONObject
		err = r.object(s, f.Keyed)
	case f.CSV:
		file.Container = CSV
		err = r.csv(fsys, f.Columns)
	default:
		err = fmt.Errorf("%s line %d: not parquet or JSON (starts with %q)", path, s.lineAtPos(), c)
	}
	return r.n, err
}

// readerAt gives random access to a parquet file: the file itself when it
// allows it, else its content in memory (gzip, or an fs.FS without ReadAt).
func readerAt(fl fs.File, br *bufio.Reader, gz bool) (io.ReaderAt, int64, error) {
	if ra, ok := fl.(io.ReaderAt); ok && !gz {
		st, err := fl.Stat()
		if err != nil {
			return nil, 0, err
		}
		return ra, st.Size(), nil
	}
	b, err := io.ReadAll(br)
	if err != nil {
		return nil, 0, err
	}
	return bytes.NewReader(b), int64(len(b)), nil
}

// isJSONLines tells JSON Lines from one object, the scanner at a '{': it
// is JSON Lines when the first line is a complete JSON object and more
// non-empty lines follow (../spec/common.md §2). Nothing is consumed.
func isJSONLines(s *scanner) bool {
	// A value cannot hold a raw line break inside a string, so the first
	// value is on line 1 only if it ends before the first '\n'. Reading
	// only that far keeps a pretty-printed or huge one-object file from
	// being buffered here.
	first, _, err := s.lineEnd(lookahead)
	if err != nil {
		return false
	}
	n, err := s.valueLen(first)
	if err != nil {
		return false
	}
	i := n
	for {
		c, ok := s.at(i)
		if !ok || c != '\n' && !isJSONSpace(c) {
			return false
		}
		i++
		if c == '\n' {
			break
		}
	}
	for {
		c, ok := s.at(i)
		if !ok {
			return false
		}
		if !isJSONSpace(c) {
			return true
		}
		i++
	}
}

// rowReader hands one file's rows to fn.
type rowReader struct {
	file *File
	base int // index of the file's first row in its source
	n    int // rows handed over so far
	fn   func(Row) error
}

func (r *rowReader) emit(line int, key string, data []byte) error {
	row := Row{File: r.file, Index: r.base + r.n, Line: line, Key: key, Data: data, inFile: r.n}
	r.n++
	if err := r.fn(row); err != nil {
		return fmt.Errorf("%s: %w", row, err)
	}
	return nil
}

// errorf formats an error at the scanner's current line.
func (r *rowReader) errorf(s *scanner, format string, args ...any) error {
	if s.rerr != nil {
		return fmt.Errorf("%s line %d: %w", r.file.Path, s.lineAtPos(), s.rerr)
	}
	return fmt.Errorf("%s line %d: %s", r.file.Path, s.lineAtPos(), fmt.Sprintf(format, args...))
}

// lines reads JSON Lines: one object per non-empty line.
func (r *rowReader) lines(s *scanner) error {
	for {
		if s.pos == s.end && !s.more() {
			if s.rerr != nil {
				return r.errorf(s, "")
			}
			return nil
		}
		line := s.lineAtPos()
		n, nl, err := s.lineEnd(0)
		if err != nil {
			return r.errorf(s, "")
		}
		t := bytes.TrimFunc(s.buf[s.pos:s.pos+n], func(c rune) bool { return c < 0x80 && isJSONSpace(byte(c)) })
		switch {
		case len(t) == 0:
		case t[0] != '{':
			return fmt.Errorf("%s line %d: not a JSON object", r.file.Path, line)
		case t[len(t)-1] != '}':
			return fmt.Errorf("%s line %d: not a complete JSON object", r.file.Path, line)
		default:
			if err := r.emit(line, "", t); err != nil {
				return err
			}
		}
		s.pos += n
		if nl {
			s.pos++
		}
	}
}

// array reads a JSON array of objects, the scanner at its '['. top says
// whether it is the whole file, so nothing may follow it.
func (r *rowReader) array(s *scanner, top bool) error {
	s.pos++
	for i := 0; ; i++ {
		if !s.skipSpace() {
			return r.errorf(s, "unexpected end of file in the array")
		}
		if s.buf[s.pos] == ']' && i == 0 {
			s.pos++
			break
		}
		line := s.lineAtPos()
		if s.buf[s.pos] != '{' {
			return fmt.Errorf("%s line %d: row %d: not a JSON object", r.file.Path, line, i)
		}
		n, err := s.valueLen(0)
		if err != nil {
			return fmt.Errorf("%s line %d: row %d: %w", r.file.Path, line, i, err)
		}
		if err := r.emit(line, "", s.buf[s.pos:s.pos+n]); err != nil {
			return err
		}
		s.pos += n
		if !s.skipSpace() {
			return r.errorf(s, "unexpected end of file in the array")
		}
		c := s.buf[s.pos]
		s.pos++
		if c == ']' {
			break
		}
		if c != ',' {
			s.pos--
			return r.errorf(s, "want ',' or ']' after row %d, got %q", i, c)
		}
	}
	if top {
		return r.end(s)
	}
	return nil
}

// end checks that nothing but whitespace follows the top-level value.
func (r *rowReader) end(s *scanner) error {
	if s.skipSpace() {
		return r.errorf(s, "data after the top-level value")
	}
	if s.rerr != nil {
		return r.errorf(s, "")
	}
	return nil
}

// object reads a file holding one object, the scanner at its '{'.
func (r *rowReader) object(s *scanner, keyed bool) error {
	if !keyed {
		if off, ok := dataWrapper(s); ok {
			s.pos += off
			if err := r.array(s, false); err != nil {
				return err
			}
			return r.members(s, false)
		}
		line := s.lineAtPos()
		n, err := s.valueLen(0)
		if err != nil {
			return fmt.Errorf("%s line %d: %w", r.file.Path, line, err)
		}
		if err := r.emit(line, "", s.buf[s.pos:s.pos+n]); err != nil {
			return err
		}
		s.pos += n
		return r.end(s)
	}
	s.pos++
	return r.members(s, true)
}

// dataWrapper reports whether the object at pos starts with a "data"
// member holding an array, and the offset of that array's '['.
func dataWrapper(s *scanner) (int, bool) {
	i := skipSpaceAt(s, 1)
	if c, ok := s.at(i); !ok || c != '"' {
		return 0, false
	}
	n, err := s.stringLen(i)
	if err != nil || string(s.buf[s.pos+i:s.pos+i+n]) != `"data"` {
		return 0, false
	}
	i = skipSpaceAt(s, i+n)
	if c, ok := s.at(i); !ok || c != ':' {
		return 0, false
	}
	i = skipSpaceAt(s, i+1)
	if c, ok := s.at(i); !ok || c != '[' {
		return 0, false
	}
	return i, true
}

func skipSpaceAt(s *scanner, i int) int {
	for {
		c, ok := s.at(i)
		if !ok || !isJSONSpace(c) {
			return i
		}
		i++
	}
}

// members reads an object's members up to its '}' and the end of the file:
// as keyed rows (emit), or skipping them after a "data" array. The scanner
// is past the '{' (emit) or past the data array.
func (r *rowReader) members(s *scanner, emit bool) error {
	first := emit
	for {
		if !s.skipSpace() {
			return r.errorf(s, "unexpected end of file in the object")
		}
		c := s.buf[s.pos]
		if c == '}' && first {
			s.pos++
			return r.end(s)
		}
		if !first {
			s.pos++
			if c == '}' {
				return r.end(s)
			}
			if c != ',' {
				s.pos--
				return r.errorf(s, "want ',' or '}' after a member, got %q", c)
			}
			if !s.skipSpace() {
				return r.errorf(s, "unexpected end of file in the object")
			}
		}
		first = false
		line := s.lineAtPos()
		if c := s.buf[s.pos]; c != '"' {
			return r.errorf(s, "want a member name, got %q", c)
		}
		kn, err := s.stringLen(0)
		if err != nil {
			return fmt.Errorf("%s line %d: %w", r.file.Path, line, err)
		}
		key, err := decodeKey(s.buf[s.pos : s.pos+kn])
		if err != nil {
			return fmt.Errorf("%s line %d: member name: %w", r.file.Path, line, err)
		}
		s.pos += kn
		if !s.skipSpace() || s.buf[s.pos] != ':' {
			return r.errorf(s, "want ':' after %q", key)
		}
		s.pos++
		if !s.skipSpace() {
			return r.errorf(s, "unexpected end of file after %q", key)
		}
		n, err := s.valueLen(0)
		if err != nil {
			return fmt.Errorf("%s line %d (key %q): %w", r.file.Path, s.lineAtPos(), key, err)
		}
		if emit {
			if err := r.emit(line, key, s.buf[s.pos:s.pos+n]); err != nil {
				return err
			}
		}
		s.pos += n
	}
}

// decodeKey decodes a quoted member name.
func decodeKey(q []byte) (string, error) {
	if bytes.IndexByte(q, '\\') < 0 {
		return string(q[1 : len(q)-1]), nil
	}
	var k string
	if err := json.Unmarshal(q, &k); err != nil {
		return "", err
	}
	return k, nil
}
