package ballot

import (
	"crypto/rand"
	"strings"
)

// receiptAlphabet has no 0/O or 1/I, so a code read aloud or copied by hand
// survives: 32 symbols, 5 bits each.
const receiptAlphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"

// ReceiptLen is the length of a receipt code: 40 random bits.
const ReceiptLen = 8

// NewReceipt returns a random receipt code from crypto/rand.
func NewReceipt() string {
	b := make([]byte, ReceiptLen)
	if _, err := rand.Read(b); err != nil {
		panic("ballot: no randomness: " + err.Error())
	}
	for i := range b {
		b[i] = receiptAlphabet[b[i]%32]
	}
	return string(b)
}

// ShowReceipt writes a code as ABCD-EFGH.
func ShowReceipt(r string) string {
	if len(r) != ReceiptLen {
		return r
	}
	return r[:4] + "-" + r[4:]
}

// ParseReceipt reads a code as a teacher types it (any case, dashes or
// spaces, O for 0 and I for 1 are not in the alphabet); "" when it is not
// a code.
func ParseReceipt(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch {
		case r >= 'Ａ' && r <= 'Ｚ':
			r = r - 'Ａ' + 'A'
		case r >= '０' && r <= '９':
			r = r - '０' + '0'
		}
		if strings.ContainsRune(receiptAlphabet, r) {
			b.WriteRune(r)
		} else if !strings.ContainsRune(" -－—_", r) {
			return ""
		}
	}
	if b.Len() != ReceiptLen {
		return ""
	}
	return b.String()
}
