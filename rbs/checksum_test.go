package rbs

import (
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"net/url"
	"strings"
	"testing"
)

// The vectors of reference docs/reference/alfabank/vectors.md §1 (HMAC-SHA256) and §2 (RSA-SHA512).

type checksumVector struct {
	name   string
	key    string
	params [][2]string // in arrival order
	str    string      // the canonical string
	sum    string
}

func (v checksumVector) values() url.Values {
	q := url.Values{}
	for _, p := range v.params {
		q.Add(p[0], p[1])
	}
	return q
}

const keyOurs = "gatecheck-test-key-0001"

// c2 is C2's parameters, in the docs' arrival order.
var c2 = [][2]string{{"amount", "123456"}, {"orderNumber", "10747"}, {"mdOrder", "3ff6962a-7dcc-4283-ab50-a6d7dd3386fe"}, {"operation", "deposited"}, {"status", "1"}}

const (
	c2Key = "yourSecretToken"
	c2Sum = "51C892147225ABE87798CB02979D70EF46D0AE79B5AA3B28B1C260BE286C50A9"
)

var checksumVectors = []checksumVector{
	{"C1 official example", "ooc7slpvc61k7sf7ma7p4hrefr",
		[][2]string{{"mdOrder", "06cf5599-3f17-7c86-bdbc-bd7d00a8b38b"}, {"operation", "approved"}, {"orderNumber", "2003"}, {"status", "1"}},
		"mdOrder;06cf5599-3f17-7c86-bdbc-bd7d00a8b38b;operation;approved;orderNumber;2003;status;1;",
		"EAF2FB72CAB99FD5067F4BA493DD84F4D79C1589FDE8ED29622F0F07215AA972"},
	{"C2 docs' canonical string", c2Key, c2,
		"amount;123456;mdOrder;3ff6962a-7dcc-4283-ab50-a6d7dd3386fe;operation;deposited;orderNumber;10747;status;1;", c2Sum},
	{"C3 sign_alias ignored", c2Key, append(append([][2]string{}, c2...), [2]string{"sign_alias", "SHA-256 with RSA"}),
		"amount;123456;mdOrder;3ff6962a-7dcc-4283-ab50-a6d7dd3386fe;operation;deposited;orderNumber;10747;status;1;", c2Sum},
	{"C4 callbackCreationDate", keyOurs,
		[][2]string{{"mdOrder", "1234567890-098776-234-522"}, {"orderNumber", "0987"}, {"operation", "deposited"}, {"callbackCreationDate", "Mon Jan 31 21:46:52 UTC 2022"}, {"status", "0"}},
		"callbackCreationDate;Mon Jan 31 21:46:52 UTC 2022;mdOrder;1234567890-098776-234-522;operation;deposited;orderNumber;0987;status;0;",
		"BC702C7EDF23B7661B616992CBB6A4C2AA1DD21850C2C45D52F422F001301E2E"},
	{"C5 byte-order sort", keyOurs,
		[][2]string{{"mdorder", "9b4d6a1e-0000-7000-8000-000000000001"}, {"mdOrder", "9b4d6a1e-0000-7000-8000-000000000001"}, {"amountFormatted", "1 500.00"}, {"amount", "150000"}, {"X_merchantTag", "vip"}, {"approvalCode", "123456"}, {"depositFlag", "2"}, {"operation", "approved"}, {"orderNumber", "ORD-42"}, {"status", "1"}},
		"X_merchantTag;vip;amount;150000;amountFormatted;1 500.00;approvalCode;123456;depositFlag;2;mdOrder;9b4d6a1e-0000-7000-8000-000000000001;mdorder;9b4d6a1e-0000-7000-8000-000000000001;operation;approved;orderNumber;ORD-42;status;1;",
		"434D61D28ACBA384515173E662CC6372DBC903151B087EE73024442C1E99D22F"},
	{"C6 partial refund", keyOurs,
		[][2]string{{"mdOrder", "5ffb1899-cd1e-7c1e-8750-e98500093c43"}, {"orderNumber", "349002"}, {"operation", "refunded"}, {"status", "1"}, {"operationRefundedAmount", "5000"}, {"externalRefundId", "rf-1"}, {"amount", "20000"}},
		"amount;20000;externalRefundId;rf-1;mdOrder;5ffb1899-cd1e-7c1e-8750-e98500093c43;operation;refunded;operationRefundedAmount;5000;orderNumber;349002;status;1;",
		"285543941CBF9405B146C2ED0B550956C2D8E52EF6A407764D01DCB86D6EEB50"},
	{"C7 UTF-8 value", keyOurs,
		[][2]string{{"mdOrder", "01491d0b-c848-7dd6-a20d-e96900a7d8c0"}, {"orderNumber", "7005"}, {"operation", "deposited"}, {"status", "1"}, {"orderDescription", "Оплата заказа №7005"}},
		"mdOrder;01491d0b-c848-7dd6-a20d-e96900a7d8c0;operation;deposited;orderDescription;Оплата заказа №7005;orderNumber;7005;status;1;",
		"F1B8F58C18149F8741A734FC44DEFAF012F5AC38055A5C8BDC9FC7250D527A2B"},
	{"C8 reversal", keyOurs,
		[][2]string{{"mdOrder", "01492437-d2fb-77fa-8db7-9e2900a7d8c0"}, {"operation", "reversed"}, {"orderNumber", "ORD-43"}, {"status", "1"}},
		"mdOrder;01492437-d2fb-77fa-8db7-9e2900a7d8c0;operation;reversed;orderNumber;ORD-43;status;1;",
		"A8F313CD25256AB4E764383B474E9566696FAE53A9EBF85B21B31BC6779574E1"},
	{"C9 declined by timeout", keyOurs,
		[][2]string{{"mdOrder", "01492437-d2fb-77fa-8db7-9e2900a7d8c1"}, {"operation", "declinedByTimeout"}, {"orderNumber", "ORD-44"}, {"status", "0"}},
		"mdOrder;01492437-d2fb-77fa-8db7-9e2900a7d8c1;operation;declinedByTimeout;orderNumber;ORD-44;status;0;",
		"852AAD1517B62A20905480732DB060596CF4495A57C763D62A833C2DA7E7DD54"},
}

