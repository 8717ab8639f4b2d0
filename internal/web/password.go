package web

import (
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"heydoctor"
)

// PasswordCost is bcrypt's work factor for staff passwords.
const PasswordCost = 12

// HashPassword checks a new staff password and hashes it with bcrypt.
func HashPassword(pw string, cost int) (string, error) {
	if n := utf8.RuneCountInString(pw); n < 10 {
		return "", heydoctor.FieldError("password", "비밀번호는 10자 이상이어야 해요")
	}
	if len(pw) > 72 {
		return "", heydoctor.FieldError("password", "비밀번호는 72바이트 이하여야 해요")
	}
	b, err := bcrypt.GenerateFromPassword([]byte(pw), cost)
	return string(b), err
}

// checkPassword compares in constant time. For an unknown login it still compares
// against a real hash of the same cost, so that unknown logins cannot be told apart by
// how long the answer takes.
func (s *Server) checkPassword(hash, pw string) bool {
	if hash == "" {
		s.dummyOnce.Do(func() {
			b, _ := bcrypt.GenerateFromPassword([]byte(randomHex(32)), s.cfg.PasswordCost)
			s.dummyHash = string(b)
		})
		bcrypt.CompareHashAndPassword([]byte(s.dummyHash), []byte(pw))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw)) == nil
}
