package rbsmock

import (
	"encoding/hex"
	"fmt"
)

// Streams of the mock's counter-based generator.
const (
	streamOrderID uint64 = iota + 1
	streamToken
	streamApproval
	streamReference
)

// splitmix64 is the SplitMix64 finaliser. The mock's PRNG is
// splitmix64(seed, stream, n): an order's id depends only on the seed and
// the order's sequence number, so the same seed and the same sequence of
// registrations give the same ids.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

func (m *Mock) rand(stream, n uint64) uint64 {
	return splitmix64(m.seedKey ^ stream*0xd1b54a32d192ed03 ^ n*0x9e3779b97f4a7c15)
}

// orderID returns the n-th order id: 36 characters shaped like a version 4
// UUID, as the gateway's mdOrder is.
func (m *Mock) orderID(n uint64) string {
	a, b := m.rand(streamOrderID, 2*n), m.rand(streamOrderID, 2*n+1)
	var u [16]byte
	for i := range 8 {
		u[i] = byte(a >> (8 * i))
		u[8+i] = byte(b >> (8 * i))
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	h := hex.EncodeToString(u[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// token returns a page token for order n and purpose k.
func (m *Mock) token(n, k uint64) string {
	return fmt.Sprintf("%016x", m.rand(streamToken, n*16+k))
}

// digits returns a d-digit decimal reference for order n and purpose k.
func (m *Mock) digits(stream, n uint64, d int) string {
	x := m.rand(stream, n)
	return fmt.Sprintf("%0*d", d, x%pow10(d))
}

func pow10(d int) uint64 {
	p := uint64(1)
	for range d {
		p *= 10
	}
	return p
}
