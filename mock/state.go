package mock

import (
	"bufio"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/maphash"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"

	"github.com/gatecheck/gatecheck/craftgate"
)

// The state file (Config.StateFile): the mock's state, kept across
// restarts so that a restarted soak test loses no acknowledged payment.
//
// What it holds: every payment the store holds (transactions, refund
// state, 3-D Secure state, strings), CANCEL and transaction refund
// records, 3-D Secure sessions (ACS tokens), checkout tokens, stored cards,
// members, wallets and marketplace approvals (wallet_state.go, version 2),
// the id counters, the merchant settings (webhook key included: the file
// is written with mode 0600) and the clock offset. What it does not hold:
// webhook records and pending deliveries, the fault configuration (flags
// or the admin route set it again), evicted records.
//
// Format: the line "gatecheck-mock-state 2\n" (the version; files of
// version 1 are read too), then a gob
// stream: one stateHeader, then stateBatch values of up to 4096 records
// each, the last one with End set. A file of another version, or written
// by a mock with another seed (ids and bank references derive from it), is
// refused. A missing file is an empty start.
//
// When: New restores the file when it exists (with its journal,
// journal.go, under StateSyncEveryWrite). Under StateSyncEveryWrite a new
// file is written at start, whenever the journal has grown past it, and
// by Close; under StateSyncPeriodic every SnapshotInterval (default
// DefaultSnapshotInterval) and by Close, after the server has finished its
// requests. A snapshot is written to a temporary file in the same
// directory, synced, then renamed over the old one, so a crash never
// leaves a torn file.
//
// Consistency while serving: a snapshot contains every payment and refund
// acknowledged before it started. Each payment is read under its lock, and
// refunds are created (id, state change, record) under that lock too, so a
// payment's refund state and the refund records saved with it always
// agree: a record is saved exactly when its payment's saved state includes
// it. Eviction pauses while a snapshot is written.

// stateMagic starts every state file; the number is the format version.
const stateMagic = "gatecheck-mock-state 3\n"

// stateMagicV2 starts the files of version 2, which are still read:
// version 3 only added the checksum after the last batch.
const stateMagicV2 = "gatecheck-mock-state 2\n"

// stateSumSize is the size of the checksum that ends a version 3 file: the
// CRC-32C (Castagnoli) of everything before it, little-endian.
const stateSumSize = 4

// stateMagicV1 starts the files of version 1, which are still read:
// version 2 only added fields (wallet prices and refund destinations,
// walletpay.go), which gob leaves at zero when a file lacks them, and zero
// is what every version-1 payment and refund had (no wallet).
const stateMagicV1 = "gatecheck-mock-state 1\n"

// stateVersion is the version of stateHeader and stateBatch.
const stateVersion = 3

// DefaultSnapshotInterval is the snapshot period when
// Config.SnapshotInterval is 0.
const DefaultSnapshotInterval = time.Minute

// stateBatchSize is how many records a stateBatch holds at most.
const stateBatchSize = 4096

// stateHeader opens a state file.
type stateHeader struct {
	Version  int
	Seed     int64
	SavedAt  time.Time // wall clock
	MockNow  time.Time // mock clock
	Offset   int64     // Advance so far, nanoseconds
	Payment  int64     // id counters when the snapshot began: the last id
	Tx       int64     // handed out of each kind (see stateBatch.IDs)
	Refund   int64
	TxRefund int64
	Settings Settings
	// Vault sequence numbers (stored cards).
	CardSeq, CardUserSeq uint64
	// Journal is the generation of the journal that continues this file
	// (journal.go); 0: none.
	Journal uint64
}

// stateBatch is a batch of records.
type stateBatch struct {
	Payments  []statePayment
	Cancels   []stateCancel
	TxRefunds []stateTxRefund
	ThreeDS   []stateThreeDS
	Checkouts []stateCheckout
	Cards     []stateCard
	Saved     []stateSaved
	// Book and Approvals are the wallets and the marketplace approvals
	// (wallet_state.go; version 2, End batch only).
	Book      *stateBook
	Approvals []stateApproval
	End       bool
	// IDs are the id counters when the snapshot ended (End batch only):
	// records made while it was written may be in it, so new ids start
	// after these.
	IDs [4]int64
}

// statePayment is one payment.
type statePayment struct {
	ID, Created, BuyerMemberID, Price, PaidPrice, TxFirst, ConvPrev int64

	Refund, Phase, Source, FailStep, Currency, Group, Installment, AuthPhase, CardFlags uint8
	Md                                                                                  int8
	Partial, Failed, ThreeDS, Kept                                                      bool
	// OutageGroup is the error group of a bank-outage failure.
	OutageGroup string
	// WalletPrice is the wallet-paid part of paidPrice (version 2).
	WalletPrice int64
	// Texts are the fields of the payment's text block, in order.
	Texts []string
	Txs   []stateTx
}

// stateTx is one transaction of a payment; its id is TxFirst + index.
type stateTx struct {
	SubMerchantID, Price, PaidPrice, SubMerchantPrice, Refunded int64
}

// stateCancel is a CANCEL record.
type stateCancel struct {
	ID, PaymentID, Created, Price int64
	Currency                      uint8
	ConversationID                string
	Wallet                        int64 // version 2: refundWalletPrice
	ToWallet                      bool  // version 2: refundDestinationType WALLET
}

