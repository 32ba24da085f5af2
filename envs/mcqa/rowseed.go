package mcqa

import (
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strconv"
	"strings"
)

// RowSeed returns the generator seed of a row in row mode: the low 64 bits
// of SHA-256("{shuffleSeed}::{rowID}"), the digest read as a big-endian
// integer (../spec/common.md §6 step 1). rowID is the row id as upstream
// formats it: MedQA's index and PubMedQA's PubMed id in decimal, MedMCQA's
// trimmed question.
func RowSeed(shuffleSeed int64, rowID string) uint64 {
	return low64(strconv.FormatInt(shuffleSeed, 10) + "::" + rowID)
}

// EpisodeRowSeed returns the generator seed of a row in episode mode:
// RowSeed's rule over "{shuffleSeed}::{rowID}::{episodeSeed}", the episode
// seed in unsigned decimal.
func EpisodeRowSeed(shuffleSeed int64, rowID string, episodeSeed uint64) uint64 {
	return low64(strconv.FormatInt(shuffleSeed, 10) + "::" + rowID + "::" + strconv.FormatUint(episodeSeed, 10))
}

// ContentHashRowID returns the row id upstream uses for labelled options
// when a row has none (an inline MedQA row without "id"): the decimal low 64
// bits of SHA-256 of label + "\x1e" + text for each option, in label order
// (byte order, as Python sorts str keys), joined by "\x1f".
func ContentHashRowID(opts []Option) string {
	sorted := slices.Clone(opts)
	slices.SortStableFunc(sorted, func(a, b Option) int { return cmp.Compare(a.Label, b.Label) })
	var sb strings.Builder
	for i, o := range sorted {
		if i > 0 {
			sb.WriteByte(0x1f)
		}
		sb.WriteString(o.Label)
		sb.WriteByte(0x1e)
		sb.WriteString(o.Text)
	}
	return strconv.FormatUint(low64(sb.String()), 10)
}

// ContentHashRowIDTexts is ContentHashRowID for a plain list of option
// texts, as upstream hashes list options: the texts joined by "\x1e".
func ContentHashRowIDTexts(texts []string) string {
	return strconv.FormatUint(low64(strings.Join(texts, "\x1e")), 10)
}

func low64(s string) uint64 {
	sum := sha256.Sum256([]byte(s))
	return binary.BigEndian.Uint64(sum[24:])
}
