package nurture

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"

	"github.com/propertypro/propertypro/shared/apperr"
)

// UnsubscribeToken signs "lead:channel" with key, so the link works without a login and
// cannot be forged for another lead.
func UnsubscribeToken(key []byte, leadID string, ch Channel) string {
	payload := base64.RawURLEncoding.EncodeToString([]byte(leadID + ":" + string(ch)))
	return payload + "." + base64.RawURLEncoding.EncodeToString(mac(key, []byte(payload))[:16])
}

// ParseUnsubscribeToken checks a token's signature and returns the lead and channel.
func ParseUnsubscribeToken(key []byte, token string) (leadID string, ch Channel, err error) {
	payload, sig, ok := strings.Cut(token, ".")
	got, err1 := base64.RawURLEncoding.DecodeString(sig)
	raw, err2 := base64.RawURLEncoding.DecodeString(payload)
	if !ok || err1 != nil || err2 != nil || !hmac.Equal(got, mac(key, []byte(payload))[:16]) {
		return "", "", apperr.New(apperr.NotFound, "this unsubscribe link is not valid")
	}
	lead, c, _ := strings.Cut(string(raw), ":")
	return lead, Channel(c), nil
}

// Sign is the webhook signature of body: "sha256=" and the hex HMAC-SHA256 with key, the
// scheme of Meta's X-Hub-Signature-256.
func Sign(key, body []byte) string { return "sha256=" + hex.EncodeToString(mac(key, body)) }

// Verify checks a webhook signature in constant time.
func Verify(key, body []byte, signature string) bool {
	return len(key) > 0 && hmac.Equal([]byte(Sign(key, body)), []byte(strings.TrimSpace(signature)))
}

func mac(key, b []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write(b)
	return h.Sum(nil)
}
