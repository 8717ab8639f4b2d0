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

// checkPassword compares in constant time; a missing hash still costs a comparison so
// that unknown logins cannot be told apart by timing.
func checkPassword(hash, pw string) bool {
	if hash == "" {
		hash = dummyHash
	}
	err := bcrypt.CompareHashAndPassword([]byte(hash), []byte(pw))
	return err == nil && hash != dummyHash
}

// dummyHash is a bcrypt hash of a random string, compared against for unknown logins.
const dummyHash = "$2a$12$C6UzMDM.H6dfI/f/IKcEeO5xVbwB.dOVkE8yD3mZ3V5Ue4N7jQw1S"
