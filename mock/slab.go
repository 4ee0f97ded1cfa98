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
// written. Eviction drops whole chunks from the front by publishing a new
// directory without them; a reader still holding a record of a dropped
// chunk keeps its memory alive (the garbage collector sees the pointer), and
// one that looks it up afresh finds nothing.

const (
	slabShift = 9
	slabSize  = 1 << slabShift
)

// slabDir is a slab's directory: chunks[0] holds the ids of chunk number
// lo.
type slabDir[T any] struct {
	lo     int64
	chunks []*[slabSize]T
}

// slab is a growable array of records addressed by id. Chunks never move,
// so a record's address is stable and its mutex usable in place. When T has
// no pointers the chunks are never scanned by the garbage collector.
type slab[T any] struct {
	base int64 // id of slot 0
	dir  atomic.Pointer[slabDir[T]]
}

// at returns the slot of id, or nil when no chunk holds it (not yet
// allocated, or evicted). The caller checks that the record was published.
func (s *slab[T]) at(id int64) *T {
	i := id - s.base
	d := s.dir.Load()
	if i < 0 || d == nil {
		return nil
	}
	c := i>>slabShift - d.lo
	if c < 0 || c >= int64(len(d.chunks)) {
		return nil
	}
	return &d.chunks[c][i&(slabSize-1)]
}

// slot returns the slot of id, allocating chunks up to it. The caller holds
// store.mu. The first slot ever asked for sets the first chunk (a restored
// store starts where its snapshot's oldest record was).
func (s *slab[T]) slot(id int64) *T {
	i := id - s.base
	c := i >> slabShift
	d := s.dir.Load()
	if d == nil {
		d = &slabDir[T]{lo: c}
	}
	if c < d.lo {
		// Eviction only drops chunks whose every slot was published.
		panic("mock: store slot of an evicted chunk")
	}
	if c-d.lo >= int64(len(d.chunks)) {
		d = s.grow(d, int(c-d.lo))
	}
	return &d.chunks[c-d.lo][i&(slabSize-1)]
}

// grow extends the directory to hold chunk index k and publishes it. It
// appends within capacity when it can: readers holding the old directory
// never look past their length, so they cannot race with the new entries.
func (s *slab[T]) grow(d *slabDir[T], k int) *slabDir[T] {
	chunks := d.chunks
	if k >= cap(chunks) {
		nc := make([]*[slabSize]T, len(chunks), 2*k+1)
		copy(nc, chunks)
		chunks = nc
	}
	for len(chunks) <= k {
		chunks = append(chunks, new([slabSize]T))
	}
	nd := &slabDir[T]{lo: d.lo, chunks: chunks}
	s.dir.Store(nd)
	return nd
}

// chunks returns how many chunks the slab holds.
func (s *slab[T]) chunkCount() int {
	d := s.dir.Load()
	if d == nil {
		return 0
	}
	return len(d.chunks)
}

// first returns the oldest chunk and the id of its slot 0; nil when empty.
func (s *slab[T]) first() (*[slabSize]T, int64) {
	d := s.dir.Load()
	if d == nil || len(d.chunks) == 0 {
		return nil, 0
	}
	return d.chunks[0], s.base + d.lo<<slabShift
}

// low is the lowest id a chunk holds: every id from base up to it was
// evicted.
func (s *slab[T]) low() int64 {
	d := s.dir.Load()
	if d == nil {
		return s.base
	}
	return s.base + d.lo<<slabShift
}

// dropFirst evicts the oldest chunk. The caller holds store.mu. The new
// directory is a copy, so that the dropped chunk is no longer referenced by
// any directory a reader may load from now on.
func (s *slab[T]) dropFirst() {
	d := s.dir.Load()
	n := len(d.chunks) - 1
	nd := &slabDir[T]{lo: d.lo + 1, chunks: make([]*[slabSize]T, n, n+n/2+1)}
	copy(nd.chunks, d.chunks[1:])
	s.dir.Store(nd)
}

const (
	arenaChunk = 64 << 10
	arenaLarge = arenaChunk / 4 // blocks this long get a chunk of their own
)

// textRef locates a block of strings in an arena: an absolute chunk number
// and an offset.
type textRef struct{ chunk, off uint32 }

// arenaDir is an arena's directory: chunks[0] is chunk number lo.
type arenaDir struct {
	lo     uint32
	chunks [][]byte
}