func TestChecksumVectors(t *testing.T) {
	for _, v := range checksumVectors {
		t.Run(v.name, func(t *testing.T) {
			q := v.values()
			if got := CanonicalString(q); got != v.str {
				t.Errorf("string\n got %q\nwant %q", got, v.str)
			}
			if got := Checksum(q, v.key); got != v.sum {
				t.Errorf("checksum %s, want %s", got, v.sum)
			}
			q.Set(ParamChecksum, v.sum)
			if err := VerifyChecksum(q, v.key); err != nil {
				t.Errorf("verify: %v", err)
			}
			q.Set(ParamChecksum, strings.ToLower(v.sum))
			if err := VerifyChecksum(q, v.key); err != nil {
				t.Errorf("verify lower case: %v", err)
			}
			if err := VerifyChecksum(q, v.key+"x"); !errors.Is(err, ErrChecksumMismatch) {
				t.Errorf("verify with another key: %v, want ErrChecksumMismatch", err)
			}
		})
	}
}

// TestChecksumFromWireQuery hashes the decoded values of the wire queries
// the vectors give (C1, C4 with an encoded date, C7 with Cyrillic).
func TestChecksumFromWireQuery(t *testing.T) {
	cases := []struct{ name, key, query string }{
		{"C1", "ooc7slpvc61k7sf7ma7p4hrefr", "mdOrder=06cf5599-3f17-7c86-bdbc-bd7d00a8b38b&operation=approved&orderNumber=2003&status=1&checksum=EAF2FB72CAB99FD5067F4BA493DD84F4D79C1589FDE8ED29622F0F07215AA972"},
		{"C3", c2Key, "amount=123456&orderNumber=10747&mdOrder=3ff6962a-7dcc-4283-ab50-a6d7dd3386fe&operation=deposited&status=1&sign_alias=SHA-256+with+RSA&checksum=" + c2Sum},
		{"C4", keyOurs, "mdOrder=1234567890-098776-234-522&orderNumber=0987&operation=deposited&callbackCreationDate=Mon+Jan+31+21%3A46%3A52+UTC+2022&status=0&checksum=BC702C7EDF23B7661B616992CBB6A4C2AA1DD21850C2C45D52F422F001301E2E"},
		{"C7", keyOurs, "mdOrder=01491d0b-c848-7dd6-a20d-e96900a7d8c0&orderNumber=7005&operation=deposited&status=1&orderDescription=%D0%9E%D0%BF%D0%BB%D0%B0%D1%82%D0%B0+%D0%B7%D0%B0%D0%BA%D0%B0%D0%B7%D0%B0+%E2%84%967005&checksum=F1B8F58C18149F8741A734FC44DEFAF012F5AC38055A5C8BDC9FC7250D527A2B"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q, err := url.ParseQuery(c.query)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyChecksum(q, c.key); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestChecksumNegativeVectors: the mistakes of docs/reference/alfabank/vectors.md's table must be
// rejected (N2, lower case, must be accepted).
func TestChecksumNegativeVectors(t *testing.T) {
	cases := []struct {
		name   string
		sum    string
		accept bool
	}{
		{"N1 trailing ; omitted", "58669A7DB22F377417DE34DC505FF9F65C039433700DDBAC04658EF05990B80C", false},
		{"N2 lower case", "51c892147225abe87798cb02979d70ef46d0ae79b5aa3b28b1c260be286c50a9", true},
		{"N3 key and message swapped", "BAC7881DB2E06EA960B6117C1C7E94DFD78021CCA8D2D57E1CF429DBC6FE27AE", false},
		{"N4 arrival order", "7312344D86C2482ABC00C071A07EA9A3040018AFE3357347A4E6DF01D1A84DB6", false},
		{"N6 swapped arguments of a C# test", "38D69820F981235DE4858A89A9EF3E5999E28EEF9E472AADBA77413BC94C935C", false},
		{"truncated", c2Sum[:63], false},
		{"not hex", strings.Repeat("Z", 64), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			q := checksumVectors[1].values()
			q.Set(ParamChecksum, c.sum)
			err := VerifyChecksum(q, c2Key)
			if c.accept && err != nil {
				t.Errorf("rejected: %v", err)
			}
			if !c.accept && !errors.Is(err, ErrChecksumMismatch) {
				t.Errorf("got %v, want ErrChecksumMismatch", err)
			}
		})
	}
	// The mistakes themselves give the wrong values: each negative vector
	// is what its mistake computes, so the verifier is not merely lucky.
	q := checksumVectors[1].values()
	s := CanonicalString(q)
	if got := hmacHex(c2Key, strings.TrimSuffix(s, ";")); got != cases[0].sum {
		t.Errorf("N1 recomputed %s", got)
	}
	if got := hmacHex(s, c2Key); got != cases[2].sum {
		t.Errorf("N3 recomputed %s", got)
	}
	var arrival strings.Builder
	for _, p := range c2 {
		arrival.WriteString(p[0] + ";" + p[1] + ";")
	}
	if got := hmacHex(c2Key, arrival.String()); got != cases[3].sum {
		t.Errorf("N4 recomputed %s", got)
	}
	// N5: a checksum parameter never enters the string.
	q.Set(ParamChecksum, "ANYTHING")
	if CanonicalString(q) != s {
		t.Error("N5: checksum entered the canonical string")
	}
	q.Del(ParamChecksum)
	if err := VerifyChecksum(q, c2Key); !errors.Is(err, ErrNoChecksum) {
		t.Errorf("no checksum: %v, want ErrNoChecksum", err)
	}
	// C5's wrong, case-insensitive order.
	c5 := checksumVectors[4].values()
	c5.Set(ParamChecksum, "E5370BA1BB0B9AEACC2D61F5FC3D6E773E92E4A410B2FA2FC4D6E73D47F37F74")
	if err := VerifyChecksum(c5, keyOurs); !errors.Is(err, ErrChecksumMismatch) {
		t.Errorf("C5 case-insensitive order accepted: %v", err)
	}
}

// hmacHex is HMAC-SHA256 in upper-case hex, computed independently of
// Checksum.
func hmacHex(key, msg string) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(msg))
	return strings.ToUpper(hex.EncodeToString(mac.Sum(nil)))
}

