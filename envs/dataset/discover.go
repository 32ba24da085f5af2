package dataset

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"go.uber.org/zap"
)

// Layout names the files an env reads from its folder of the data fs.FS.
type Layout struct {
	// Dir is the env's folder: "medqa".
	Dir string
	// Want lists the sources the env looks for, usually one per split.
	Want []Want
	// CSV accepts .csv files as Hugging Face exports too.
	CSV bool
}

// Want is one source an env looks for.
type Want struct {
	// Key names the source in Discover's result: usually the split name
	// ("test"), or what the env calls it ("labeled").
	Key string
	// Files are the original file names, relative to the env's folder,
	// best first ("phrases_no_exclude_test.jsonl", "icliniq/test.json").
	// An original file wins over any export.
	Files []string
	// Split is the Hugging Face split name in export file names; "" means
	// Key. "validation" also matches files named dev….
	Split string
	// Config is a Hugging Face config subfolder ("pqa_labeled"): every data
	// file under it belongs to this source, whatever its name, and export
	// names outside it are not looked for.
	Config string
	// OriginalOnly turns exports off: only Files are looked for.
	OriginalOnly bool
}

func (w Want) split() string {
	if w.Split != "" {
		return w.Split
	}
	return w.Key
}

// Ranks of export sources, best first; ties go to the path that sorts first.
const (
	rankExact      = iota // <split>.jsonl
	rankShards            // <split>-NNNNN-of-NNNNN.parquet, also in data/
	rankConversion        // default/<split>/0000.parquet
	rankPrefix            // <split>_anything.json
	rankConfig            // <config>/…
)

// candidate is one possible source of a Want.
type candidate struct {
	files    []string // paths in the fs.FS
	rank     int
	original int // index in Want.Files; -1 for an export
	missing  string
}

func (c candidate) String() string {
	if len(c.files) == 1 {
		return c.files[0]
	}
	return fmt.Sprintf("%s (+%d shards)", c.files[0], len(c.files)-1)
}

// Discover finds, in l.Dir of fsys, which files give each of l.Want: the
// first original file name present, else the best Hugging Face export
// (see the package doc). Other sources of the same key are logged as
// ignored (Info), files that match nothing get a Debug line. Keys with no
// file are absent from the result. Discover fails when l.Dir does not
// exist (the error wraps fs.ErrNotExist), cannot be listed, or when the
// chosen export is an incomplete set of shards.
func Discover(fsys fs.FS, l Layout, log *zap.Logger) (map[string]Source, error) {
	if log == nil {
		log = zap.NewNop()
	}
	var files []string
	err := fs.WalkDir(fsys, l.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p != l.Dir && strings.HasPrefix(d.Name(), ".") {
			log.Debug("ignoring hidden file", zap.String("path", p))
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() || d.Type()&fs.ModeSymlink != 0 {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("dataset: %s: %w", l.Dir, err)
	}

	cands := make([][]candidate, len(l.Want))
	shardSets := map[string]*shardSet{}
	folders := map[string]*candidate{}
	folderOf := map[string]int{} // conversion folder → want
	for _, p := range files {
		rel := strings.TrimPrefix(p, l.Dir+"/")
		w, c, ok := l.classify(rel)
		switch {
		case !ok:
			log.Debug("ignoring unknown file", zap.String("env_dir", l.Dir), zap.String("path", p))
		case c.original >= 0 || c.rank == rankExact || c.rank == rankPrefix:
			c.files = []string{p}
			cands[w] = append(cands[w], c)
		case (c.rank == rankShards || c.rank == rankConfig) && shardRE.MatchString(path.Base(rel)):
			m := shardRE.FindStringSubmatch(path.Base(rel))
			key := path.Dir(p) + "\x00" + m[1] + "\x00" + m[3] + "\x00" + m[5]
			set, ok := shardSets[key]
			if !ok {
				total, _ := strconv.Atoi(m[3])
				set = &shardSet{want: w, rank: c.rank, total: total}
				shardSets[key] = set
			}
			i, _ := strconv.Atoi(m[2])
			set.files = append(set.files, shardFile{i, p})
		case c.rank == rankConversion || c.rank == rankConfig && convRE.MatchString(path.Base(rel)):
			dir := path.Dir(p)
			f, ok := folders[dir]
			if !ok {
				f = &candidate{rank: c.rank, original: -1}
				folders[dir] = f
				folderOf[dir] = w
			}
			f.files = append(f.files, p)
		default:
			c.files = []string{p}
			cands[w] = append(cands[w], c)
		}
	}
	for _, set := range shardSets {
		cands[set.want] = append(cands[set.want], set.candidate())
	}
	for dir, f := range folders {
		slices.Sort(f.files)
		cands[folderOf[dir]] = append(cands[folderOf[dir]], *f)
	}

	out := map[string]Source{}
	for i, w := range l.Want {
		cs := cands[i]
		if len(cs) == 0 {
			continue
		}
		slices.SortFunc(cs, func(a, b candidate) int {
			ao, bo := a.original >= 0, b.original >= 0
			switch {
			case ao != bo:
				if ao {
					return -1
				}
				return 1
			case ao:
				return cmp.Compare(a.original, b.original)
			}
			return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.files[0], b.files[0]))
		})
		best := cs[0]
		if best.missing != "" {
			return nil, fmt.Errorf("dataset: %s: incomplete shards: %s", best.files[0], best.missing)
		}
		for _, c := range cs[1:] {
			log.Info("ignoring a second source of a split",
				zap.String("env_dir", l.Dir), zap.String("split", w.Key),
				zap.String("ignored", c.String()), zap.String("using", best.String()))
		}
		out[w.Key] = Source{Key: w.Key, Files: best.files, Original: best.original >= 0}
	}
	return out, nil
}

