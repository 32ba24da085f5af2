package dataset_test

import (
	"encoding/json"
	"fmt"
	"testing/fstest"

	"github.com/medarc-ai/medmarks-t/envs/dataset"
)

// An env finds its split, decodes each row into its own compact struct and
// builds the table; rows it cannot serve are skipped with a reason.
func Example() {
	data := fstest.MapFS{
		"medmcqa/dev.json": {Data: []byte(`{"id":"a1","question":"Q1","cop":2}
{"id":"a2","question":"","cop":1}
{"question":"Q3","cop":4}
{"id":"a1","question":"Q4","cop":1}
`)},
		"medmcqa/README.md": {Data: []byte("notes")},
	}
	layout := dataset.Layout{Dir: "medmcqa", Want: []dataset.Want{
		{Key: "validation", Files: []string{"dev.json", "validation.json"}},
		{Key: "train", Files: []string{"train.json"}},
	}}
	found, err := dataset.Discover(data, layout, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	type row struct {
		question string
		gold     byte
	}
	b := dataset.NewBuilder[row](0)
	err = dataset.Read(data, found["validation"], dataset.Format{}, func(r dataset.Row) error {
		var raw struct {
			ID       string `json:"id"`
			Question string `json:"question"`
			Cop      int    `json:"cop"`
		}
		if err := json.Unmarshal(r.Data, &raw); err != nil {
			return err
		}
		if raw.Question == "" {
			b.Skip(raw.ID, "empty question")
			return nil
		}
		b.Add(raw.ID, row{question: raw.Question, gold: byte('A' + raw.Cop - 1)})
		return nil
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	t := b.Table()
	for i := range t.Len() {
		id, r, _ := t.At(i)
		fmt.Println(id, r.question, string(r.gold))
	}
	fmt.Println(t.Stats())
	_, ok := found["train"]
	fmt.Println("train found:", ok, "looked for:", layout.Looked("train")[0])
	// Output:
	// a1 Q1 B
	// row-2 Q3 D
	// a1#2 Q4 A
	// 3 served, 1 skipped (empty question: 1; first: a2), 1 repeated ids renamed
	// train found: false looked for: medmcqa/train.json
}
