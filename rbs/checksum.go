package rbs

import (
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Callback parameters that are never part of the signed string.
const (
	ParamChecksum  = "checksum"
	ParamSignAlias = "sign_alias"
)

// Errors of VerifyChecksum and VerifyChecksumRSA.
var (
	ErrNoChecksum       = errors.New("rbs: callback carries no checksum")
	ErrChecksumMismatch = errors.New("rbs: callback checksum does not match")
)

// CanonicalString is the string the callback checksum covers
// (docs/reference/alfabank/rbs-gateway.md §8.1): every parameter except checksum and sign_alias,
// sorted by name in byte order (upper case before lower case, so mdOrder
// sorts before mdorder), each written "name;value;" with the URL-decoded
// value, the last one with its trailing ";" too. A name given more than
// once counts with its first value (the gateway sends each name once).
func CanonicalString(params url.Values) string {
	names := make([]string, 0, len(params))
	for name := range params {
		if name == ParamChecksum || name == ParamSignAlias {
			continue
		}
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		b.WriteString(name)
		b.WriteByte(';')
		if vs := params[name]; len(vs) > 0 {
			b.WriteString(vs[0])
		}
		b.WriteByte(';')
	}
	return b.String()
}

// Checksum is the symmetric callback checksum: HMAC-SHA256 of
// CanonicalString(params) keyed with the merchant's callback key (its
// UTF-8 bytes), in upper-case hex.
func Checksum(params url.Values, key string) string {
	mac := hmac.New(sha256.New, []byte(key))
	mac.Write([]byte(CanonicalString(params)))
	return strings.ToUpper(hex.EncodeToString(mac.Sum(nil)))
}

// VerifyChecksum checks a callback's checksum against key. The comparison
// is case-insensitive (the gateway sends upper case; lower case is the same
// value) and in constant time.
func VerifyChecksum(params url.Values, key string) error {
	got := params.Get(ParamChecksum)
	if got == "" {
		return ErrNoChecksum
	}
	want := Checksum(params, key)
	if len(got) != len(want) || subtle.ConstantTimeCompare([]byte(strings.ToUpper(got)), []byte(want)) != 1 {
		return ErrChecksumMismatch
	}
	return nil
}

// VerifyChecksumRSA checks an asymmetrically signed callback
// (docs/reference/alfabank/rbs-gateway.md §8.2): checksum is the hex of an RSA PKCS#1 v1.5
// signature with SHA-512 over CanonicalString(params), made with the
// gateway's private key. SHA-512 is used whatever sign_alias says: the
// official example signed "SHA-256 with RSA" verifies only with SHA-512
// (docs/reference/alfabank/vectors.md A2).
func VerifyChecksumRSA(params url.Values, pub *rsa.PublicKey) error {
	got := params.Get(ParamChecksum)
	if got == "" {
		return ErrNoChecksum
	}
	sig, err := hex.DecodeString(strings.ToLower(got))
	if err != nil {
		return fmt.Errorf("%w: checksum is not hex: %w", ErrChecksumMismatch, err)
	}
	sum := sha512.Sum512([]byte(CanonicalString(params)))
	if err := rsa.VerifyPKCS1v15(pub, crypto.SHA512, sum[:], sig); err != nil {
		return fmt.Errorf("%w: %w", ErrChecksumMismatch, err)
	}
	return nil
}

// SignChecksumRSA signs params as the gateway does for the asymmetric
// variant (what a mock configured with a private key sends).
func SignChecksumRSA(params url.Values, priv *rsa.PrivateKey) (string, error) {
	sum := sha512.Sum512([]byte(CanonicalString(params)))
	sig, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA512, sum[:])
	if err != nil {
		return "", fmt.Errorf("rbs: sign callback: %w", err)
	}
	return strings.ToUpper(hex.EncodeToString(sig)), nil
}
