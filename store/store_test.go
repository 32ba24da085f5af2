package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/medarc-ai/medmarks-t/store"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func open(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(dir, nil, store.Options{})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return db
}

func TestTablePersistsAcrossReopen(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "s")
	db := open(t, dir)
	a, b := db.Table("a/"), db.Table("b/")
	if err := a.Put(ctx, "k", []byte("va"), 0); err != nil {
		t.Fatal(err)
	}
	if err := b.Put(ctx, "k", []byte("vb"), time.Hour); err != nil {
		t.Fatal(err)
	}
	if err := a.Put(ctx, "gone", []byte("x"), 0); err != nil {
		t.Fatal(err)
	}
	if err := a.Delete(ctx, "gone"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}

	db = open(t, dir)
	defer db.Close()
	tests := []struct {
		table, key string
		want       string
		wantOK     bool
	}{
		{"a/", "k", "va", true},
		{"b/", "k", "vb", true},
		{"a/", "gone", "", false},
		{"c/", "k", "", false},
	}
	for _, tt := range tests {
		got, ok, err := db.Table(tt.table).Get(ctx, tt.key)
		if err != nil || ok != tt.wantOK || string(got) != tt.want {
			t.Errorf("Get(%s%s) = %q, %v, %v; want %q, %v", tt.table, tt.key, got, ok, err, tt.want, tt.wantOK)
		}
	}
	if n, err := db.Table("a/").Len(ctx); err != nil || n != 1 {
		t.Errorf("Len(a/) = %d, %v; want 1", n, err)
	}
}

func TestTTLExpires(t *testing.T) {
	ctx := context.Background()
	db := open(t, t.TempDir())
	defer db.Close()
	tb := db.Table("t/")
	// Badger's TTL has one-second resolution.
	if err := tb.Put(ctx, "k", []byte("v"), time.Second); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, ok, err := tb.Get(ctx, "k")
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("entry with a 1 s TTL still present after 10 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestOpenErrors(t *testing.T) {
	t.Run("locked", func(t *testing.T) {
		dir := t.TempDir()
		db := open(t, dir)
		defer db.Close()
		_, err := store.Open(dir, nil, store.Options{})
		if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "in use") {
			t.Fatalf("second Open = %v; want an in-use error naming %s", err, dir)
		}
	})
	t.Run("data without manifest", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "000001.vlog"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := store.Open(dir, nil, store.Options{})
		if err == nil || !strings.Contains(err.Error(), "no MANIFEST") {
			t.Fatalf("Open = %v; want a damaged-store error", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "000001.vlog")); err != nil {
			t.Fatalf("data file was touched: %v", err)
		}
	})
	t.Run("corrupt manifest", func(t *testing.T) {
		dir := t.TempDir()
		db := open(t, dir)
		if err := db.Table("x/").Put(context.Background(), "k", []byte("v"), 0); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if err := os.WriteFile(filepath.Join(dir, "MANIFEST"), []byte("garbage that is not a manifest"), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := store.Open(dir, nil, store.Options{})
		if err == nil || !strings.Contains(err.Error(), "left untouched") {
			t.Fatalf("Open = %v; want a cannot-open error", err)
		}
		b, _ := os.ReadFile(filepath.Join(dir, "MANIFEST"))
		if string(b) != "garbage that is not a manifest" {
			t.Fatal("the corrupt store was rewritten")
		}
	})
}

func TestMemTable(t *testing.T) {
	ctx := context.Background()
	now := time.Unix(1000, 0)
	m := store.NewMemTable()
	m.Now = func() time.Time { return now }
	if err := m.Put(ctx, "k", []byte("v"), time.Minute); err != nil {
		t.Fatal(err)
	}
	if v, ok, _ := m.Get(ctx, "k"); !ok || string(v) != "v" {
		t.Fatalf("Get = %q, %v", v, ok)
	}
	now = now.Add(time.Minute)
	if _, ok, _ := m.Get(ctx, "k"); ok {
		t.Fatal("expired entry still served")
	}
}