// stateTxRefund is a transaction refund record.
type stateTxRefund struct {
	ID, PaymentID, TxID, Created, Price int64
	Currency                            uint8
	ConversationID                      string
	Wallet                              int64 // version 2: refundWalletPrice
	ToWallet                            bool  // version 2: refundDestinationType WALLET
}

// stateThreeDS is a 3-D Secure session.
type stateThreeDS struct {
	PaymentID       int64
	Token, Callback string
	V2, Returned    bool
	Md              int
}

// stateCheckout is a checkout token.
type stateCheckout struct {
	Token, Callback string
	Expires         time.Time
	Order           []byte // the basket, JSON
	Installments    []int
	OnlyCredit      bool
	Price           int64
	Currency        string
	Items           []pageItem
	State           uint8
	PaymentID       int64
}

// stateCard is a stored card, or (UserOnly) a card user without cards.
// The card number is written masked (first 6, last 4): no full PAN ever
// reaches the disk. The mock only stores catalogue cards, whose masked
// forms are unique, so restore maps it back through the catalogue.
type stateCard struct {
	Seq                            uint64
	UserKey, Token, Masked, Holder string
	Alias                          string
	Month, Year                    int
	Created                        int64
	UserOnly                       bool
}

// stateSaved is the card a payment stored.
type stateSaved struct {
	PaymentID      int64
	UserKey, Token string
}

// paymentMark is what a snapshot notes of a payment with refunds: the id
// counters of the refund kinds when it was read, so that only its refunds
// included in its saved state are saved.
type paymentMark struct {
	id, cancel, txRefund int64
}

// SaveState writes a snapshot of the mock's state to w (the state file's
// format), followed by its checksum. It may run while the mock serves.
func (m *Mock) SaveState(w io.Writer) error { return m.saveState(w, false) }

// saveState is SaveState; a compaction (clearDirty) also clears the
// journal's dirty flags of the payments it reads (journal.go).
func (m *Mock) saveState(w io.Writer, clearDirty bool) error {
	s := m.store
	s.snapshotting.Add(1)
	defer s.snapshotting.Add(-1)
	h, low, kept := m.stateHeader()
	crc := crc32.New(crcTable)
	sw := &stateWriter{enc: gob.NewEncoder(io.MultiWriter(w, crc)), clearDirty: clearDirty}
	if _, err := io.WriteString(w, stateMagic); err != nil {
		return fmt.Errorf("mock: state: %w", err)
	}
	crc.Write([]byte(stateMagic))
	if err := sw.enc.Encode(&h); err != nil {
		return fmt.Errorf("mock: state: %w", err)
	}
	marks, err := m.savePayments(sw, low, kept, h.Payment)
	if err == nil {
		err = m.saveRefunds(sw, marks)
	}
	if err == nil {
		err = m.saveThreeDS(sw, h.Payment)
	}
	if err == nil {
		err = m.saveCheckouts(sw, h.Payment)
	}
	if err != nil {
		return err
	}
	m.saveVault(sw)
	sw.b.IDs = [4]int64{m.ids.payment.Load(), m.ids.tx.Load(), m.ids.refund.Load(), m.ids.txRefund.Load()}
	sw.b.Book, sw.b.Approvals = m.book.snapshot(), m.market.snapshot() // wallet_state.go
	if err := sw.flush(true); err != nil {
		return err
	}
	var sum [stateSumSize]byte
	binary.LittleEndian.PutUint32(sum[:], crc.Sum32())
	if _, err := w.Write(sum[:]); err != nil {
		return fmt.Errorf("mock: state: %w", err)
	}
	return nil
}

// stateHeader reads the header of a snapshot, with the lowest slab
// payment id and the relocated payments.
func (m *Mock) stateHeader() (stateHeader, int64, *keptSet) {
	s := m.store
	s.mu.Lock() // wait for an eviction round in progress
	h := stateHeader{Version: stateVersion, Seed: m.cfg.Seed, SavedAt: time.Now(), MockNow: m.Now(), Offset: m.offset.Load(),
		Payment: m.ids.payment.Load(), Tx: m.ids.tx.Load(), Refund: m.ids.refund.Load(), TxRefund: m.ids.txRefund.Load(),
		Settings: m.Settings()}
	if m.snap != nil {
		h.Journal = m.snap.journalGen
	}
	low, kept := s.payments.low(), s.kept.Load()
	s.mu.Unlock()
	s.vault.mu.RLock()
	h.CardSeq, h.CardUserSeq = s.vault.seq, s.vault.userSeq
	s.vault.mu.RUnlock()
	return h, low, kept
}

// stateWriter writes the batches of a snapshot.
type stateWriter struct {
	enc        *gob.Encoder
	b          stateBatch
	clearDirty bool
}

// flush writes the batch so far (the last one when end).
func (sw *stateWriter) flush(end bool) error {
	sw.b.End = end
	if err := sw.enc.Encode(&sw.b); err != nil {
		return fmt.Errorf("mock: state: %w", err)
	}
	sw.b = stateBatch{}
	return nil
}