const a1PublicKey = `-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwtuGKbQ4WmfdV1gjWWys
5jyHKTWXnxX3zVa5/Cx5aKwJpOsjrXnHh6l8bOPQ6Sgj3iSeKJ9plZ3i7rPjkfmw
qUOJ1eLU5NvGkVjOgyi11aUKgEKwS5Iq5HZvXmPLzu+U22EUCTQwjBqnE/Wf0hnI
wYABDgc0fJeJJAHYHMBcJXTuxF8DmDf4DpbLrQ2bpGaCPKcX+04POS4zVLVCHF6N
6gYtM7U2QXYcTMTGsAvmIqSj1vddGwvNGeeUVoPbo6enMBbvZgjN5p6j3ItTziMb
Vba3m/u7bU1dOG2/79UpGAGR10qEFHiOqS6WpO7CuIR2tL9EznXRc7D9JZKwGfoY
/QIDAQAB
-----END PUBLIC KEY-----`

const a1Checksum = "9524FD765FB1BABFB1F42E4BC6EF5A4B07BAA3F9C809098ACBB462618A9327539F975FEDB4CF6EC1556FF88BA74774342AF4F5B51BA63903BE9647C670EBD962467282955BD1D57B16935C956864526810870CD32967845EBABE1C6565C03F94FF66907CEDB54669A1C74AC1AD6E39B67FA7EF6D305A007A474F03B80FD6C965656BEAA74E09BB1189F4B32E622C903DC52843C454B7ACF76D6F76324C27767DE2FF6E7217716C19C530CA7551DB58268CC815638C30F3BCA3270E1FD44F63C14974B108E65C20638ECE2F2D752F32742FFC5077415102706FA5235D310D4948A780B08D1B75C8983F22F211DFCBF14435F262ADDA6A97BFEB6D332C3D51010B"

