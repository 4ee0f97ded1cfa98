package mock

import (
	"cmp"
	"slices"
)

// The members, wallets and marketplace approvals in the state file
// (state.go, version 2). They travel in the snapshot's last batch, read at
// its end under book.mu: a move of money made while a snapshot is being
// written can therefore be in the file while the payment that made it,
// acknowledged after the snapshot began, is not (the same promise as for
// payments: what was acknowledged before the snapshot began is in it).
// Files of version 1 have none: a restored mock then starts without them.

// stateBook is the wallet book of a snapshot.
type stateBook struct {
	Members                                                           []stateMember
	Wallets                                                           []stateWallet
	Remittances                                                       []stateRemittance
	MerchantWallet                                                    int64 // 0: none yet
	NextMember, NextWallet, NextWalletTx, NextRemittance, NextDeposit int64
	TxRefunds                                                         []stateWalletTxRefund
	NextWalletTxRefund                                                int64
}

type stateWalletTxRefund struct {
	ID, Created, WalletTxID, TransactionID, Price int64
}

type stateMember struct {
	ID, Created, Updated                                int64
	ExternalID                                          string
	IsBuyer, IsSubMerchant, HasMaxNegative              bool
	MemberType, Name, Address, Email, Phone             string
	ContactName, ContactSurname                         string
	LegalTitle, TaxOffice, TaxNumber, IBAN, Destination string
	MaxNegative                                         int64
	Delay                                               int
}

type stateWallet struct {
	ID, MemberID, Created, Updated, Amount, Limit int64
	Currency                                      uint8
	Txs                                           []stateWalletTx
}

type stateWalletTx struct {
	ID, Created, TxID, Amount int64
	Type                      string
}

type stateRemittance struct {
	ID, MemberID, Created, Price int64
	Currency                     uint8
	Receive                      bool
	Reason, Description          string
}

// stateApproval is one marketplace item's approval state.
type stateApproval struct {
	TxID  int64
	State uint8
}

