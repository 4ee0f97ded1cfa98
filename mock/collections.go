package mock

// Counts of the collections that grow with requests besides the store's
// (store.go) and the vault's (cards.go), for /_mock/v1/stats. Each is
// bounded where it is kept: products (maxProducts), fraud lists, values
// and checks (maxFraudLists, maxFraudValues, maxFraudChecks), members and
// their wallets (maxMembers), APM payments (apmCapacity), rewards and
// fraud results of payments (maxSideEntries), marketplace approvals (swept
// beyond the store's capacity).

// CollectionCounts are the sizes of the mock's other collections.
type CollectionCounts struct {
	Products     int64 `json:"products"`
	Members      int64 `json:"members"`
	Wallets      int64 `json:"wallets"`
	FraudLists   int64 `json:"fraudLists"`
	FraudValues  int64 `json:"fraudValues"`
	FraudChecks  int64 `json:"fraudChecks"`
	APMPayments  int64 `json:"apmPayments"`
	PaymentSides int64 `json:"paymentExtras"`
	Approvals    int64 `json:"marketplaceApprovals"`
}

// collectionCounts reads every collection's size under its own lock.
func (m *Mock) collectionCounts() CollectionCounts {
	var c CollectionCounts
	m.products.mu.Lock()
	c.Products = int64(len(m.products.byID))
	m.products.mu.Unlock()
	m.book.mu.Lock()
	c.Members, c.Wallets = int64(len(m.book.members)), int64(len(m.book.wallets))
	m.book.mu.Unlock()
	m.fraud.mu.Lock()
	c.FraudLists, c.FraudChecks = int64(len(m.fraud.byName)), int64(len(m.fraud.checks))
	m.fraud.mu.Unlock()
	c.FraudValues = m.fraud.values.Load()
	m.apm.mu.Lock()
	c.APMPayments = int64(len(m.apm.byID))
	m.apm.mu.Unlock()
	c.PaymentSides = m.side.n.Load()
	c.Approvals = m.market.count.Load()
	return c
}
