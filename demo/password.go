package demo

import "github.com/parley-talks/parley/password"

// hashPassword hashes the demo accounts' password with the production
// parameters: the demo is meant to be signed into, and its hash is the same
// kind that real accounts get.
func hashPassword(pw string) (string, error) {
	return password.Hash(pw, password.DefaultParams)
}