var (
	// shardRE matches a shard's file name, <prefix>-NNNNN-of-NNNNN[-hash].<ext>.
	shardRE = regexp.MustCompile(`^(.*)-(\d{5})-of-(\d{5})(-[0-9a-f]+)?(\..+)$`)
	// shardStemRE matches what follows the split name in a shard's stem.
	shardStemRE = regexp.MustCompile(`^-\d{5}-of-\d{5}(-[0-9a-f]+)?$`)
	// convRE matches the hub's parquet conversion: 0000.parquet.
	convRE = regexp.MustCompile(`^\d+\.parquet(\.gz)?$`)
)

type shardFile struct {
	index int
	path  string
}

type shardSet struct {
	want  int
	rank  int
	total int
	files []shardFile
}

func (s *shardSet) candidate() candidate {
	slices.SortFunc(s.files, func(a, b shardFile) int { return cmp.Compare(a.index, b.index) })
	c := candidate{rank: s.rank, original: -1}
	var have []string
	for _, f := range s.files {
		c.files = append(c.files, f.path)
		have = append(have, strconv.Itoa(f.index))
	}
	ok := len(s.files) == s.total
	for i, f := range s.files {
		ok = ok && f.index == i
	}
	if !ok {
		c.missing = fmt.Sprintf("%d of %d files present (%s)", len(s.files), s.total, strings.Join(have, ", "))
	}
	return c
}

// classify says which Want a file (path relative to the env's folder)
// belongs to and how. ok is false for a file that matches nothing.
func (l Layout) classify(rel string) (want int, c candidate, ok bool) {
	for i, w := range l.Want {
		if k := slices.Index(w.Files, rel); k >= 0 {
			return i, candidate{original: k}, true
		}
	}
	for i, w := range l.Want {
		if w.Config != "" && !w.OriginalOnly && strings.HasPrefix(rel, w.Config+"/") {
			if _, ok := l.dataStem(path.Base(rel)); ok {
				return i, candidate{rank: rankConfig, original: -1}, true
			}
			return 0, candidate{}, false
		}
	}
	dir, base := path.Split(rel)
	switch dir {
	case "", "data/":
		stem, ok := l.dataStem(base)
		if !ok {
			return 0, candidate{}, false
		}
		return l.matchSplit(stem)
	}
	// default/<split>/0000.parquet
	parts := strings.Split(rel, "/")
	if len(parts) == 3 && parts[0] == "default" && convRE.MatchString(parts[2]) {
		for i, w := range l.exportWants() {
			if splitNames(w.split(), parts[1]) {
				return i, candidate{rank: rankConversion, original: -1}, true
			}
		}
	}
	return 0, candidate{}, false
}

