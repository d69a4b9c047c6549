package identity

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/propertypro/propertypro/shared/access"
)

// Claims are the access token's claims.
type Claims struct {
	BrokerageID string      `json:"bid"`
	Role        access.Role `json:"role"`
	Generation  int         `json:"gen"`
	jwt.RegisteredClaims
}

const issuer = "propertypro"

// signer issues and verifies HS256 access tokens with JWT_SECRET.
type signer struct{ key []byte }

func (s signer) sign(u User, now time.Time, ttl time.Duration) (string, error) {
	c := Claims{BrokerageID: u.BrokerageID, Role: u.Role, Generation: u.TokenGeneration, RegisteredClaims: jwt.RegisteredClaims{
		Issuer: issuer, Subject: u.ID, IssuedAt: jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(now.Add(ttl)), ID: randomToken(12),
	}}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.key)
}

func (s signer) verify(token string, now time.Time) (Claims, error) {
	var c Claims
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return s.key, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithIssuer(issuer), jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return now }))
	if err != nil {
		return Claims{}, err
	}
	if c.Subject == "" {
		return Claims{}, errors.New("token has no subject")
	}
	return c, nil
}

// randomToken returns n random bytes, base64url encoded.
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is how refresh tokens are stored: a leaked table holds no usable token.
func HashToken(t string) []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}