// added flushes the batch once it holds stateBatchSize records.
func (sw *stateWriter) added() error {
	b := &sw.b
	if len(b.Payments)+len(b.Cancels)+len(b.TxRefunds)+len(b.ThreeDS)+len(b.Checkouts)+len(b.Cards)+len(b.Saved) >= stateBatchSize {
		return sw.flush(false)
	}
	return nil
}

// savePayments writes the payments: the relocated ones (the lowest ids),
// then the slab's up to last. It returns the marks of the payments with
// refunds, sorted by id.
func (m *Mock) savePayments(sw *stateWriter, low int64, kept *keptSet, last int64) ([]paymentMark, error) {
	var marks []paymentMark
	var ids []int64
	if kept != nil {
		for id := range kept.byID {
			ids = append(ids, id)
		}
		slices.Sort(ids)
	}
	add := func(id int64) error {
		p := m.store.payment(id)
		if p == nil {
			return nil
		}
		sp, mark, ok := m.snapshotPayment(p, sw.clearDirty)
		if !ok {
			return nil
		}
		sw.b.Payments = append(sw.b.Payments, sp)
		if mark.id != 0 {
			marks = append(marks, mark)
		}
		return sw.added()
	}
	for _, id := range ids {
		if err := add(id); err != nil {
			return nil, err
		}
	}
	for id := low; id <= last; id++ {
		if err := add(id); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(marks, func(a, b paymentMark) int { return cmp.Compare(a.id, b.id) })
	return marks, nil
}

// saveRefunds writes the refund records included in their payments' saved
// state (marks).
func (m *Mock) saveRefunds(sw *stateWriter, marks []paymentMark) error {
	s := m.store
	markOf := func(pid int64) (paymentMark, bool) {
		i := sort.Search(len(marks), func(i int) bool { return marks[i].id >= pid })
		if i < len(marks) && marks[i].id == pid {
			return marks[i], true
		}
		return paymentMark{}, false
	}
	err := saveWalk(sw, s.cancels.low(), m.ids.refund.Load(), s.cancelState, func(id, pid int64) bool {
		mk, ok := markOf(pid)
		return ok && id <= mk.cancel
	}, &sw.b.Cancels)
	if err != nil {
		return err
	}
	return saveWalk(sw, s.txRefunds.low(), m.ids.txRefund.Load(), s.txRefundState, func(id, pid int64) bool {
		mk, ok := markOf(pid)
		return ok && id <= mk.txRefund
	}, &sw.b.TxRefunds)
}

// saveWalk writes the records of one refund kind, ids from..last, that
// included accepts (by id and payment id). read returns a record's saved
// form and payment id; false when there is none or it was evicted.
func saveWalk[S any](sw *stateWriter, from, last int64, read func(int64) (S, int64, bool), included func(id, pid int64) bool, out *[]S) error {
	for id := from; id <= last; id++ {
		rec, pid, ok := read(id)
		if !ok || !included(id, pid) {
			continue
		}
		*out = append(*out, rec)
		if err := sw.added(); err != nil {
			return err
		}
	}
	return nil
}

// saveThreeDS writes the 3-D Secure sessions of saved payments (ids up to
// last).
func (m *Mock) saveThreeDS(sw *stateWriter, last int64) error {
	s := m.store
	var threeDS []stateThreeDS
	m.threeDS.Range(func(k, v any) bool {
		id, ss := k.(int64), v.(*threeDSSession)
		p := s.payment(id)
		if p == nil || id > last {
			return true
		}
		p = s.lockQuiet(p)
		threeDS = append(threeDS, stateThreeDS{PaymentID: id, Token: ss.token, Callback: ss.callbackURL, V2: ss.v2, Returned: ss.returned, Md: ss.md})
		p.mu.Unlock()
		return true
	})
	slices.SortFunc(threeDS, func(a, b stateThreeDS) int { return cmp.Compare(a.PaymentID, b.PaymentID) })
	for _, t := range threeDS {
		sw.b.ThreeDS = append(sw.b.ThreeDS, t)
		if err := sw.added(); err != nil {
			return err
		}
	}
	return nil
}

// saveCheckouts writes the checkout tokens, oldest first; one paid by a
// payment after last is saved open.
func (m *Mock) saveCheckouts(sw *stateWriter, last int64) error {
	return m.eachCheckout(func(cs *checkoutSession, st checkoutState) error {
		if st.paymentID > last {
			st = checkoutState{checkoutOpen, 0} // paid after the snapshot began
		}
		rec, err := checkoutRecord(cs, st)
		if err != nil {
			return err
		}
		sw.b.Checkouts = append(sw.b.Checkouts, rec)
		return sw.added()
	})
}

// eachCheckout calls f with every checkout token held, oldest first, and
// its state, until f fails.
func (m *Mock) eachCheckout(f func(*checkoutSession, checkoutState) error) error {
	for _, tok := range m.tokens.all() {
		cs := m.checkoutByToken(tok)
		if cs == nil {
			continue
		}
		cs.mu.Lock()
		st := checkoutState{cs.state, cs.paymentID}
		cs.mu.Unlock()
		if err := f(cs, st); err != nil {
			return err
		}
	}
	return nil
}

// checkoutRecord is the saved form of a checkout token in state st.
func checkoutRecord(cs *checkoutSession, st checkoutState) (stateCheckout, error) {
	order, err := json.Marshal(&cs.order)
	if err != nil {
		return stateCheckout{}, fmt.Errorf("mock: state: checkout %s: %w", cs.token, err)
	}
	return stateCheckout{Token: cs.token, Callback: cs.callbackURL, Expires: cs.expires, Order: order,
		Installments: cs.installments, OnlyCredit: cs.onlyCredit, Price: int64(cs.price), Currency: cs.currency, Items: cs.items,
		State: st.state, PaymentID: st.paymentID}, nil
}

// saveVault puts the stored cards, the card users without cards and the
// cards payments stored in the last batch.
func (m *Mock) saveVault(sw *stateWriter) {
	sw.b.Cards, sw.b.Saved, _, _, _ = m.vaultRecords()
}

// vaultRecords reads the stored cards, the card users without cards and
// the cards payments stored, in a fixed order, with the vault's sequence
// numbers and change count.
func (m *Mock) vaultRecords() (cards []stateCard, saved []stateSaved, seq, userSeq, gen uint64) {
	v := &m.store.vault
	v.mu.RLock()
	for _, sc := range v.byToken {
		cards = append(cards, stateCard{Seq: sc.seq, UserKey: sc.userKey, Token: sc.token, Masked: craftgate.MaskPAN(sc.pan), Holder: sc.holder, Alias: sc.alias,
			Month: sc.month, Year: sc.year, Created: sc.created})
	}
	for user, list := range v.users {
		if len(list) == 0 {
			cards = append(cards, stateCard{UserKey: user, UserOnly: true})
		}
	}
	for id, k := range v.saved {
		saved = append(saved, stateSaved{PaymentID: id, UserKey: k.userKey, Token: k.token})
	}
	seq, userSeq, gen = v.seq, v.userSeq, v.gen
	v.mu.RUnlock()
	slices.SortFunc(cards, func(a, b stateCard) int {
		return cmp.Or(cmp.Compare(a.Seq, b.Seq), cmp.Compare(a.UserKey, b.UserKey))
	})
	slices.SortFunc(saved, func(a, b stateSaved) int { return cmp.Compare(a.PaymentID, b.PaymentID) })
	return cards, saved, seq, userSeq, gen
}

// snapshotPayment reads p under its lock (clearing its journal dirty
// flag when clearDirty: the snapshot holds its change). The mark is set
// (non-zero id) when the payment has refund activity.
func (m *Mock) snapshotPayment(p *payment, clearDirty bool) (statePayment, paymentMark, bool) {
	p = m.store.lockQuiet(p)
	defer p.mu.Unlock()
	if clearDirty {
		p.dirty = false
	}
	return m.paymentRecord(p)
}

// paymentRecord is the saved form of p; the caller holds p.mu.
func (m *Mock) paymentRecord(p *payment) (statePayment, paymentMark, bool) {
	s := m.store
	if p.moved { // evicted meanwhile (cannot happen while snapshotting; be safe)
		return statePayment{}, paymentMark{}, false
	}
	sp := statePayment{ID: p.id, Created: p.created, BuyerMemberID: p.buyerMemberID, Price: int64(p.price), PaidPrice: int64(p.paidPrice),
		TxFirst: p.txFirst, ConvPrev: p.convPrev, Refund: uint8(p.refund), Phase: uint8(p.phase), Source: p.source, FailStep: p.failStep,
		Currency: p.currency, Group: p.group, Installment: p.installment, AuthPhase: uint8(p.authPhase), CardFlags: p.cardFlags,
		Md: p.md, Partial: p.partial, Failed: p.failed, ThreeDS: p.threeDS, Kept: p.kept, WalletPrice: int64(s.walletPrice(p))}
	if p.failStep == stepOutage && p.outage > 0 {
		if names := craftgate.TestCards().GroupNames(); int(p.outage) <= len(names) {
			sp.OutageGroup = names[p.outage-1]
		}
	}
	r, ok := s.textAt(p)
	if !ok { // evicted while a journal entry read it
		return statePayment{}, paymentMark{}, false
	}
	n := paymentFields + 2*int(p.txCount)
	sp.Texts = make([]string, n)
	for i := range n {
		sp.Texts[i] = r.next()
	}
	// The card number (field 3) is saved masked: no full PAN reaches the
	// disk. Payments only carry catalogue cards, whose masked forms are
	// unique, so restorePayment maps it back.
	if sp.Texts[3] != "" { // "": a wallet-only payment has no card (walletpay.go)
		sp.Texts[3] = craftgate.MaskPAN(sp.Texts[3])
	}
	sp.Txs = make([]stateTx, p.txCount)
	for i := range sp.Txs {
		t, ok := s.txAt(p, i)
		if !ok {
			return statePayment{}, paymentMark{}, false
		}
		sp.Txs[i] = stateTx{SubMerchantID: t.subMerchantID, Price: int64(t.price), PaidPrice: int64(t.paidPrice),
			SubMerchantPrice: int64(t.subMerchantPrice), Refunded: int64(t.refunded)}
	}
	var mark paymentMark
	if p.refund == refundPartial || p.refund == refundFull || p.partial {
		mark = paymentMark{id: p.id, cancel: m.ids.refund.Load(), txRefund: m.ids.txRefund.Load()}
	}
	return sp, mark, true
}

// cancelState reads the CANCEL record id: its saved form and payment id;
// false when there is none or it was evicted while it was read.
func (s *store) cancelState(id int64) (stateCancel, int64, bool) {
	c := s.cancel(id)
	if c == nil {
		return stateCancel{}, 0, false
	}
	conv, ok := s.cancelConversationAt(c)
	return stateCancel{ID: c.id, PaymentID: c.paymentID, Created: c.created, Price: int64(c.price),
		Currency: c.currency, ConversationID: conv, Wallet: int64(c.wallet), ToWallet: c.toWallet}, c.paymentID, ok
}

// txRefundState reads the transaction refund record id, as cancelState.
func (s *store) txRefundState(id int64) (stateTxRefund, int64, bool) {
	r := s.txRefund(id)
	if r == nil {
		return stateTxRefund{}, 0, false
	}
	conv, ok := s.txRefundConversationAt(r)
	return stateTxRefund{ID: r.id, PaymentID: r.paymentID, TxID: r.txID, Created: r.created, Price: int64(r.price),
		Currency: r.currency, ConversationID: conv, Wallet: int64(r.wallet), ToWallet: r.toWallet}, r.paymentID, ok
}

// LoadState restores a snapshot written by SaveState into a mock that has
// served nothing yet. The snapshot's seed must be the mock's.
func (m *Mock) LoadState(r io.Reader) error {
	if err := m.loadState(r); err != nil {
		return fmt.Errorf("mock: state: %w", err)
	}
	return nil
}

func (m *Mock) loadState(r io.Reader) error { return m.loadStateWith(r, nil) }

// loadStateWith restores a state file. With journal, the file is read
// into memory first, checked, handed to journal (which applies the
// journal's entries over it, journal.go) and then stored; without, it
// is stored as it is read.
func (m *Mock) loadStateWith(r io.Reader, journal func(*stateImage) error) error {
	br := bufio.NewReaderSize(r, 1<<20)
	magic := make([]byte, len(stateMagic))
	if _, err := io.ReadFull(br, magic); err != nil || string(magic) != stateMagic && string(magic) != stateMagicV2 && string(magic) != stateMagicV1 {
		return fmt.Errorf("not a gatecheck mock state file of version %d", stateVersion)
	}
	summed := string(magic) == stateMagic
	cr := &crcReader{r: br, h: crc32.New(crcTable)}
	cr.h.Write(magic)
	corrupt := func(err error) error {
		if summed {
			return fmt.Errorf("corrupt or truncated (%w)", err)
		}
		return err
	}
	checkSum := func() error {
		var sum [stateSumSize]byte
		if _, err := io.ReadFull(br, sum[:]); summed && (err != nil || binary.LittleEndian.Uint32(sum[:]) != cr.h.Sum32()) {
			return errors.New("checksum mismatch: the file is corrupt")
		}
		return nil
	}
	dec := gob.NewDecoder(cr)
	h, err := m.readStateHeader(dec)
	if err != nil {
		return corrupt(err)
	}
	next := func() (*stateBatch, error) {
		var b stateBatch
		if err := dec.Decode(&b); err != nil {
			return nil, fmt.Errorf("records: %w", err)
		}
		return &b, nil
	}
	if journal == nil {
		if err := m.restoreState(h, next); err != nil {
			return corrupt(err)
		}
		return checkSum()
	}
	img := newStateImage(h)
	for {
		b, err := next()
		if err != nil {
			return corrupt(err)
		}
		img.add(b)
		if b.End {
			break
		}
	}
	if err := checkSum(); err != nil {
		return err
	}
	if err := journal(img); err != nil {
		return err
	}
	img.h.CardSeq, img.h.CardUserSeq = img.vault.CardSeq, img.vault.CardUserSeq
	done := false
	return m.restoreState(img.h, func() (*stateBatch, error) {
		if done {
			return nil, errors.New("records: no last batch")
		}
		done = true
		return img.batch(), nil
	})
}

// crcReader hashes what a gob decoder reads. It is an io.ByteReader, so
// the decoder reads no further than its messages and the checksum after
// them stays in r.
type crcReader struct {
	r   *bufio.Reader
	h   hash.Hash32
	one [1]byte
}

func (c *crcReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	return n, err
}

func (c *crcReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.one[0] = b
		c.h.Write(c.one[:])
	}
	return b, err
}

