package demo

import (
	"embed"
	"io/fs"
)

//go:embed data
var data embed.FS

// FS returns the demo set, rooted like a --data directory.
func FS() fs.FS {
	sub, err := fs.Sub(data, "data")
	if err != nil {
		panic(err) // the embedded tree always has "data"
	}
	return sub
}
