package rbs

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
)

func TestToMinorAndBack(t *testing.T) {
	cases := []struct {
		amount string
		cur    Currency
		minor  int64
		err    bool
	}{
		{"1500.50", RUB, 150050, false},
		{"1500.5", RUB, 150050, false},
		{"0.01", RUB, 1, false},
		{"0", RUB, 0, false},
		{"100", JPY, 100, false},
		{"1.234", KWD, 1234, false},
		{"0.001", RUB, 0, true},
		{"-1", RUB, 0, true},
		{"9999999999.99", RUB, 999999999999, false},
		{"10000000000.00", RUB, 0, true},
		{"0.1", JPY, 0, true},
	}
	for _, c := range cases {
		t.Run(c.amount+c.cur.Alpha, func(t *testing.T) {
			got, err := ToMinor(decimal.RequireFromString(c.amount), c.cur)
			if (err != nil) != c.err {
				t.Fatalf("ToMinor(%s) error %v, want error %v", c.amount, err, c.err)
			}
			if err != nil {
				return
			}
			if got != c.minor {
				t.Errorf("ToMinor(%s %s) = %d, want %d", c.amount, c.cur, got, c.minor)
			}
			if back := FromMinor(got, c.cur); !back.Equal(decimal.RequireFromString(c.amount)) {
				t.Errorf("FromMinor(%d) = %s, want %s", got, back, c.amount)
			}
		})
	}
	if got := FormatMinor(150000, RUB); got != "1500.00" {
		t.Errorf("FormatMinor = %s", got)
	}
}

func TestParseMinor(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{{"0", 0, true}, {"123456", 123456, true}, {"999999999999", 999999999999, true}, {"1000000000000", 0, false},
		{"", 0, false}, {"-1", 0, false}, {"1.5", 0, false}, {"1e3", 0, false}, {" 1", 0, false}} {
		got, err := ParseMinor(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseMinor(%q) = %d, %v", c.in, got, err)
		}
	}
}

func TestCurrencyOf(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Currency
		ok   bool
	}{{"643", RUB, true}, {"RUB", RUB, true}, {"rub", RUB, true}, {"810", RUB, true}, {"978", EUR, true}, {"840", USD, true}, {"999", Currency{}, false}, {"", Currency{}, false}} {
		got, err := CurrencyOf(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("CurrencyOf(%q) = %v, %v", c.in, got, err)
		}
	}
	if RUB.Code() != "643" || JPY.Code() != "392" {
		t.Error("Code() must be three digits")
	}
}

// TestErrorCodeShapes: errorCode may be absent, a string or a number.
func TestErrorCodeShapes(t *testing.T) {
	for _, c := range []struct {
		body    string
		code    int
		present bool
		err     bool
	}{
		{`{}`, 0, false, false},
		{`{"errorCode":null}`, 0, false, false},
		{`{"errorCode":""}`, 0, false, false},
		{`{"errorCode":"0"}`, 0, true, false},
		{`{"errorCode":0}`, 0, true, false},
		{`{"errorCode":"7"}`, 7, true, false},
		{`{"errorCode":5}`, 5, true, false},
		{`{"errorCode":"x"}`, 0, false, true},
		{`{"errorCode":true}`, 0, false, true},
	} {
		var v struct {
			ErrorCode ErrorCode `json:"errorCode"`
		}
		err := json.Unmarshal([]byte(c.body), &v)
		if (err != nil) != c.err || v.ErrorCode.Code != c.code || v.ErrorCode.Present != c.present {
			t.Errorf("%s: %+v, %v", c.body, v.ErrorCode, err)
		}
	}
}

func TestOrderStatusNames(t *testing.T) {
	for _, c := range []struct {
		in   string
		want OrderStatus
	}{{"2", StatusDeposited}, {"DEPOSITED", StatusDeposited}, {"approved", StatusApproved}, {"REGISTERED", StatusRegistered}, {"CREATED", StatusRegistered}, {"6", StatusDeclined}, {"-1", StatusPreregistered}} {
		got, err := ParseOrderStatus(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseOrderStatus(%q) = %v, %v", c.in, got, err)
		}
	}
	if _, err := ParseOrderStatus("9"); err == nil {
		t.Error("9 is no order status")
	}
	if !StatusApproved.Paid() || !StatusDeposited.Paid() || StatusRefunded.Paid() {
		t.Error("Paid: only 1 and 2")
	}
}
