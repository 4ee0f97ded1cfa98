package mock

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/gob"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
)

// The journal (Config.StateFile with StateSyncEveryWrite): a group
// commit appends one entry holding only what changed since the previous
// entry, and syncs it; the state file itself (state.go, the "base") is
// rewritten only when the journal has grown past the base
// (compaction), at start and at Close. A commit therefore costs what its
// group changed, not what the store holds.
//
// What an entry holds: the payments locked since the previous entry
// (store.dirty: whoever locks a payment may change it), whole; their
// 3-D Secure sessions; the CANCEL and transaction refund records not
// written yet; the checkout tokens made or changed since; the stored
// cards, the wallet book, the marketplace approvals and the settings
// whole, each only when it changed; and, every time, the id counters,
// the clock offset, the eviction watermarks and the relocated payments.
// The first entry after a compaction writes every section once.
//
// Restore reads the base, then the journal's entries in order over it
// (a later record replaces an earlier one of the same id), then drops
// what the last watermarks say was evicted, and stores the result: the
// state of the mock at its last acknowledged write.
//
// File: StateFile + ".journal": the line "gatecheck-mock-journal 1\n",
// the generation (8 bytes, little-endian) and the CRC-32C of both; then
// frames of a length (4 bytes), the CRC-32C of the payload (4 bytes) and
// the payload: the next message of one gob stream (an entry). The base
// names the generation of the journal that continues it
// (stateHeader.Journal); a journal of another generation is older than
// the base (a crash between a compaction's two renames) and is ignored.
// A frame torn by a crash ends the replay: its entry was never
// acknowledged, since an answer waits for the sync of its entry.

// journalMagic starts every journal file; the number is its version.
const journalMagic = "gatecheck-mock-journal 1\n"

// journalHeaderSize is the size of the magic, generation and checksum.
const journalHeaderSize = len(journalMagic) + 8 + 4

// minCompaction is the journal size below which no compaction runs,
// whatever the base's size.
const minCompaction = 16 << 20

// journalEntry is one group commit's changes.
type journalEntry struct {
	Payments  []statePayment
	Cancels   []stateCancel
	TxRefunds []stateTxRefund
	// ThreeDSOf are the payments whose 3-D Secure session ThreeDS now
	// holds (none, when a payment of ThreeDSOf is not in ThreeDS).
	ThreeDSOf []int64
	ThreeDS   []stateThreeDS
	// Checkouts are the tokens made or changed, oldest first.
	Checkouts []stateCheckout
	Vault     *stateVault     // the stored cards, when they changed
	Book      *stateBook      // the wallet book, when it changed
	Approvals *stateApprovals // when they changed
	Settings  *Settings       // when they changed
	Offset    int64           // the clock offset
	IDs       [4]int64        // id counters: payment, transaction, refund, transaction refund
	// Low are the lowest payment, CANCEL and transaction refund ids the
	// store holds (lower ones were evicted) but for the relocated
	// payments, Kept, written when the set changed (KeptSet).
	Low     [3]int64
	Kept    []int64
	KeptSet bool
}

// stateVault is the stored cards of a journal entry.
type stateVault struct {
	Cards                []stateCard
	Saved                []stateSaved
	CardSeq, CardUserSeq uint64
}

// stateApprovals wraps the approvals, so that an entry tells "none" from
// "unchanged".
type stateApprovals struct{ List []stateApproval }

// dirtySet lists the payments changed since the last journal entry. A
// payment is listed once (payment.dirty, under its lock) until the
// journal reads it.
type dirtySet struct {
	mu  sync.Mutex
	ids []int64
}

// mark lists p; the caller holds p.mu.
func (d *dirtySet) mark(p *payment) {
	if p.dirty {
		return
	}
	p.dirty = true
	d.mu.Lock()
	d.ids = append(d.ids, p.id)
	d.mu.Unlock()
}

// take returns the listed ids, sorted and without repeats (a relocated
// payment can be listed twice), and empties the list.
func (d *dirtySet) take() []int64 {
	d.mu.Lock()
	ids := d.ids
	d.ids = make([]int64, 0, len(ids))
	d.mu.Unlock()
	slices.Sort(ids)
	return slices.Compact(ids)
}