// readStateHeader reads and checks the header of a state file.
func (m *Mock) readStateHeader(dec *gob.Decoder) (stateHeader, error) {
	var h stateHeader
	if err := dec.Decode(&h); err != nil {
		return h, fmt.Errorf("header: %w", err)
	}
	switch {
	case h.Version != stateVersion && h.Version != 2 && h.Version != 1:
		return h, fmt.Errorf("version %d, this mock reads version %d", h.Version, stateVersion)
	case h.Seed != m.cfg.Seed:
		return h, fmt.Errorf("written by a mock with seed %d, this one has seed %d: start it with the same seed", h.Seed, m.cfg.Seed)
	}
	return h, nil
}

// restoreState stores the batches next returns, up to the last, into a
// mock that holds nothing yet.
func (m *Mock) restoreState(h stateHeader, next func() (*stateBatch, error)) error {
	s := m.store
	if s.counts.payments.Load() != 0 || s.counts.cancels.Load() != 0 || s.counts.txRefunds.Load() != 0 {
		return errors.New("the mock already holds records")
	}
	settings := h.Settings
	if err := settings.check(); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	m.settings.Store(&settings)
	m.offset.Store(h.Offset)
	s.mu.Lock()
	defer s.mu.Unlock()
	names := craftgate.TestCards().GroupNames()
	ks := s.cloneKept()
	for {
		b, err := next()
		if err != nil {
			return err
		}
		for i := range b.Payments {
			if err := s.restorePayment(&b.Payments[i], names, ks); err != nil {
				return err
			}
		}
		for _, c := range b.Cancels {
			rec := s.cancels.slot(c.ID)
			rec.id, rec.paymentID, rec.created, rec.price, rec.currency = c.ID, c.PaymentID, c.Created, money(c.Price), c.Currency
			rec.wallet, rec.toWallet = money(c.Wallet), c.ToWallet
			w, ref := s.cstrs.reserve(fieldSize(c.ConversationID), c.ID)
			w.put(c.ConversationID)
			rec.text = ref
			rec.ready.Store(true)
			s.counts.cancels.Add(1)
		}
		for _, t := range b.TxRefunds {
			rec := s.txRefunds.slot(t.ID)
			rec.id, rec.paymentID, rec.txID, rec.created, rec.price, rec.currency = t.ID, t.PaymentID, t.TxID, t.Created, money(t.Price), t.Currency
			rec.wallet, rec.toWallet = money(t.Wallet), t.ToWallet
			w, ref := s.rstrs.reserve(fieldSize(t.ConversationID), t.ID)
			w.put(t.ConversationID)
			rec.text = ref
			rec.ready.Store(true)
			s.counts.txRefunds.Add(1)
		}
		for _, t := range b.ThreeDS {
			m.threeDS.Store(t.PaymentID, &threeDSSession{token: t.Token, callbackURL: t.Callback, v2: t.V2, returned: t.Returned, md: t.Md})
		}
		for _, c := range b.Checkouts {
			cs := &checkoutSession{token: c.Token, callbackURL: c.Callback, expires: c.Expires, installments: c.Installments,
				onlyCredit: c.OnlyCredit, price: money(c.Price), currency: c.Currency, items: c.Items, state: c.State, paymentID: c.PaymentID}
			if err := json.Unmarshal(c.Order, &cs.order); err != nil {
				return fmt.Errorf("checkout %s: %w", c.Token, err)
			}
			m.checkouts.Store(cs.token, cs)
			if old := m.tokens.push(cs.token); old != "" {
				m.checkouts.Delete(old)
			}
		}
		m.restoreVault(b.Cards, b.Saved)
		if b.Book != nil {
			m.book.restore(b.Book)
		}
		m.market.restore(b.Approvals)
		if b.End {
			h.Payment, h.Tx, h.Refund, h.TxRefund = max(h.Payment, b.IDs[0]), max(h.Tx, b.IDs[1]), max(h.Refund, b.IDs[2]), max(h.TxRefund, b.IDs[3])
			break
		}
	}
	if len(ks.byID) > 0 {
		s.kept.Store(ks)
	}
	s.vault.mu.Lock()
	s.vault.seq, s.vault.userSeq = h.CardSeq, h.CardUserSeq
	s.vault.mu.Unlock()
	m.continueIDsAfter([4]int64{h.Payment, h.Tx, h.Refund, h.TxRefund})
	return nil
}