// arena stores blocks of strings back to back in large byte chunks. A
// block is a sequence of fields, each a uvarint length followed by the
// bytes; a record keeps one textRef for all its strings. Bytes are written
// once, before the record that refers to them is published, and never
// changed, which is what makes the zero-copy reads of textReader sound.
//
// Each arena serves one kind of record, and remembers for each chunk the
// highest id of a record with a block in it (maxID), so that chunks can be
// freed from the front once every record in them was evicted.
type arena struct {
	dir     atomic.Pointer[arenaDir]
	maxID   []int64 // per chunk, from dir.lo; writer side only
	cur     uint32  // chunk being filled, when filling
	used    uint32  // bytes used in it
	filling bool    // cur is valid (large blocks have chunks of their own)
	bytes   atomic.Int64
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

// reserve returns a writer for a block of size bytes for record id, and the
// block's ref; the caller holds store.mu and must write exactly size bytes.
func (a *arena) reserve(size int, id int64) (textWriter, textRef) {
	if size >= arenaLarge {
		c := a.newChunk(size, id)
		return textWriter{a.chunk(c)[:0:size]}, textRef{chunk: c}
	}
	if !a.filling || a.used+uint32(size) > arenaChunk {
		a.cur, a.used, a.filling = a.newChunk(arenaChunk, id), 0, true
	}
	a.note(a.cur, id)
	off := a.used
	a.used += uint32(size)
	return textWriter{a.chunk(a.cur)[off:off:a.used]}, textRef{chunk: a.cur, off: off}
}

// note records that record id has a block in chunk c.
func (a *arena) note(c uint32, id int64) {
	k := c - a.dir.Load().lo
	if a.maxID[k] < id {
		a.maxID[k] = id
	}
}

// chunk returns chunk c, nil when it was freed.
func (a *arena) chunk(c uint32) []byte {
	d := a.dir.Load()
	if d == nil || c < d.lo || c-d.lo >= uint32(len(d.chunks)) {
		return nil
	}
	return d.chunks[c-d.lo]
}

// newChunk appends a chunk of size bytes to the directory and publishes it.
func (a *arena) newChunk(size int, id int64) uint32 {
	d := a.dir.Load()
	if d == nil {
		d = &arenaDir{}
	}
	chunks := d.chunks
	if len(chunks) == cap(chunks) {
		nc := make([][]byte, len(chunks), 2*len(chunks)+1)
		copy(nc, chunks)
		chunks = nc
	}
	chunks = append(chunks, make([]byte, size))
	a.dir.Store(&arenaDir{lo: d.lo, chunks: chunks})
	a.maxID = append(a.maxID, id)
	a.bytes.Add(int64(size))
	return d.lo + uint32(len(chunks)-1)
}

// free drops the chunks at the front whose records all have ids below
// low, stopping at the first that still holds a live one and never
// dropping the chunk being filled. The caller holds store.mu.
func (a *arena) free(low int64) {
	d := a.dir.Load()
	if d == nil {
		return
	}
	n := 0
	for n < len(d.chunks) && a.maxID[n] < low && !(a.filling && d.lo+uint32(n) == a.cur) {
		a.bytes.Add(-int64(len(d.chunks[n])))
		n++
	}
	if n == 0 {
		return
	}
	rest := len(d.chunks) - n
	nc := make([][]byte, rest, rest+rest/2+1)
	copy(nc, d.chunks[n:])
	a.maxID = append(a.maxID[:0:0], a.maxID[n:]...)
	a.dir.Store(&arenaDir{lo: d.lo + uint32(n), chunks: nc})
}

// textReader reads the fields of a block in order.
type textReader struct{ b []byte }

// text returns a reader positioned on the first field of the block r;
// false when its chunk was freed (a record evicted while being read). An
// empty reader reads empty fields.
func (a *arena) text(r textRef) (textReader, bool) {
	c := a.chunk(r.chunk)
	if c == nil {
		return textReader{}, false
	}
	return textReader{c[r.off:]}, true
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

// skip passes over n fields and returns the bytes they took.
func (t *textReader) skip(n int) int {
	size := 0
	for range n {
		l, k := binary.Uvarint(t.b)
		size += k + int(l)
		t.b = t.b[k+int(l):]
	}
	return size
}
