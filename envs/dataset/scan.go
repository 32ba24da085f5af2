package dataset

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// scanner reads JSON from a stream with a window buffer: it finds where
// values, keys and lines end without decoding them, so rows can be handed
// over as byte slices of the buffer. It checks structure (strings, nesting
// and the punctuation between top-level members), not full JSON syntax;
// the env's json.Unmarshal of each row does that.
type scanner struct {
	r    io.Reader
	buf  []byte
	pos  int // next unread byte
	end  int // end of the data read
	eof  bool
	rerr error

	line   int // line number at buf[lineAt]
	lineAt int

	stack []byte // open brackets while scanning a value
}

const (
	scanChunk = 64 << 10
	// lookahead bounds the first value read to tell JSON Lines from one
	// object: a longer first line cannot be a row of JSON Lines worth
	// reading as such.
	lookahead = 64 << 20
)

var errEOF = errors.New("unexpected end of file")

func newScanner(r io.Reader) *scanner {
	return &scanner{r: r, buf: make([]byte, scanChunk), line: 1}
}

// more reads more data, keeping buf[pos:end] (it may move to the front).
// It returns false at the end of the stream or on a read error (rerr).
func (s *scanner) more() bool {
	if s.eof {
		return false
	}
	if s.pos > 0 && s.end-s.pos < len(s.buf)/2 {
		s.line += bytes.Count(s.buf[s.lineAt:s.pos], []byte{'\n'})
		s.lineAt = 0
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
	}
	if s.end == len(s.buf) {
		nb := make([]byte, 2*len(s.buf))
		copy(nb, s.buf[:s.end])
		s.buf = nb
	}
	for range 100 {
		n, err := s.r.Read(s.buf[s.end:])
		s.end += n
		if err != nil {
			s.eof = true
			if err != io.EOF {
				s.rerr = err
			}
			return n > 0
		}
		if n > 0 {
			return true
		}
	}
	s.eof, s.rerr = true, io.ErrNoProgress
	return false
}

// at returns the byte i bytes past pos, reading as needed.
func (s *scanner) at(i int) (byte, bool) {
	for s.pos+i >= s.end {
		if !s.more() {
			return 0, false
		}
	}
	return s.buf[s.pos+i], true
}

// lineAtPos returns the line number of buf[pos], counting each byte once.
func (s *scanner) lineAtPos() int {
	s.line += bytes.Count(s.buf[s.lineAt:s.pos], []byte{'\n'})
	s.lineAt = s.pos
	return s.line
}

// readErr returns the stream's error for an early end: the read error, or
// errEOF.
func (s *scanner) readErr() error {
	if s.rerr != nil {
		return s.rerr
	}
	return errEOF
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// skipSpace advances past JSON whitespace; false at the end of the stream.
func (s *scanner) skipSpace() bool {
	for {
		for s.pos < s.end {
			if !isJSONSpace(s.buf[s.pos]) {
				return true
			}
			s.pos++
		}
		if !s.more() {
			return false
		}
	}
}

// skipBOM drops a UTF-8 byte order mark at the start.
func (s *scanner) skipBOM() {
	if b0, ok := s.at(0); ok && b0 == 0xEF {
		if b1, ok := s.at(1); ok && b1 == 0xBB {
			if b2, ok := s.at(2); ok && b2 == 0xBF {
				s.pos += 3
			}
		}
	}
}

// valueLen returns the length of the JSON value at pos, reading until it
// is in the buffer; pos does not move. limit > 0 bounds the length
// (errTooLong). A scalar ends at the next delimiter or the end of the
// stream.
func (s *scanner) valueLen(limit int) (int, error) {
	s.stack = s.stack[:0]
	i := 0
	for {
		if limit > 0 && i > limit {
			return 0, errTooLong
		}
		c, ok := s.at(i)
		if !ok {
			if len(s.stack) == 0 && i > 0 {
				return i, nil // a scalar at the end of the stream
			}
			return 0, s.readErr()
		}
		switch c {
		case '"':
			n, err := s.stringLen(i)
			if err != nil {
				return 0, err
			}
			i += n
			if len(s.stack) == 0 {
				return i, nil
			}
			continue
		case '{', '[':
			s.stack = append(s.stack, c)
		case '}', ']':
			open := byte('{')
			if c == ']' {
				open = '['
			}
			if len(s.stack) == 0 && i > 0 {
				return i, nil // the end of a scalar
			}
			if len(s.stack) == 0 || s.stack[len(s.stack)-1] != open {
				return 0, fmt.Errorf("unexpected %q", c)
			}
			s.stack = s.stack[:len(s.stack)-1]
			if len(s.stack) == 0 {
				return i + 1, nil
			}
		case ',', ':':
			if len(s.stack) == 0 {
				if i == 0 {
					return 0, fmt.Errorf("unexpected %q", c)
				}
				return i, nil
			}
		default:
			if len(s.stack) == 0 && isJSONSpace(c) {
				return i, nil
			}
		}
		i++
	}
}

var errTooLong = errors.New("value too long")

// stringLen returns the length of the JSON string starting with the quote
// at pos+i, closing quote included.
func (s *scanner) stringLen(i int) (int, error) {
	j := i + 1
	for {
		k := bytes.IndexByte(s.buf[s.pos+j:s.end], '"')
		if k < 0 {
			j = s.end - s.pos
			if !s.more() {
				return 0, fmt.Errorf("unterminated string: %w", s.readErr())
			}
			continue
		}
		q := s.pos + j + k
		bs := 0
		for p := q - 1; p > s.pos+i && s.buf[p] == '\\'; p-- {
			bs++
		}
		j += k + 1
		if bs%2 == 0 {
			return j - i, nil
		}
	}
}

// lineEnd returns the length of the current line, without its '\n', and
// whether a '\n' ends it; pos does not move. limit > 0 stops the search
// after that many bytes (errTooLong).
func (s *scanner) lineEnd(limit int) (int, bool, error) {
	from := 0
	for {
		if k := bytes.IndexByte(s.buf[s.pos+from:s.end], '\n'); k >= 0 {
			return from + k, true, nil
		}
		from = s.end - s.pos
		if limit > 0 && from > limit {
			return 0, false, errTooLong
		}
		if !s.more() {
			if s.rerr != nil {
				return 0, false, s.rerr
			}
			return from, false, nil
		}
	}
}