const a2Cert = "MIICcTCCAdqgAwIBAgIGAWAnZt3aMA0GCSqGSIb3DQEBCwUAMHwxIDAeBgkqhkiG9w0BCQEWEWt6bnRlc3RAeWFuZGV4LnJ1MQswCQYDVQQGEwJSVTESMBAGA1UECBMJVGF0YXJzdGFuMQ4wDAYDVQQHEwVLYXphbjEMMAoGA1UEChMDUkJTMQswCQYDVQQLEwJRQTEMMAoGA1UEAxMDUkJTMB4XDTE3MTIwNTE2MDEyMFoXDTE4MTIwNTE2MDExOVowfDEgMB4GCSqGSIb3DQEJARYRa3pudGVzdEB5YW5kZXgucnUxCzAJBgNVBAYTAlJVMRIwEAYDVQQIEwlUYXRhcnN0YW4xDjAMBgNVBAcTBUthemFuMQwwCgYDVQQKEwNSQlMxCzAJBgNVBAsTAlFBMQwwCgYDVQQDEwNSQlMwgZ8wDQYJKoZIhvcNAQEBBQADgY0AMIGJAoGBAJNgxgtWRFe8zhF6FE1C8s1t/dnnC8qzNN+uuUOQ3hBx1CHKQTEtZFTiCbNLMNkgWtJ/CRBBiFXQbyza0/Ks7FRgSD52qFYUV05zRjLLoEyzG6LAfihJwTEPddNxBNvCxqdBeVdDThG81zC0DiAhMeSwvcPCtejaDDSEYcQBLLhDAgMBAAEwDQYJKoZIhvcNAQELBQADgYEAfRP54xwuGLW/Cg08ar6YqhdFNGq5TgXMBvQGQfRvL7W6oH67PcvzgvzN8XCL56dcpB7S8ek6NGYfPQ4K2zhgxhxpFEDHPcgU4vswnhhWbGVMoVgmTA0hEkwq86CA5ZXJkJm6f3E/J6lYoPQaKatKF24706T6iH2htG4BkjregUA="

const a2Checksum = "163BD9FAE437B5DCDAAC4EB5ECEE5E533DAC7BD2C8947B0719F7A8BD17C101EBDBEACDB295C10BF041E903AF3FF1E6101FF7DB9BD024C6272912D86382090D5A7614E174DC034EBBB541435C80869CEED1F1E1710B71D6EE7F52AE354505A83A1E279FBA02572DC4661C1D75ABF5A7130B70306CAFA69DABC2F6200A698198F8"

func rsaParams(sum string, withAlias bool) url.Values {
	q := url.Values{"amount": {"35000099"}, "mdOrder": {"12b59da8-f68f-7c8d-12b5-9da8000826ea"}, "operation": {"deposited"}, "status": {"1"}, "checksum": {sum}}
	if withAlias {
		q.Set("sign_alias", "SHA-256 with RSA")
	}
	return q
}

// TestChecksumRSAVectors: A1 (public key) and A2 (certificate, sign_alias
// present) verify with SHA-512; a tampered amount and a wrong key fail.
func TestChecksumRSAVectors(t *testing.T) {
	block, _ := pem.Decode([]byte(a1PublicKey))
	pk, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	a1 := pk.(*rsa.PublicKey)
	der, err := base64.StdEncoding.DecodeString(a2Cert)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	a2 := cert.PublicKey.(*rsa.PublicKey)
	const data = "amount;35000099;mdOrder;12b59da8-f68f-7c8d-12b5-9da8000826ea;operation;deposited;status;1;"
	if got := CanonicalString(rsaParams(a2Checksum, true)); got != data {
		t.Fatalf("A2 data %q", got)
	}
	tampered := rsaParams(a1Checksum, false)
	tampered.Set("amount", "935000099")
	cases := []struct {
		name string
		q    url.Values
		key  *rsa.PublicKey
		ok   bool
	}{
		{"A1", rsaParams(a1Checksum, false), a1, true},
		{"A1 lower-case hex", rsaParams(strings.ToLower(a1Checksum), false), a1, true},
		{"A2 with sign_alias", rsaParams(a2Checksum, true), a2, true},
		{"A1 tampered amount", tampered, a1, false},
		{"A1 with A2's key", rsaParams(a1Checksum, false), a2, false},
		{"A2 with A1's key", rsaParams(a2Checksum, true), a1, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := VerifyChecksumRSA(c.q, c.key)
			if c.ok && err != nil {
				t.Errorf("rejected: %v", err)
			}
			if !c.ok && !errors.Is(err, ErrChecksumMismatch) {
				t.Errorf("got %v, want ErrChecksumMismatch", err)
			}
		})
	}
}