// continueIDsAfter makes the kept kinds' ids continue after last (payment,
// transaction, refund, transaction refund): ids at or below it that the
// store does not hold never come. The caller holds s.mu or serves nothing
// yet.
func (m *Mock) continueIDsAfter(last [4]int64) {
	s := m.store
	for i, c := range m.ids.keptKinds() {
		c.Store(max(c.Load(), last[i]))
	}
	s.payGap, s.txGap = max(s.payGap, last[0]), max(s.txGap, last[1])
	s.cancelGap, s.txRefundGap = max(s.cancelGap, last[2]), max(s.txRefundGap, last[3])
	s.prevPayLow, s.prevCancelLow, s.prevTxRefundLow = s.payments.low(), s.cancels.low(), s.txRefunds.low()
}

// restorePayment stores a saved payment; the caller holds s.mu.
func (s *store) restorePayment(sp *statePayment, names []string, ks *keptSet) error {
	if len(sp.Texts) != paymentFields+2*len(sp.Txs) {
		return fmt.Errorf("payment %d: %d strings for %d transactions", sp.ID, len(sp.Texts), len(sp.Txs))
	}
	pan, ok := unmaskCatalogue(sp.Texts[3])
	if sp.Texts[3] == "" && sp.WalletPrice == sp.PaidPrice { // a wallet-only payment has no card
		pan, ok = "", true
	}
	if !ok {
		return fmt.Errorf("payment %d: its card is not in the catalogue", sp.ID)
	}
	sp.Texts[3] = pan
	var p *payment
	var k *keptPayment
	if sp.Kept {
		k = &keptPayment{txs: make([]transaction, len(sp.Txs))}
		p = &k.p
		p.kept = true
	} else {
		p = s.payments.slot(sp.ID)
	}
	p.id, p.created, p.buyerMemberID, p.price, p.paidPrice = sp.ID, sp.Created, sp.BuyerMemberID, money(sp.Price), money(sp.PaidPrice)
	p.txFirst, p.txCount = sp.TxFirst, uint32(len(sp.Txs))
	p.refund, p.phase, p.source, p.failStep = refundState(sp.Refund), payPhase(sp.Phase), sp.Source, sp.FailStep
	p.currency, p.group, p.installment, p.authPhase, p.cardFlags = sp.Currency, sp.Group, sp.Installment, authPhase(sp.AuthPhase), sp.CardFlags
	p.md, p.partial, p.failed, p.threeDS = sp.Md, sp.Partial, sp.Failed, sp.ThreeDS
	if sp.WalletPrice != 0 {
		s.setWalletPrice(sp.ID, money(sp.WalletPrice)) // walletpay.go
	}
	if sp.OutageGroup != "" {
		p.outage = uint8(slices.Index(names, sp.OutageGroup) + 1)
	}
	size := 0
	for _, t := range sp.Texts {
		size += fieldSize(t)
	}
	if sp.Kept {
		w := textWriter{make([]byte, 0, size)}
		for _, t := range sp.Texts {
			w.put(t)
		}
		k.text = w.b
	} else {
		w, ref := s.strs.reserve(size, sp.ID)
		for _, t := range sp.Texts {
			w.put(t)
		}
		p.text = ref
	}
	for i, st := range sp.Txs {
		var t *transaction
		if sp.Kept {
			t = &k.txs[i]
		} else {
			t = s.txs.slot(sp.TxFirst + int64(i))
		}
		t.subMerchantID, t.price, t.paidPrice = st.SubMerchantID, money(st.Price), money(st.PaidPrice)
		t.subMerchantPrice, t.refunded = money(st.SubMerchantPrice), money(st.Refunded)
	}
	if c := sp.Texts[0]; c != "" {
		h := maphash.String(s.seed, c)
		p.convPrev = s.byConversation[h]
		s.byConversation[h] = sp.ID
	}
	p.ready.Store(true)
	for i := range sp.Txs {
		if sp.Kept {
			k.txs[i].paymentID.Store(sp.ID)
			ks.byTx[sp.TxFirst+int64(i)] = k
		} else {
			s.txs.at(sp.TxFirst + int64(i)).paymentID.Store(sp.ID)
		}
	}
	if sp.Kept {
		ks.byID[sp.ID] = k
		s.counts.kep.Add(1)
	} else {
		s.counts.payments.Add(1)
	}
	s.counts.txs.Add(int64(len(sp.Txs)))
	return nil
}

