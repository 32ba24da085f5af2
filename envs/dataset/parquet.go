package dataset

import (
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
	"github.com/parquet-go/parquet-go/format"
)

// parquet reads a parquet file row group by row group and hands each row
// over as a JSON object: groups become objects (fields in schema order),
// LIST columns arrays, MAP columns objects, nulls null.
func (r *rowReader) parquet(ra io.ReaderAt, size int64) (err error) {
	defer func() {
		// parquet-go panics on some malformed files; a bad file must not
		// stop the server (STYLE §2).
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: corrupt parquet file: %v", r.file.Path, p)
		}
	}()
	var tail [4]byte
	if size < 12 {
		return fmt.Errorf("%s: truncated parquet file (%d bytes)", r.file.Path, size)
	}
	if _, err := ra.ReadAt(tail[:], size-4); err != nil {
		return fmt.Errorf("%s: %w", r.file.Path, err)
	}
	if string(tail[:]) != "PAR1" {
		return fmt.Errorf("%s: truncated parquet file (no PAR1 at the end)", r.file.Path)
	}
	pf, err := parquet.OpenFile(ra, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
	if err != nil {
		return fmt.Errorf("%s: %w", r.file.Path, err)
	}
	r.file.Meta = map[string]string{}
	for _, kv := range pf.Metadata().KeyValueMetadata {
		r.file.Meta[kv.Key] = kv.Value
	}
	col := 0
	root, err := newPQNode(pf.Schema(), "", 0, 0, &col)
	if err != nil {
		return fmt.Errorf("%s: %w", r.file.Path, err)
	}
	cols := make([][]parquet.Value, col)
	rows := make([]parquet.Row, 64)
	var out []byte
	for _, rg := range pf.RowGroups() {
		if err := r.rowGroup(rg, root, rows, cols, &out); err != nil {
			return err
		}
	}
	return nil
}