// journal is the open journal file and what it already holds. Only the
// commit loop uses it (under snapshotter.mu).
type journal struct {
	path     string
	gen      uint64
	f        *os.File
	enc      *gob.Encoder
	buf      bytes.Buffer
	size     int64 // bytes in the file
	baseSize int64 // bytes of the base written with it
	broken   bool  // a write failed: the next commit compacts

	// What the entries so far hold.
	cancelNext, txRefundNext int64                    // the lowest refund ids not written yet
	checkouts                map[string]checkoutState // token -> state written
	vaultGen                 uint64
	bookSum, approvalsSum    uint32
	settingsSum              uint32
	kept                     *keptSet
	sections                 bool // the sections were written since the compaction
}

// checkoutState is what changes in a checkout token after it is made.
type checkoutState struct {
	state     uint8
	paymentID int64
}

// journalPath is the journal file of a state file.
func journalPath(stateFile string) string { return stateFile + ".journal" }

// commitGroup makes the changes of a group of requests durable: a
// journal entry, or a compaction when the journal has grown past its
// base (or a write failed).
func (m *Mock) commitGroup() error {
	m.snap.mu.Lock()
	defer m.snap.mu.Unlock()
	j := m.snap.journal
	if j.broken || j.size > max(minCompaction, 2*j.baseSize) {
		return m.compactLocked()
	}
	if err := m.appendEntry(j); err != nil {
		j.broken = true
		return err
	}
	return nil
}

// compactLocked writes a new base naming a new journal generation, then
// starts that journal empty. The caller holds snap.mu.
func (m *Mock) compactLocked() error {
	s := m.store
	old := m.snap.journal
	gen := uint64(1)
	if old != nil {
		gen = old.gen + 1
	}
	// Refund records at or below these are in the base: each was made
	// under its payment's lock before the base read the payment.
	cancelNext, txRefundNext := m.ids.refund.Load()+1, m.ids.txRefund.Load()+1
	if s.dirty != nil {
		s.dirty.take() // the base reads every payment after this
	}
	m.snap.journalGen = gen
	size, err := m.writeBaseLocked()
	if err != nil {
		if old != nil {
			old.broken = true
		}
		return err
	}
	j, err := createJournal(m.snap.path, gen)
	if err != nil {
		if old != nil {
			old.broken = true
		}
		return fmt.Errorf("mock: state file %s: %w", m.snap.path, err)
	}
	if old != nil {
		_ = old.f.Close()
	}
	j.baseSize, j.cancelNext, j.txRefundNext = size, cancelNext, txRefundNext
	j.kept = s.kept.Load()
	m.snap.journal = j
	return nil
}