// restoreVault adds saved stored cards to the vault.
func (m *Mock) restoreVault(cards []stateCard, saved []stateSaved) {
	if len(cards) == 0 && len(saved) == 0 {
		return
	}
	v := &m.store.vault
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.byToken == nil {
		v.byToken, v.users, v.saved = map[string]*storedCard{}, map[string][]*storedCard{}, map[int64]savedKeys{}
	}
	for _, c := range cards {
		if c.UserOnly {
			if _, ok := v.users[c.UserKey]; !ok {
				v.users[c.UserKey] = nil
			}
			continue
		}
		pan, ok := unmaskCatalogue(c.Masked)
		if !ok {
			continue // not a catalogue card: it could not have been stored
		}
		sc := &storedCard{seq: c.Seq, userKey: c.UserKey, token: c.Token, pan: pan, holder: c.Holder, alias: c.Alias,
			month: c.Month, year: c.Year, created: c.Created}
		v.byToken[sc.token] = sc
		v.users[sc.userKey] = append(v.users[sc.userKey], sc)
	}
	for _, k := range saved {
		v.saved[k.PaymentID] = savedKeys{userKey: k.UserKey, token: k.Token}
	}
}

// snapshotter writes the state file periodically.
type snapshotter struct {
	path     string
	ids      *idReserver // the durable id reservations (idreserve.go)
	commit   *committer  // group commits (durable.go); nil: periodic
	interval time.Duration
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
	mu       sync.Mutex // one snapshot or journal entry at a time
	// journal is the open journal (journal.go; with commit only), and
	// journalGen the generation the next base names.
	journal    *journal
	journalGen uint64
}