func (r *rowReader) rowGroup(rg parquet.RowGroup, root *pqNode, rows []parquet.Row, cols [][]parquet.Value, out *[]byte) error {
	rr := rg.Rows()
	defer rr.Close()
	for {
		n, err := rr.ReadRows(rows)
		for _, row := range rows[:n] {
			clear(cols)
			row.Range(func(c int, vs []parquet.Value) bool {
				if c < len(cols) {
					cols[c] = vs
				}
				return true
			})
			*out = root.appendRequired((*out)[:0], cols)
			if err := r.emit(0, "", *out); err != nil {
				return err
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s row %d: %w", r.file.Path, r.n, err)
		}
	}
}

// pqNode is a schema node prepared for turning rows into JSON (record
// assembly from repetition and definition levels).
type pqNode struct {
	name     []byte // quoted JSON member name
	leaf     bool
	kind     parquet.Kind
	optional bool
	repeated bool
	def      int // definition level of a present value
	rep      int // repetition level that starts a new element (repeated)
	first    int // leaf columns [first, last)
	last     int
	fields   []*pqNode
	list     bool              // LIST group: its repeated child is the array
	unwrap   bool              // repeated list element group: write its only field
	keyValue bool              // repeated MAP entry group: write an object
	text     bool              // leaf: UTF-8 text
	rawJSON  bool              // leaf: JSON text
	unsigned bool              // leaf: unsigned integer
	scratch  [][]parquet.Value // one element's values, per leaf column
	cursor   []int             // per leaf column, while splitting elements
}

func newPQNode(n parquet.Node, name string, def, rep int, col *int) (*pqNode, error) {
	p := &pqNode{name: appendJSONString(nil, name), leaf: n.Leaf(), optional: n.Optional(), repeated: n.Repeated()}
	if p.optional || p.repeated {
		def++
	}
	if p.repeated {
		rep++
	}
	p.def, p.rep, p.first = def, rep, *col
	lt, ct := logicalOf(n)
	if p.leaf {
		*col++
		p.last = *col
		p.kind = n.Type().Kind()
		switch t := lt.(type) {
		case *format.StringType, *format.EnumType:
			p.text = true
		case *format.JsonType:
			p.rawJSON = true
		case *format.IntType:
			p.unsigned = !t.IsSigned
		}
		if ct != nil {
			switch *ct {
			case deprecated.UTF8, deprecated.Enum:
				p.text = true
			case deprecated.Json:
				p.rawJSON = true
			case deprecated.Uint8, deprecated.Uint16, deprecated.Uint32, deprecated.Uint64:
				p.unsigned = true
			}
		}
		p.scratch = make([][]parquet.Value, 1)
		p.cursor = make([]int, 1)
		return p, nil
	}
	for _, f := range n.Fields() {
		c, err := newPQNode(f, f.Name(), def, rep, col)
		if err != nil {
			return nil, err
		}
		p.fields = append(p.fields, c)
	}
	p.last = *col
	if p.last == p.first {
		return nil, fmt.Errorf("column %s: empty group", name)
	}
	_, isList := lt.(*format.ListType)
	_, isMap := lt.(*format.MapType)
	if ct != nil {
		isList = isList || *ct == deprecated.List
		isMap = isMap || *ct == deprecated.Map || *ct == deprecated.MapKeyValue
	}
	if isList && len(p.fields) == 1 && p.fields[0].repeated {
		p.list = true
		// Three-level lists (repeated group list { element }) unwrap their
		// element; a repeated leaf or a repeated group of several fields
		// is the element itself (parquet LogicalTypes.md, backward
		// compatibility rules).
		e := p.fields[0]
		e.unwrap = !e.leaf && len(e.fields) == 1
	}
	if isMap && len(p.fields) == 1 && p.fields[0].repeated && len(p.fields[0].fields) == 2 {
		p.list = true
		p.fields[0].keyValue = true
	}
	size := p.last - p.first
	p.scratch = make([][]parquet.Value, size)
	p.cursor = make([]int, size)
	return p, nil
}

// logicalOf returns a node's logical type annotation and converted type.
func logicalOf(n parquet.Node) (format.LogicalTypeValue, *deprecated.ConvertedType) {
	t := n.Type()
	var lt format.LogicalTypeValue
	if l := t.LogicalType(); l != nil {
		lt = l.Value
	}
	return lt, t.ConvertedType()
}

// appendValue writes the node's value for one instance of its parent; vals
// are the values of the node's leaf columns in that instance.
func (p *pqNode) appendValue(b []byte, vals [][]parquet.Value) []byte {
	if len(vals) == 0 || len(vals[0]) == 0 {
		return append(b, "null"...)
	}
	present := vals[0][0].DefinitionLevel() >= p.def
	switch {
	case p.repeated && !present:
		if p.keyValue {
			return append(b, "{}"...)
		}
		return append(b, "[]"...)
	case p.repeated:
		return p.appendElements(b, vals)
	case !present:
		return append(b, "null"...)
	}
	return p.appendRequired(b, vals)
}

// appendElements writes a repeated node's elements as an array (or, for a
// map's entries, an object).
func (p *pqNode) appendElements(b []byte, vals [][]parquet.Value) []byte {
	open, closer := byte('['), byte(']')
	if p.keyValue {
		open, closer = '{', '}'
	}
	b = append(b, open)
	clear(p.cursor)
	for e := 0; p.cursor[0] < len(vals[0]); e++ {
		for j, vs := range vals {
			vs = vs[min(p.cursor[j], len(vs)):]
			k := min(1, len(vs))
			for k < len(vs) && vs[k].RepetitionLevel() > p.rep {
				k++
			}
			p.scratch[j] = vs[:k]
			p.cursor[j] += k
		}
		if e > 0 {
			b = append(b, ',')
		}
		switch {
		case p.keyValue:
			k, v := p.fields[0], p.fields[1]
			b = appendKey(b, k.sub(p, p.scratch))
			b = append(b, ':')
			b = v.appendValue(b, v.sub(p, p.scratch))
		case p.unwrap:
			f := p.fields[0]
			b = f.appendValue(b, f.sub(p, p.scratch))
		default:
			b = p.appendRequired(b, p.scratch)
		}
	}
	return append(b, closer)
}

// sub returns the part of parent's column values that belongs to p.
func (p *pqNode) sub(parent *pqNode, vals [][]parquet.Value) [][]parquet.Value {
	return vals[p.first-parent.first : p.last-parent.first]
}

// appendRequired writes a present value of the node.
func (p *pqNode) appendRequired(b []byte, vals [][]parquet.Value) []byte {
	switch {
	case p.leaf:
		if len(vals[0]) == 0 {
			return append(b, "null"...)
		}
		return p.appendLeaf(b, vals[0][0])
	case p.list:
		e := p.fields[0]
		return e.appendValue(b, e.sub(p, vals))
	}
	b = append(b, '{')
	for i, f := range p.fields {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, f.name...)
		b = append(b, ':')
		b = f.appendValue(b, f.sub(p, vals))
	}
	return append(b, '}')
}

func (p *pqNode) appendLeaf(b []byte, v parquet.Value) []byte {
	if v.IsNull() {
		return append(b, "null"...)
	}
	switch p.kind {
	case parquet.Boolean:
		return strconv.AppendBool(b, v.Boolean())
	case parquet.Int32:
		if p.unsigned {
			return strconv.AppendUint(b, uint64(v.Uint32()), 10)
		}
		return strconv.AppendInt(b, int64(v.Int32()), 10)
	case parquet.Int64:
		if p.unsigned {
			return strconv.AppendUint(b, v.Uint64(), 10)
		}
		return strconv.AppendInt(b, v.Int64(), 10)
	case parquet.Float:
		return appendFloat(b, float64(v.Float()), 32)
	case parquet.Double:
		return appendFloat(b, v.Double(), 64)
	case parquet.ByteArray, parquet.FixedLenByteArray:
		if p.rawJSON {
			return append(b, v.ByteArray()...)
		}
		// Text, and unannotated byte arrays too: older writers stored
		// strings without the annotation.
		return appendJSONString(b, string(v.ByteArray()))
	}
	return appendJSONString(b, v.String())
}

// appendKey writes a map key as a JSON member name.
func appendKey(b []byte, vals [][]parquet.Value) []byte {
	if len(vals) == 0 || len(vals[0]) == 0 {
		return append(b, `""`...)
	}
	v := vals[0][0]
	switch v.Kind() {
	case parquet.ByteArray, parquet.FixedLenByteArray:
		return appendJSONString(b, string(v.ByteArray()))
	}
	return appendJSONString(b, v.String())
}

func appendFloat(b []byte, f float64, bits int) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, f, 'g', -1, bits)
}

// appendJSONString writes s as a JSON string; invalid UTF-8 becomes U+FFFD
// as encoding/json would make it.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
