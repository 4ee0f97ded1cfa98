package mock

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
)

// Id reservations (with Config.StateFile): the ids of the kinds the state
// file keeps (payments, transactions, refunds, transaction refunds) are
// handed out only once they are durably reserved, in blocks, in a small
// file beside the state file (StateFile + ".ids"). A restarted mock starts
// every counter after its reservation, so an id handed out before a crash
// (kill -9, power loss) is never handed out again, even when the snapshot
// that would have held it was never written: a crash leaves a gap in the
// ids, never a repeat.
//
// The file holds two 64-byte slots written alternately, each with a
// sequence number and a CRC-32C, each write followed by fsync: a write
// torn by a crash spoils only the slot being written, and the other still
// holds the previous reservation. Reading takes the valid slot of the
// highest sequence number.

// idBlock is how many ids of a kind one reservation adds: one fsync per
// idBlock payments.
const idBlock = 8192

// idSlotSize is the size of one slot of the reservation file.
const idSlotSize = 64

// idMagic starts every slot.
const idMagic = "gcids01\n"

// idReserver writes the reservations of an idGen's kept kinds.
type idReserver struct {
	mu     sync.Mutex
	f      *os.File
	seq    uint64
	kinds  [4]*idCounter
	log    *slog.Logger
	failed bool // a write failed; logged once
}

// keptKinds are the counters the reservation file covers, in file order.
func (g *idGen) keptKinds() [4]*idCounter {
	return [4]*idCounter{&g.payment, &g.tx, &g.refund, &g.txRefund}
}

// openIDReserver opens (creating it if needed) the reservation file of
// the state file path and returns the reservation it holds (zeros for a
// new file). It fails at once when the directory is missing or not
// writable.
func openIDReserver(path string, g *idGen, log *slog.Logger) (*idReserver, [4]int64, error) {
	var limits [4]int64
	f, err := os.OpenFile(path+".ids", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, limits, fmt.Errorf("id reservations: %w", err)
	}
	r := &idReserver{f: f, kinds: g.keptKinds(), log: log}
	var buf [2 * idSlotSize]byte
	n, err := f.ReadAt(buf[:], 0)
	if err != nil && !errors.Is(err, io.EOF) {
		_ = f.Close()
		return nil, limits, fmt.Errorf("id reservations %s: %w", f.Name(), err)
	}
	found := false
	for i := 0; i+idSlotSize <= n; i += idSlotSize {
		seq, l, ok := decodeIDSlot(buf[i : i+idSlotSize])
		if ok && (!found || seq > r.seq) {
			r.seq, limits, found = seq, l, true
		}
	}
	if n > 0 && !found {
		_ = f.Close()
		return nil, limits, fmt.Errorf("id reservations %s: no valid slot (the file is corrupt; remove it only together with the state file)", f.Name())
	}
	if n == 0 {
		// A new file: make its directory entry durable.
		if err := syncDir(filepath.Dir(f.Name())); err != nil {
			_ = f.Close()
			return nil, limits, fmt.Errorf("id reservations: %w", err)
		}
	}
	return r, limits, nil
}

// decodeIDSlot reads one slot.
func decodeIDSlot(b []byte) (seq uint64, limits [4]int64, ok bool) {
	if string(b[:8]) != idMagic || binary.LittleEndian.Uint32(b[48:52]) != crc32.Checksum(b[:48], crcTable) {
		return 0, limits, false
	}
	seq = binary.LittleEndian.Uint64(b[8:16])
	for i := range limits {
		limits[i] = int64(binary.LittleEndian.Uint64(b[16+8*i:]))
	}
	return seq, limits, true
}

// crcTable is CRC-32C (Castagnoli), hardware-accelerated on amd64/arm64.
var crcTable = crc32.MakeTable(crc32.Castagnoli)

// attach starts reserving: every kept counter gets a first block after
// its current value, on disk before attach returns.
func (r *idReserver) attach() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	var next [4]int64
	for i, c := range r.kinds {
		next[i] = c.Load() + idBlock
	}
	if err := r.writeLocked(next); err != nil {
		return fmt.Errorf("id reservations: %w", err)
	}
	for i, c := range r.kinds {
		c.limit.Store(next[i])
		c.res = r
	}
	return nil
}

// extend reserves a new block for c so that it covers last; it returns
// once the reservation is on disk (or its write failed, which is logged).
// The new limit is published only after the write, so no other request
// hands out an id of the block before it is durable.
func (r *idReserver) extend(c *idCounter, last int64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if last <= c.limit.Load() {
		return // another request reserved it meanwhile
	}
	var next [4]int64
	for i, k := range r.kinds {
		next[i] = k.limit.Load()
		if k == c {
			next[i] = last + idBlock
		}
	}
	if err := r.writeLocked(next); err != nil && !r.failed {
		// The ids stay unique while this process runs; after a crash
		// they could repeat. Say so once.
		r.failed = true
		if r.log != nil {
			r.log.LogAttrs(context.Background(), slog.LevelError, "mock: id reservation not durable: ids may repeat after a crash",
				slog.String("error", err.Error()))
		}
	}
	c.limit.Store(last + idBlock)
}

// writeLocked writes limits to the next slot and syncs the file. The
// caller holds mu.
func (r *idReserver) writeLocked(limits [4]int64) error {
	var b [idSlotSize]byte
	copy(b[:8], idMagic)
	r.seq++
	binary.LittleEndian.PutUint64(b[8:16], r.seq)
	for i, l := range limits {
		binary.LittleEndian.PutUint64(b[16+8*i:], uint64(l))
	}
	binary.LittleEndian.PutUint32(b[48:52], crc32.Checksum(b[:48], crcTable))
	_, err := r.f.WriteAt(b[:], int64(r.seq%2)*idSlotSize)
	if err == nil {
		err = r.f.Sync()
	}
	return err
}

// close closes the file.
func (r *idReserver) close() error {
	if r == nil {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.f.Close(); err != nil && !errors.Is(err, fs.ErrClosed) {
		return err
	}
	return nil
}