// openState restores Config.StateFile when it exists and starts the
// periodic snapshots.
func (m *Mock) openState() error {
	path := m.cfg.StateFile
	ids, reserved, err := openIDReserver(path, &m.ids, m.log)
	if err != nil {
		return fmt.Errorf("mock: state file %s: %w", path, err)
	}
	if err := removeTemporaries(path); err != nil {
		_ = ids.close()
		return fmt.Errorf("mock: state file %s: leftover temporary files: %w", path, err)
	}
	f, err := os.Open(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		_ = ids.close()
		return fmt.Errorf("mock: state file: %w", err)
	default:
		var journal func(*stateImage) error
		if m.cfg.StateSync != StateSyncPeriodic {
			journal = func(img *stateImage) error {
				_, err := readJournal(path, img.h.Journal, img)
				return err
			}
		}
		err := m.loadStateWith(f, journal)
		_ = f.Close()
		if err != nil {
			_ = ids.close()
			return fmt.Errorf("mock: state file %s: %w", path, err)
		}
	}
	// Ids handed out before a crash were reserved: continue after them.
	m.store.mu.Lock()
	m.continueIDsAfter(reserved)
	m.store.mu.Unlock()
	if err := ids.attach(); err != nil {
		_ = ids.close()
		return fmt.Errorf("mock: state file %s: %w", path, err)
	}
	interval := m.cfg.SnapshotInterval
	if interval == 0 {
		interval = DefaultSnapshotInterval
	}
	m.snap = &snapshotter{path: path, ids: ids, interval: interval, stop: make(chan struct{}), done: make(chan struct{})}
	switch {
	case m.cfg.StateSync != StateSyncPeriodic:
		// A new base and an empty journal: what was restored is in the
		// base, and the journal continues it.
		m.store.dirty = &dirtySet{}
		if err := locked(&m.snap.mu, m.compactLocked); err != nil {
			_ = ids.close()
			return err
		}
		m.snap.commit = &committer{kick: make(chan struct{}, 1)}
		go m.commitLoop() // durable.go
	case interval > 0:
		go m.snapshotLoop()
	default:
		close(m.snap.done)
	}
	return nil
}

