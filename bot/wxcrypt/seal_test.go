package wxcrypt

import (
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/xml"
	"sort"
	"strings"
	"testing"
	"time"
)

// TestSealTextIsSealOfTextReply: the one-buffer path opens to exactly the
// XML TextReply writes, and its signature is sha1 over the sorted parts
// computed here from scratch; a reply too big for the pool's buffers, and
// content with "]]>" in it, go the same way.
func TestSealTextIsSealOfTextReply(t *testing.T) {
	box := mustBox(t)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	for _, content := range []string{"回复“报名 1”", "a]]>b", strings.Repeat("帮助", 40000)} {
		env, err := box.SealText("zhangsan", "wx5823bf96d3bd56c7", content, now, "n0nce")
		if err != nil {
			t.Fatal(err)
		}
		plain, err := box.Open(env)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := TextReply("zhangsan", "wx5823bf96d3bd56c7", content, now)
		if !bytes.Equal(plain, want) {
			t.Fatalf("opened %.80q, want %.80q", plain, want)
		}
		var e Envelope
		if err := xml.Unmarshal(env, &e); err != nil {
			t.Fatal(err)
		}
		parts := []string{"QDG6eK", e.TimeStamp, e.Nonce.Value, e.Encrypt.Value}
		sort.Strings(parts)
		sum := sha1.Sum([]byte(strings.Join(parts, "")))
		if e.MsgSignature.Value != hex.EncodeToString(sum[:]) || e.TimeStamp != "1795424400" || e.Nonce.Value != "n0nce" {
			t.Errorf("envelope %+v; want signature %x", e, sum)
		}
	}
}

// TestSignatureOrder: parts sort as strings whichever of them are bytes.
func TestSignatureOrder(t *testing.T) {
	parts := []string{"b", "ab", "", "a", "ba", "aa"}
	sorted := append([]string(nil), parts...)
	sort.Strings(sorted)
	want := sha1.Sum([]byte(strings.Join(sorted, "")))
	if got := Signature(parts...); got != hex.EncodeToString(want[:]) {
		t.Errorf("Signature = %s, want %x", got, want)
	}
	mixed := []piece{{s: "b"}, {b: []byte("ab")}, {s: "a"}, {b: []byte("ba")}, {s: "aa"}}
	sorted = []string{"a", "aa", "ab", "b", "ba"}
	if got, want := signatureSum(mixed), sha1.Sum([]byte(strings.Join(sorted, ""))); got != want {
		t.Errorf("mixed pieces sum %x, want %x", got, want)
	}
}

// mustBox is the box of WeCom's published sample (token QDG6eK and its
// EncodingAESKey), which the tests and benchmarks seal and open with.
func mustBox(tb testing.TB) *Box {
	tb.Helper()
	box, err := New("QDG6eK", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", "wx5823bf96d3bd56c7")
	if err != nil {
		tb.Fatal(err)
	}
	return box
}
