// Package dataset loads benchmark rows from a data folder
// (../spec/common.md §2): it finds which file gives which split, reads the
// file whatever its container, and keeps a split's rows with stable ids.
//
// Discover looks in an env's folder of an fs.FS for the original file names
// the env lists and for Hugging Face exports: <split>.jsonl|.json|.parquet,
// <split>-NNNNN-of-NNNNN.parquet (shards read in order as one source),
// data/<split>-*.parquet, default/<split>/*.parquet, and any other data
// file whose name is the split name followed by a non-letter
// (test_fixed.jsonl, not testimony.jsonl); each optionally gzip-compressed;
// dev read as validation; the longest matching split name wins; a config
// subfolder such as pubmedqa/pqa_labeled/ holds one source whatever its
// file names, where the env asks for it. The original file wins over an
// export, exports rank in the order above; every other source of a split
// is logged as ignored (Info), unknown and hidden files get one Debug line
// each.
//
// Read streams a source's rows to a callback as JSON objects, the container
// detected by content: parquet (PAR1 at both ends; nested columns become
// nested JSON objects and arrays, and the file's Hugging Face metadata is
// in Row.File), a JSON array, JSON Lines, one object keyed by id (each
// member a row, Row.Key its name), one {"data": [...]} object (its items),
// and CSV where the env asks for it. Rows are handed over as raw bytes so
// an env decodes straight into its own compact struct; nothing else is
// kept. An error names the file, the line or row, and what was wrong, e.g.
// "medmcqa/dev.json line 812: not a JSON object"; an error returned by the
// callback gets the same prefix.
//
// Table holds a split's rows with their ids (../spec/common.md §1 rule 2):
// a row without one gets row-<index>, repeated ids get #2, #3, …, and
// skipped rows are counted with their reasons for the one start-up log line
// per split (Stats).
//
// # Errors
//
// Errors are plain wrapped errors. Discover's for a missing env folder
// wraps fs.ErrNotExist; Read's wrap the callback's error, so errors.Is
// sees through the position prefix.
//
// # Concurrency
//
// Discover and Read may run concurrently on the same fs.FS. A Builder is
// not safe for concurrent use; a Table is read-only and safe for
// concurrent use.
package dataset