// removeTemporaries removes the temporary files of snapshots interrupted
// by a crash (see WriteStateFile).
func removeTemporaries(path string) error {
	olds, err := filepath.Glob(filepath.Join(filepath.Dir(path), "."+globEscape(filepath.Base(path))+".tmp-*"))
	if err != nil {
		return err
	}
	for _, f := range olds {
		if err := os.Remove(f); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// globEscape quotes the pattern characters of a file name.
func globEscape(s string) string {
	var b []byte
	for i := range len(s) {
		switch s[i] {
		case '*', '?', '[', '\\':
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return string(b)
}

// snapshotLoop writes the state file every interval until Close.
func (m *Mock) snapshotLoop() {
	defer close(m.snap.done)
	t := time.NewTicker(m.snap.interval)
	defer t.Stop()
	for {
		select {
		case <-m.snap.stop:
			return
		case <-t.C:
			if err := m.WriteStateFile(); err != nil && m.log != nil {
				m.log.LogAttrs(context.Background(), slog.LevelError, "mock: state snapshot failed", slog.String("error", err.Error()))
			}
		}
	}
}

// WriteStateFile writes a snapshot to Config.StateFile now (atomically:
// a temporary file renamed over it); with a journal, the snapshot is a
// new base and the journal starts again empty. Without a state file it
// does nothing.
func (m *Mock) WriteStateFile() error {
	if m.snap == nil {
		return nil
	}
	m.snap.mu.Lock()
	defer m.snap.mu.Unlock()
	if m.snap.journal != nil {
		return m.compactLocked()
	}
	_, err := m.writeBaseLocked()
	return err
}

// writeBaseLocked writes the snapshot and returns its size; the caller
// holds snap.mu.
func (m *Mock) writeBaseLocked() (int64, error) {
	path := m.snap.path
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, fmt.Errorf("mock: state file: %w", err)
	}
	tmp := f.Name()
	cw := &countingWriter{w: f}
	bw := bufio.NewWriterSize(cw, 1<<20)
	err = m.saveState(bw, m.store.dirty != nil)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return 0, fmt.Errorf("mock: state file %s: %w", path, err)
	}
	// The rename is durable only once the directory is synced: without
	// it a power loss could bring back the previous file.
	if err := syncDir(filepath.Dir(path)); err != nil {
		return 0, fmt.Errorf("mock: state file %s: %w", path, err)
	}
	return cw.n, nil
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// syncDir fsyncs a directory, making the entries renamed or created in it
// durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// closeState stops the periodic snapshots and writes the last one.
func (m *Mock) closeState() error {
	if m.snap == nil {
		return nil
	}
	var err error
	m.snap.once.Do(func() {
		close(m.snap.stop)
		<-m.snap.done
		werr := m.WriteStateFile()
		m.closeCommits(werr)
		if j := m.snap.journal; j != nil {
			werr = errors.Join(werr, j.f.Close())
		}
		err = errors.Join(werr, m.snap.ids.close())
	})
	return err
}

// catalogueByMask maps every catalogue card's masked number to the number;
// built once, never changed.
var catalogueByMask = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, tc := range craftgate.TestCards().All() {
		m[tc.Masked()] = tc.Number
	}
	return m
})

// unmaskCatalogue maps a masked catalogue card number back to the number.
// Every masked form in the catalogue is unique (craftgate's
// TestMaskedNumbersAreUnique checks it), so the mapping is exact; an
// unmasked catalogue number is accepted as it is.
func unmaskCatalogue(masked string) (string, bool) {
	if tc, ok := craftgate.TestCards().Card(masked); ok {
		return tc.Number, true
	}
	n, ok := catalogueByMask()[masked]
	return n, ok
}
