package mock

import (
	"time"
)

// Clock tells the mock what time it is. The mock adds its own offset (see
// Mock.Advance) on top, so a harness can move the mock forward without
// controlling the clock.
type Clock interface {
	Now() time.Time
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

// defaultLocation returns Europe/Istanbul or, when the host has no tzdata,
// a fixed UTC+03:00 zone: Istanbul has kept +03:00 without daylight saving
// since September 2016, so for every date the mock produces the two are
// equivalent.
func defaultLocation() *time.Location {
	if loc, err := time.LoadLocation("Europe/Istanbul"); err == nil {
		return loc
	}
	return time.FixedZone("+03", 3*60*60)
}

// Now returns the mock's current time in its Location: the configured
// clock plus every Advance so far.
func (m *Mock) Now() time.Time {
	return m.clock.Now().Add(time.Duration(m.offset.Load())).In(m.loc)
}

// Advance moves the mock's clock forward by d (non-positive d is ignored).
// Use it to step past the end of day, so that a full refund becomes a
// REFUND instead of a CANCEL.
func (m *Mock) Advance(d time.Duration) {
	if d > 0 {
		m.offset.Add(int64(d))
	}
}

// sameDay reports whether the Unix times a and b fall on the same calendar
// day in the mock's Location: the mock's "bank end of day" is midnight
// there (docs/reference/craftgate/flows.md section 4 leaves the cut-off to the mock).
func (m *Mock) sameDay(a, b int64) bool {
	ya, ma, da := time.Unix(a, 0).In(m.loc).Date()
	yb, mb, db := time.Unix(b, 0).In(m.loc).Date()
	return ya == yb && ma == mb && da == db
}

// appendDateTime appends t (already in the wanted zone) formatted with
// craftgate.DateTimeLayout, "2006-01-02T15:04:05", without going through
// time.Format (years outside 0..9999 fall back to it). The encoder test
// checks the equivalence with time.Format.
func appendDateTime(b []byte, t time.Time) []byte {
	year, month, day := t.Date()
	hour, minute, sec := t.Clock()
	if year < 0 || year > 9999 {
		return t.AppendFormat(b, "2006-01-02T15:04:05")
	}
	b = append(b,
		byte('0'+year/1000), byte('0'+year/100%10), byte('0'+year/10%10), byte('0'+year%10), '-',
		byte('0'+int(month)/10), byte('0'+int(month)%10), '-',
		byte('0'+day/10), byte('0'+day%10), 'T',
		byte('0'+hour/10), byte('0'+hour%10), ':',
		byte('0'+minute/10), byte('0'+minute%10), ':',
		byte('0'+sec/10), byte('0'+sec%10))
	return b
}

// appendUnix appends the Unix time sec in the mock's Location.
func (m *Mock) appendUnix(b []byte, sec int64) []byte {
	return appendDateTime(b, time.Unix(sec, 0).In(m.loc))
}
