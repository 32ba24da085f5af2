// Package store is the one embedded Badger database of a medmarks process:
// episodes (written through on every Reset and Step) and the judge cache
// live in it under their own key prefixes, each with a TTL.
//
// A store that cannot be opened — locked by another process, corrupt, or a
// directory that holds data files but no manifest — stops the start with an
// error naming the directory. It is never wiped.
//
// Writes are not synced (SyncWrites off): data survives a SIGKILL of the
// process but not a power loss, which suits episodes and a cache.
//
// # Concurrency
//
// DB and Table are safe for concurrent use. DB.Close stops the background
// value-log GC and waits for it.
package store
