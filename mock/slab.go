package mock

import (
	"encoding/binary"
	"sync/atomic"
	"unsafe"
)

// The two pointer-free containers behind the store. Both are written only
// under store.mu and read without locks: a reader reaches a slot or a block
// only through a record whose publication (an atomic store) happened after
// the slot or block was filled, and containers never move data once
// written.

const (
	slabShift = 9
	slabSize  = 1 << slabShift
)

// slab is a growable array of records addressed by id. Chunks never move,
// so a record's address is stable and its mutex usable in place. When T has
// no pointers the chunks are never scanned by the garbage collector.
type slab[T any] struct {
	base int64 // id of slot 0
	dir  atomic.Pointer[[]*[slabSize]T]
}

// at returns the slot of id, or nil when no chunk holds it yet. The caller
// checks that the record was published.
func (s *slab[T]) at(id int64) *T {
	i := id - s.base
	if i < 0 {
		return nil
	}
	d := s.dir.Load()
	if d == nil || i>>slabShift >= int64(len(*d)) {
		return nil
	}
	return &(*d)[i>>slabShift][i&(slabSize-1)]
}

// slot returns the slot of id, allocating chunks up to it. The caller holds
// store.mu.
func (s *slab[T]) slot(id int64) *T {
	i := id - s.base
	c := int(i >> slabShift)
	p := s.dir.Load()
	if p == nil || c >= len(*p) {
		p = s.grow(p, c)
	}
	return &(*p)[c][i&(slabSize-1)]
}

// grow extends the directory to hold chunk c and publishes it. It appends
// within capacity when it can: readers holding the old header never look
// past their length, so they cannot race with the new entries.
func (s *slab[T]) grow(p *[]*[slabSize]T, c int) *[]*[slabSize]T {
	var d []*[slabSize]T
	if p != nil {
		d = *p
	}
	if c >= cap(d) {
		nd := make([]*[slabSize]T, len(d), 2*c+1)
		copy(nd, d)
		d = nd
	}
	for len(d) <= c {
		d = append(d, new([slabSize]T))
	}
	s.dir.Store(&d)
	return &d
}

const (
	arenaChunk = 64 << 10
	arenaLarge = arenaChunk / 4 // blocks this long get a chunk of their own
)

// textRef locates a block of strings in the arena.
type textRef struct{ chunk, off uint32 }

// arena stores blocks of strings back to back in large byte chunks. A
// block is a sequence of fields, each a uvarint length followed by the
// bytes; a record keeps one textRef for all its strings. Bytes are written
// once, before the record that refers to them is published, and never
// changed, which is what makes the zero-copy reads of textReader sound.
type arena struct {
	dir     atomic.Pointer[[][]byte]
	cur     uint32 // chunk being filled, when filling
	used    uint32 // bytes used in it
	filling bool   // cur is valid (large blocks have chunks of their own)
}

// fieldSize is the encoded size of one field.
func fieldSize(s string) int {
	n := len(s) + 1
	for v := uint64(len(s)); v >= 0x80; v >>= 7 {
		n++
	}
	return n
}

// textWriter fills a reserved block.
type textWriter struct{ b []byte }

func (w *textWriter) put(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}

// reserve returns a writer for a block of size bytes and the block's ref;
// the caller holds store.mu and must write exactly size bytes.
func (a *arena) reserve(size int) (textWriter, textRef) {
	if size >= arenaLarge {
		c := a.newChunk(size)
		return textWriter{a.chunk(c)[:0:size]}, textRef{chunk: c}
	}
	if !a.filling || a.used+uint32(size) > arenaChunk {
		a.cur, a.used, a.filling = a.newChunk(arenaChunk), 0, true
	}
	off := a.used
	a.used += uint32(size)
	return textWriter{a.chunk(a.cur)[off:off:a.used]}, textRef{chunk: a.cur, off: off}
}

func (a *arena) chunk(c uint32) []byte { return (*a.dir.Load())[c] }

// newChunk appends a chunk of size bytes to the directory and publishes it.
func (a *arena) newChunk(size int) uint32 {
	var d [][]byte
	if p := a.dir.Load(); p != nil {
		d = *p
	}
	if len(d) == cap(d) {
		nd := make([][]byte, len(d), 2*len(d)+1)
		copy(nd, d)
		d = nd
	}
	d = append(d, make([]byte, size))
	a.dir.Store(&d)
	return uint32(len(d) - 1)
}

// textReader reads the fields of a block in order.
type textReader struct{ b []byte }

// text returns a reader positioned on the first field of the block r.
func (a *arena) text(r textRef) textReader {
	return textReader{a.chunk(r.chunk)[r.off:]}
}

// next returns the next field without copying it.
func (t *textReader) next() string {
	n, k := binary.Uvarint(t.b)
	if n == 0 {
		t.b = t.b[k:]
		return ""
	}
	s := unsafe.String(&t.b[k], int(n))
	t.b = t.b[k+int(n):]
	return s
}
