package negotiation

import "math/big"

// Test helpers shared with the external test package (anac_test.go).
var (
	CheckFrontier = checkFrontier
	CheckBargains = checkBargains
	BruteZone     = bruteZone
)

var BigInt = big.NewInt