// exportWants returns l.Want with the entries that take no name-matched
// exports blanked, so indexes stay those of l.Want.
func (l Layout) exportWants() []Want {
	ws := slices.Clone(l.Want)
	for i, w := range ws {
		if w.OriginalOnly || w.Config != "" {
			ws[i] = Want{Split: "\x00"}
		}
	}
	return ws
}

// matchSplit matches an export file's stem against the split names; the
// longest split name that fits wins.
func (l Layout) matchSplit(stem string) (int, candidate, bool) {
	best, bestLen, rank := -1, -1, 0
	for i, w := range l.exportWants() {
		for _, name := range aliases(w.split()) {
			r, ok := stemRank(stem, name)
			if ok && len(name) > bestLen {
				best, bestLen, rank = i, len(name), r
			}
		}
	}
	if best < 0 {
		return 0, candidate{}, false
	}
	return best, candidate{rank: rank, original: -1}, true
}

// stemRank says how an export stem names split: exactly, as a shard, or as
// a prefix followed by a non-letter.
func stemRank(stem, split string) (int, bool) {
	rest, ok := strings.CutPrefix(stem, split)
	switch {
	case !ok:
		return 0, false
	case rest == "":
		return rankExact, true
	case shardStemRE.MatchString(rest):
		return rankShards, true
	case rest[0] >= 'a' && rest[0] <= 'z', rest[0] >= 'A' && rest[0] <= 'Z':
		return 0, false
	}
	return rankPrefix, true
}

func aliases(split string) []string {
	if split == "validation" {
		return []string{"validation", "dev"}
	}
	return []string{split}
}

func splitNames(split, name string) bool {
	return slices.Contains(aliases(split), name)
}

// dataStem strips a data file extension (and .gz) from a file name.
func (l Layout) dataStem(base string) (string, bool) {
	name := strings.TrimSuffix(base, ".gz")
	exts := []string{".jsonl", ".json", ".ndjson", ".parquet"}
	if l.CSV {
		exts = append(exts, ".csv")
	}
	for _, e := range exts {
		if stem, ok := strings.CutSuffix(name, e); ok && stem != "" {
			return stem, true
		}
	}
	return "", false
}

// Looked lists what Discover looks for under key, for a message naming
// the files a missing split could come from.
func (l Layout) Looked(key string) []string {
	i := slices.IndexFunc(l.Want, func(w Want) bool { return w.Key == key })
	if i < 0 {
		return nil
	}
	w := l.Want[i]
	var out []string
	for _, f := range w.Files {
		out = append(out, path.Join(l.Dir, f))
	}
	switch {
	case w.OriginalOnly:
	case w.Config != "":
		out = append(out, path.Join(l.Dir, w.Config, "*"))
	default:
		exts := "{jsonl,json,parquet}"
		if l.CSV {
			exts = "{jsonl,json,parquet,csv}"
		}
		for _, s := range aliases(w.split()) {
			out = append(out,
				path.Join(l.Dir, s+"."+exts+"[.gz]"),
				path.Join(l.Dir, s+"-NNNNN-of-NNNNN.parquet"),
				path.Join(l.Dir, "data", s+"-*.parquet"),
				path.Join(l.Dir, "default", s, "*.parquet"),
				path.Join(l.Dir, s+"*."+exts))
		}
	}
	return out
}
