package mcqa

import (
	"errors"
	"fmt"

	"github.com/medarc-ai/medmarks-t/internal/pyrand"
	"github.com/medarc-ai/medmarks-t/internal/seed"
)

// Option is one answer option as displayed: its label ("A") and text.
type Option struct {
	Label, Text string
}

// Mode is the shuffle_mode option. The zero Mode is unset.
type Mode uint8

const (
	// ModeRow gives every row one order, upstream's (shuffle_mode "row").
	ModeRow Mode = iota + 1
	// ModeEpisode mixes the episode seed in (shuffle_mode "episode").
	ModeEpisode
)

// ErrMode is returned for a shuffle_mode other than "row" and "episode".
var ErrMode = errors.New(`mcqa: shuffle_mode must be "row" or "episode"`)

// ParseMode reads a shuffle_mode value; "" is not accepted (the env's
// options give the default).
func ParseMode(s string) (Mode, error) {
	switch s {
	case "row":
		return ModeRow, nil
	case "episode":
		return ModeEpisode, nil
	}
	return 0, ErrMode
}

// String returns the option value: "row", "episode", or "" when unset.
func (m Mode) String() string {
	switch m {
	case ModeRow:
		return "row"
	case ModeEpisode:
		return "episode"
	}
	return ""
}

// FreshShuffleSeed is the shuffle_seed that asks for a fresh random order.
const FreshShuffleSeed = -1

// Seed returns the generator seed for a row under the shuffle options:
// RowSeed in row mode, EpisodeRowSeed in episode mode, and for shuffleSeed
// -1 a seed drawn from crypto/rand, whatever the mode. Upstream seeds
// random.Random() from 2,496 bytes of OS entropy there; a 64-bit seed gives
// the same uniform orders and can be stored: keep it with the episode, and
// Permutation(texts, s) gives the same order again. Seed fails for a
// shuffleSeed below -1 and for an unset Mode.
func Seed(shuffleSeed int64, rowID string, m Mode, episodeSeed uint64) (uint64, error) {
	switch {
	case shuffleSeed < FreshShuffleSeed:
		return 0, fmt.Errorf("mcqa: shuffle_seed must be -1 or ≥ 0, got %d", shuffleSeed)
	case m != ModeRow && m != ModeEpisode:
		return 0, ErrMode
	case shuffleSeed == FreshShuffleSeed:
		return seed.Fresh(), nil
	case m == ModeEpisode:
		return EpisodeRowSeed(shuffleSeed, rowID, episodeSeed), nil
	}
	return RowSeed(shuffleSeed, rowID), nil
}

// Permutation returns the order of a row's options for generator seed s,
// as a mapping from new position to old index, exactly as Medmarks'
// randomize_multiple_choice: identity, with a reason, when an option refers
// to other labels (RefersToLabels); otherwise anchors (IsAnchor) stay and
// each block of positions between them is shuffled in turn, from the front,
// with one random.Random(s). reason is also set when nothing could move
// (fewer than two options, or none two of them between the same anchors);
// it is "" when the row was shuffled, even if the order came out unchanged.
// Option positions are named A, B, … in reasons.
func Permutation(texts []string, s uint64) (perm []int, reason string) {
	perm = make([]int, len(texts))
	for i := range perm {
		perm[i] = i
	}
	for i, t := range texts {
		if RefersToLabels(t) {
			return perm, fmt.Sprintf("not shuffled: option %s refers to other labels (%q)", position(i), shorten(t))
		}
	}
	var blocks [][2]int
	start := 0
	for i, t := range texts {
		if IsAnchor(t) {
			if start < i {
				blocks = append(blocks, [2]int{start, i})
			}
			start = i + 1
		}
	}
	if start < len(texts) {
		blocks = append(blocks, [2]int{start, len(texts)})
	}
	movable := false
	for _, b := range blocks {
		movable = movable || b[1]-b[0] > 1
	}
	if !movable {
		return perm, "not shuffled: no two options can move (fewer than two, or anchors between them)"
	}
	var r pyrand.Random
	r.Seed(s)
	for _, b := range blocks {
		r.ShuffleInts(perm[b[0]:b[1]])
	}
	return perm, ""
}

// Shuffled is a row's options after Apply.
type Shuffled struct {
	// Options are the labels in their places, each with the text it now shows.
	Options []Option
	// Perm maps a new position to the old index of the text shown there.
	Perm []int
	// Gold is the new index of the gold text.
	Gold int
	// Reason says why the row was left unshuffled; "" when it was shuffled.
	Reason string
}

// GoldLabel is the label the gold text moved to.
func (s Shuffled) GoldLabel() string { return s.Options[s.Gold].Label }

// Apply shuffles labelled options with generator seed s (Permutation):
// labels stay, texts move, the gold index follows its text. gold is the old
// gold index; Apply fails only when it is out of range.
func Apply(opts []Option, gold int, s uint64) (Shuffled, error) {
	if gold < 0 || gold >= len(opts) {
		return Shuffled{}, fmt.Errorf("mcqa: gold index %d out of range for %d options", gold, len(opts))
	}
	texts := make([]string, len(opts))
	for i, o := range opts {
		texts[i] = o.Text
	}
	perm, reason := Permutation(texts, s)
	out := Shuffled{Options: make([]Option, len(opts)), Perm: perm, Reason: reason}
	for i, old := range perm {
		out.Options[i] = Option{Label: opts[i].Label, Text: texts[old]}
		if old == gold {
			out.Gold = i
		}
	}
	return out, nil
}

// position names the i-th option A, B, … in reasons.
func position(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return fmt.Sprint(i + 1)
}

// shorten keeps reasons short: at most 60 runes of an option text.
func shorten(t string) string {
	rs := []rune(t)
	if len(rs) <= 60 {
		return t
	}
	return string(rs[:60]) + "…"
}
