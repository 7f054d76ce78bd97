package password_test

import (
	"fmt"

	"github.com/parley-talks/parley/password"
)

func Example() {
	// Production code passes password.DefaultParams.
	params := password.InsecureTestParams
	stored, err := password.Hash("correct horse battery staple", params)
	if err != nil {
		panic(err)
	}
	fmt.Println(password.Verify("correct horse battery staple", stored))
	fmt.Println(password.Verify("wrong password", stored))
	fmt.Println(password.NeedsRehash(stored, password.DefaultParams))

	token := password.NewToken() // shown to its owner once
	h := password.HashToken(token)
	fmt.Println(password.IsToken(token), password.TokenMatches(token, h[:]))
	// Output:
	// <nil>
	// password: password does not match
	// true
	// true true
}