// createJournal writes an empty journal of generation gen (a temporary
// file renamed over the old one) and opens it for appending.
func createJournal(stateFile string, gen uint64) (*journal, error) {
	path := journalPath(stateFile)
	f, err := os.CreateTemp(filepath.Dir(stateFile), "."+filepath.Base(stateFile)+".tmp-*")
	if err != nil {
		return nil, err
	}
	hdr := make([]byte, 0, journalHeaderSize)
	hdr = append(hdr, journalMagic...)
	hdr = binary.LittleEndian.AppendUint64(hdr, gen)
	hdr = binary.LittleEndian.AppendUint32(hdr, crc32.Checksum(hdr, crcTable))
	_, err = f.Write(hdr)
	if err == nil {
		err = f.Sync()
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err == nil {
		err = syncDir(filepath.Dir(path))
	}
	if err != nil {
		_ = f.Close()
		_ = os.Remove(f.Name())
		return nil, fmt.Errorf("journal: %w", err)
	}
	j := &journal{path: path, gen: gen, f: f, size: int64(len(hdr)), checkouts: map[string]checkoutState{}}
	j.enc = gob.NewEncoder(&j.buf)
	return j, nil
}

// appendEntry writes and syncs the entry of what changed since the last.
func (m *Mock) appendEntry(j *journal) error {
	e, err := m.journalEntry(j)
	if err != nil {
		return err
	}
	j.buf.Reset()
	j.buf.Write(make([]byte, 8)) // the frame header, filled below
	if err := j.enc.Encode(e); err != nil {
		return fmt.Errorf("mock: journal: %w", err)
	}
	b := j.buf.Bytes()
	binary.LittleEndian.PutUint32(b[0:], uint32(len(b)-8))
	binary.LittleEndian.PutUint32(b[4:], crc32.Checksum(b[8:], crcTable))
	if _, err := j.f.Write(b); err != nil {
		return fmt.Errorf("mock: journal %s: %w", j.path, err)
	}
	if err := j.f.Sync(); err != nil {
		return fmt.Errorf("mock: journal %s: %w", j.path, err)
	}
	j.size += int64(len(b))
	return nil
}

// journalEntry collects what changed since the last entry and notes it
// as written. The entry is complete for every change made before the
// call: a payment changed after its id was taken from the dirty list is
// listed again (its dirty flag was cleared when it was read).
func (m *Mock) journalEntry(j *journal) (*journalEntry, error) {
	s := m.store
	// Eviction pauses while the entry is read, as for a snapshot; an
	// eviction round in progress is waited out.
	s.snapshotting.Add(1)
	defer s.snapshotting.Add(-1)
	// The watermarks and the relocated payments cannot move while it is
	// paused: read them once the round in progress is over.
	s.mu.Lock()
	e := &journalEntry{Offset: m.offset.Load(), Low: [3]int64{s.payments.low(), s.cancels.low(), s.txRefunds.low()}}
	kept := s.kept.Load()
	s.mu.Unlock()
	before := [2]int64{m.ids.refund.Load(), m.ids.txRefund.Load()}
	marks := map[int64]paymentMark{}
	for _, id := range s.dirty.take() {
		p := s.payment(id)
		if p == nil {
			continue // evicted: Low says so
		}
		sp, mark, ts, ok := m.journalPayment(p)
		if !ok {
			continue
		}
		e.Payments = append(e.Payments, sp)
		e.ThreeDSOf = append(e.ThreeDSOf, id)
		if ts != nil {
			e.ThreeDS = append(e.ThreeDS, *ts)
		}
		marks[id] = mark
	}
	m.journalRefunds(j, e, marks, before)
	if err := m.journalCheckouts(j, e); err != nil {
		return nil, err
	}
	m.journalSections(j, e)
	e.IDs = [4]int64{m.ids.payment.Load(), m.ids.tx.Load(), m.ids.refund.Load(), m.ids.txRefund.Load()}
	if kept != j.kept {
		e.KeptSet, j.kept = true, kept
		if kept != nil {
			for id := range kept.byID {
				e.Kept = append(e.Kept, id)
			}
			slices.Sort(e.Kept)
		}
	}
	return e, nil
}

// journalPayment reads a listed payment, its mark and its 3-D Secure
// session under its lock, and clears its dirty flag.
func (m *Mock) journalPayment(p *payment) (statePayment, paymentMark, *stateThreeDS, bool) {
	s := m.store
	p = s.lockQuiet(p)
	defer p.mu.Unlock()
	p.dirty = false
	sp, mark, ok := m.paymentRecord(p)
	if !ok {
		return sp, mark, nil, false
	}
	if mark.id == 0 { // refund records wait for their payment's mark
		mark = paymentMark{id: p.id, cancel: m.ids.refund.Load(), txRefund: m.ids.txRefund.Load()}
	}
	var ts *stateThreeDS
	if v, ok := m.threeDS.Load(p.id); ok {
		ss := v.(*threeDSSession)
		ts = &stateThreeDS{PaymentID: p.id, Token: ss.token, Callback: ss.callbackURL, V2: ss.v2, Returned: ss.returned, Md: ss.md}
	}
	return sp, mark, ts, true
}

// journalRefunds adds the refund records not written yet whose payment
// this entry holds with them, and advances the marks past them. before
// are the refund id counters read before the dirty list was taken: a
// record at or below them was made under its payment's lock before the
// payment was read for this entry, so it is written now or never comes
// (its payment was evicted, or the id was left unused). A record above
// them that is left out was made after its payment was read: the payment
// is listed again, and a later entry writes both.
func (m *Mock) journalRefunds(j *journal, e *journalEntry, marks map[int64]paymentMark, before [2]int64) {
	s := m.store
	j.cancelNext = journalWalk(max(j.cancelNext, s.cancels.low()), m.ids.refund.Load(), s.cancelState, func(id, pid int64) bool {
		mk, ok := marks[pid]
		return ok && id <= mk.cancel
	}, before[0], &e.Cancels)
	j.txRefundNext = journalWalk(max(j.txRefundNext, s.txRefunds.low()), m.ids.txRefund.Load(), s.txRefundState, func(id, pid int64) bool {
		mk, ok := marks[pid]
		return ok && id <= mk.txRefund
	}, before[1], &e.TxRefunds)
}

// journalWalk adds the records of one refund kind, ids from..last, that
// included accepts (as saveWalk), and returns the lowest id the next entry
// must look at again: the first left out above before.
func journalWalk[S any](from, last int64, read func(int64) (S, int64, bool), included func(id, pid int64) bool, before int64, out *[]S) int64 {
	next := last + 1
	for id := from; id <= last; id++ {
		if rec, pid, ok := read(id); ok && included(id, pid) {
			*out = append(*out, rec)
		} else if id > before {
			next = min(next, id)
		}
	}
	return next
}

// journalCheckouts adds the checkout tokens made or changed since the
// last entry, oldest first, and forgets the tokens the queue dropped.
func (m *Mock) journalCheckouts(j *journal, e *journalEntry) error {
	seen := make(map[string]checkoutState, len(j.checkouts))
	err := m.eachCheckout(func(cs *checkoutSession, now checkoutState) error {
		seen[cs.token] = now
		if was, ok := j.checkouts[cs.token]; ok && was == now {
			return nil
		}
		rec, err := checkoutRecord(cs, now)
		e.Checkouts = append(e.Checkouts, rec)
		return err
	})
	j.checkouts = seen
	return err
}

// journalSections adds the stored cards, the book, the approvals and the
// settings, each when it changed since the last entry wrote it.
func (m *Mock) journalSections(j *journal, e *journalEntry) {
	v := &m.store.vault
	v.mu.RLock()
	gen := v.gen
	v.mu.RUnlock()
	if !j.sections || gen != j.vaultGen {
		cards, saved, seq, userSeq, g := m.vaultRecords()
		e.Vault, j.vaultGen = &stateVault{Cards: cards, Saved: saved, CardSeq: seq, CardUserSeq: userSeq}, g
	}
	if b := m.book.snapshot(); sectionChanged(&j.bookSum, b, !j.sections) {
		e.Book = b
	}
	if a := (stateApprovals{m.market.snapshot()}); sectionChanged(&j.approvalsSum, a, !j.sections) {
		e.Approvals = &a
	}
	if st := m.Settings(); sectionChanged(&j.settingsSum, st, !j.sections) {
		e.Settings = &st
	}
	j.sections = true
}

// sectionChanged reports whether v's encoding differs from the one whose
// checksum *sum holds (always when force), and keeps the new checksum.
// The sections are encoded in a fixed order (sorted), so an unchanged
// section encodes the same.
func sectionChanged(sum *uint32, v any, force bool) bool {
	h := crc32.New(crcTable)
	if err := gob.NewEncoder(h).Encode(v); err != nil {
		return true
	}
	n := h.Sum32()
	changed := force || n != *sum
	*sum = n
	return changed
}

// readJournal reads the journal of generation gen beside the state file,
// if any, and applies its entries to img in order. A journal of another
// generation, or none, applies nothing. A frame torn at the end (a crash
// while it was written) ends the entries; a bad checksum anywhere else is
// an error.
func readJournal(stateFile string, gen uint64, img *stateImage) (entries int, err error) {
	f, err := os.Open(journalPath(stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return 0, err
	}
	br := bufio.NewReaderSize(f, 1<<20)
	hdr := make([]byte, journalHeaderSize)
	if _, err := io.ReadFull(br, hdr); err != nil || string(hdr[:len(journalMagic)]) != journalMagic ||
		binary.LittleEndian.Uint32(hdr[len(hdr)-4:]) != crc32.Checksum(hdr[:len(hdr)-4], crcTable) {
		return 0, errors.New("journal: not a gatecheck mock journal, or its header is corrupt")
	}
	if binary.LittleEndian.Uint64(hdr[len(journalMagic):]) != gen {
		return 0, nil // older than the base
	}
	fr := &frameReader{r: br, left: fi.Size() - int64(journalHeaderSize)}
	dec := gob.NewDecoder(fr)
	for {
		ok, err := fr.nextFrame()
		if err != nil {
			return entries, fmt.Errorf("journal: entry %d: %w", entries+1, err)
		}
		if !ok {
			return entries, nil
		}
		var e journalEntry
		if err := dec.Decode(&e); err != nil {
			return entries, fmt.Errorf("journal: entry %d: %w", entries+1, err)
		}
		if fr.payload.Len() != 0 {
			return entries, fmt.Errorf("journal: entry %d: %d bytes after its message", entries+1, fr.payload.Len())
		}
		img.apply(&e)
		entries++
	}
}

// frameReader hands a gob decoder the payloads of the journal's frames,
// one frame at a time (nextFrame).
type frameReader struct {
	r       *bufio.Reader
	left    int64 // bytes of the file not read yet
	payload bytes.Reader
}

// nextFrame reads the next frame and checks it. It returns false at the
// end of the file or at a frame torn by a crash (the last one, shorter
// than it says); a complete frame whose checksum fails is an error.
func (fr *frameReader) nextFrame() (bool, error) {
	if fr.left < 8 {
		return false, nil
	}
	var hdr [8]byte
	if _, err := io.ReadFull(fr.r, hdr[:]); err != nil {
		return false, err
	}
	fr.left -= 8
	n := int64(binary.LittleEndian.Uint32(hdr[0:]))
	if n > fr.left {
		return false, nil // torn
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(fr.r, buf); err != nil {
		return false, err
	}
	fr.left -= n
	if crc32.Checksum(buf, crcTable) != binary.LittleEndian.Uint32(hdr[4:]) {
		if fr.left == 0 {
			return false, nil // the last frame, torn inside
		}
		return false, errors.New("checksum mismatch: the journal is corrupt")
	}
	fr.payload.Reset(buf)
	return true, nil
}

func (fr *frameReader) Read(p []byte) (int, error) { return fr.payload.Read(p) }

// ReadByte makes frameReader an io.ByteReader, so that the decoder reads
// no further than its message.
func (fr *frameReader) ReadByte() (byte, error) { return fr.payload.ReadByte() }

// stateImage is a state file read into memory, for the journal's entries
// to be applied over it before it is stored.
type stateImage struct {
	h         stateHeader
	payments  map[int64]*statePayment
	cancels   map[int64]stateCancel
	txRefunds map[int64]stateTxRefund
	threeDS   map[int64]stateThreeDS
	checkouts []stateCheckout
	coAt      map[string]int // token -> index in checkouts
	vault     stateVault
	book      *stateBook
	approvals []stateApproval
	ids       [4]int64
	low       *[3]int64      // nil: no entry said
	kept      map[int64]bool // nil: as the base has them
}

func newStateImage(h stateHeader) *stateImage {
	return &stateImage{h: h, payments: map[int64]*statePayment{}, cancels: map[int64]stateCancel{}, txRefunds: map[int64]stateTxRefund{},
		threeDS: map[int64]stateThreeDS{}, coAt: map[string]int{}, ids: [4]int64{h.Payment, h.Tx, h.Refund, h.TxRefund},
		vault: stateVault{CardSeq: h.CardSeq, CardUserSeq: h.CardUserSeq}}
}

// add reads a batch of the base.
func (img *stateImage) add(b *stateBatch) {
	img.put(b.Payments, b.Cancels, b.TxRefunds, b.ThreeDS, b.Checkouts)
	img.vault.Cards = append(img.vault.Cards, b.Cards...)
	img.vault.Saved = append(img.vault.Saved, b.Saved...)
	if b.Book != nil {
		img.book = b.Book
	}
	img.approvals = append(img.approvals, b.Approvals...)
	if b.End {
		img.maxIDs(b.IDs)
	}
}

// put stores records over those of the same id (payment id for 3-D
// Secure sessions, token for checkouts).
func (img *stateImage) put(ps []statePayment, cs []stateCancel, rs []stateTxRefund, ts []stateThreeDS, cos []stateCheckout) {
	for i := range ps {
		img.payments[ps[i].ID] = &ps[i]
	}
	for _, c := range cs {
		img.cancels[c.ID] = c
	}
	for _, r := range rs {
		img.txRefunds[r.ID] = r
	}
	for _, t := range ts {
		img.threeDS[t.PaymentID] = t
	}
	for _, c := range cos {
		if i, ok := img.coAt[c.Token]; ok {
			img.checkouts[i] = c
			continue
		}
		img.coAt[c.Token] = len(img.checkouts)
		img.checkouts = append(img.checkouts, c)
	}
}

func (img *stateImage) maxIDs(ids [4]int64) {
	for i := range ids {
		img.ids[i] = max(img.ids[i], ids[i])
	}
}

// apply applies a journal entry.
func (img *stateImage) apply(e *journalEntry) {
	for _, id := range e.ThreeDSOf {
		delete(img.threeDS, id)
	}
	img.put(e.Payments, e.Cancels, e.TxRefunds, e.ThreeDS, e.Checkouts)
	if e.Vault != nil {
		img.vault = *e.Vault
	}
	if e.Book != nil {
		img.book = e.Book
	}
	if e.Approvals != nil {
		img.approvals = e.Approvals.List
	}
	if e.Settings != nil {
		img.h.Settings = *e.Settings
	}
	img.h.Offset = e.Offset
	img.maxIDs(e.IDs)
	low := e.Low
	img.low = &low
	if e.KeptSet {
		img.kept = map[int64]bool{}
		for _, id := range e.Kept {
			img.kept[id] = true
		}
	}
}

// batch returns the image as the one, last batch of a state file, in the
// order a snapshot writes (ids ascending), without what the last
// watermarks say was evicted.
func (img *stateImage) batch() *stateBatch {
	b := &stateBatch{End: true, IDs: img.ids, Checkouts: img.checkouts, Cards: img.vault.Cards, Saved: img.vault.Saved,
		Book: img.book, Approvals: img.approvals}
	gone := func(id int64, low int) bool { return img.low != nil && id < img.low[low] }
	for _, id := range sortedKeys(img.payments) {
		sp := img.payments[id]
		if gone(id, 0) {
			if img.kept != nil && !img.kept[id] || img.kept == nil && !sp.Kept {
				continue
			}
			sp.Kept = true
		} else if img.low != nil {
			sp.Kept = false
		}
		b.Payments = append(b.Payments, *sp)
	}
	held := map[int64]bool{}
	for _, sp := range b.Payments {
		held[sp.ID] = true
	}
	// As a snapshot: the refund records the store holds, of payments it
	// holds.
	for _, id := range sortedKeys(img.cancels) {
		if c := img.cancels[id]; !gone(id, 1) && held[c.PaymentID] {
			b.Cancels = append(b.Cancels, c)
		}
	}
	for _, id := range sortedKeys(img.txRefunds) {
		if r := img.txRefunds[id]; !gone(id, 2) && held[r.PaymentID] {
			b.TxRefunds = append(b.TxRefunds, r)
		}
	}
	for _, id := range sortedKeys(img.threeDS) {
		if held[id] {
			b.ThreeDS = append(b.ThreeDS, img.threeDS[id])
		}
	}
	return b
}

func sortedKeys[V any](m map[int64]V) []int64 {
	keys := make([]int64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, cmp.Compare[int64])
	return keys
}