// snapshot copies the book.
func (b *book) snapshot() *stateBook {
	b.mu.Lock()
	defer b.mu.Unlock()
	sb := &stateBook{NextMember: b.nextMember, NextWallet: b.nextWallet, NextWalletTx: b.nextWalletTx,
		NextRemittance: b.nextRemittance, NextDeposit: b.nextDeposit}
	for _, id := range b.memberIDs {
		mb := b.members[id]
		f := &mb.f
		sb.Members = append(sb.Members, stateMember{ID: mb.id, Created: mb.created, Updated: mb.updated, ExternalID: mb.externalID,
			IsBuyer: f.isBuyer, IsSubMerchant: f.isSubMerchant, HasMaxNegative: f.hasMaxNegative, MemberType: f.memberType,
			Name: f.name, Address: f.address, Email: f.email, Phone: f.phone, ContactName: f.contactName,
			ContactSurname: f.contactSurname, LegalTitle: f.legalTitle, TaxOffice: f.taxOffice, TaxNumber: f.taxNumber,
			IBAN: f.iban, Destination: f.destination, MaxNegative: int64(f.maxNegative), Delay: f.delay})
	}
	for _, w := range b.wallets {
		sw := stateWallet{ID: w.id, MemberID: w.memberID, Created: w.created, Updated: w.updated, Amount: int64(w.amount),
			Limit: int64(w.limit), Currency: w.currency, Txs: make([]stateWalletTx, len(w.txs))}
		for i, t := range w.txs {
			sw.Txs[i] = stateWalletTx{ID: t.id, Created: t.created, TxID: t.txID, Amount: int64(t.amount), Type: t.typ}
		}
		sb.Wallets = append(sb.Wallets, sw)
	}
	if b.merchantWallet != nil {
		sb.MerchantWallet = b.merchantWallet.id
	}
	sb.NextWalletTxRefund = b.nextWalletTxRefund
	for _, rs := range b.txRefunds {
		for _, r := range rs {
			sb.TxRefunds = append(sb.TxRefunds, stateWalletTxRefund{ID: r.id, Created: r.created, WalletTxID: r.walletTxID,
				TransactionID: r.transactionID, Price: int64(r.price)})
		}
	}
	// In id order: the same book encodes the same (the journal compares
	// encodings, journal.go).
	slices.SortFunc(sb.Wallets, func(a, b stateWallet) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(sb.TxRefunds, func(a, b stateWalletTxRefund) int { return cmp.Compare(a.ID, b.ID) })
	for _, id := range b.remitOrder {
		r := b.remittances[id]
		sb.Remittances = append(sb.Remittances, stateRemittance{ID: r.id, MemberID: r.memberID, Created: r.created,
			Price: int64(r.price), Currency: r.currency, Receive: r.receive, Reason: r.reason, Description: r.description})
	}
	return sb
}

// restore replaces the book with a snapshot's.
func (b *book) restore(sb *stateBook) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.nextMember, b.nextWallet, b.nextWalletTx = sb.NextMember, sb.NextWallet, sb.NextWalletTx
	b.nextRemittance, b.nextDeposit = sb.NextRemittance, sb.NextDeposit
	b.members, b.byExtID, b.memberIDs = map[int64]*member{}, map[string]int64{}, nil
	for _, s := range sb.Members {
		mb := &member{id: s.ID, created: s.Created, updated: s.Updated, externalID: s.ExternalID, f: memberFields{
			isBuyer: s.IsBuyer, isSubMerchant: s.IsSubMerchant, hasMaxNegative: s.HasMaxNegative, memberType: s.MemberType,
			name: s.Name, address: s.Address, email: s.Email, phone: s.Phone, contactName: s.ContactName,
			contactSurname: s.ContactSurname, legalTitle: s.LegalTitle, taxOffice: s.TaxOffice, taxNumber: s.TaxNumber,
			iban: s.IBAN, destination: s.Destination, maxNegative: money(s.MaxNegative), delay: s.Delay}}
		b.members[mb.id], b.byExtID[mb.externalID] = mb, mb.id
		b.memberIDs = append(b.memberIDs, mb.id)
	}
	b.wallets, b.memberWallet, b.merchantWallet = map[int64]*wallet{}, map[int64]int64{}, nil
	for _, s := range sb.Wallets {
		w := &wallet{id: s.ID, memberID: s.MemberID, created: s.Created, updated: s.Updated, amount: money(s.Amount),
			limit: money(s.Limit), currency: s.Currency, txs: make([]walletTx, len(s.Txs))}
		for i, t := range s.Txs {
			w.txs[i] = walletTx{id: t.ID, created: t.Created, txID: t.TxID, amount: money(t.Amount), typ: t.Type}
		}
		b.wallets[w.id] = w
		if w.memberID != 0 {
			b.memberWallet[w.memberID] = w.id
		} else if w.id == sb.MerchantWallet {
			b.merchantWallet = w
		}
	}
	b.txRefunds, b.txRefundIDs = map[int64][]walletTxRefund{}, nil
	if sb.NextWalletTxRefund != 0 {
		b.nextWalletTxRefund = sb.NextWalletTxRefund
	}
	slices.SortFunc(sb.TxRefunds, func(x, y stateWalletTxRefund) int { return cmp.Compare(x.ID, y.ID) })
	for _, r := range sb.TxRefunds {
		b.txRefunds[r.WalletTxID] = append(b.txRefunds[r.WalletTxID], walletTxRefund{id: r.ID, created: r.Created,
			walletTxID: r.WalletTxID, transactionID: r.TransactionID, price: money(r.Price)})
		b.txRefundIDs = append(b.txRefundIDs, r.ID)
	}
	b.remittances, b.remitOrder = map[int64]*remittance{}, nil
	for _, s := range sb.Remittances {
		b.remittances[s.ID] = &remittance{id: s.ID, memberID: s.MemberID, created: s.Created, price: money(s.Price),
			currency: s.Currency, receive: s.Receive, reason: s.Reason, description: s.Description}
		b.remitOrder = append(b.remitOrder, s.ID)
	}
}

// snapshot copies the approvals.
func (k *market) snapshot() []stateApproval {
	k.mu.Lock()
	defer k.mu.Unlock()
	var out []stateApproval
	k.states.Range(func(key, v any) bool {
		out = append(out, stateApproval{TxID: key.(int64), State: v.(uint8)})
		return true
	})
	slices.SortFunc(out, func(a, b stateApproval) int { return cmp.Compare(a.TxID, b.TxID) })
	return out
}

// restore adds a snapshot's approvals.
func (k *market) restore(as []stateApproval) {
	for _, a := range as {
		if a.State == itemApproved || a.State == itemSettled {
			if _, had := k.states.Swap(a.TxID, a.State); !had {
				k.count.Add(1)
			}
		}
	}
}
