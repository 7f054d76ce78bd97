// Package password hashes account passwords with argon2id and makes API
// bearer tokens.
//
// # What it protects against
//
// A thief of the accounts table learns no password directly: each is stored
// as an argon2id hash with its own random salt, so guessing costs the
// attacker [DefaultParams]' memory and time per guess and per account, and
// equal passwords do not show. Comparisons run in constant time. A stored
// hash with absurd parameters — planted to make a login exhaust the
// server's memory or time — is refused before any work ([MaxMemoryKiB],
// [MaxTime], [MaxThreads]). Bearer tokens are 256-bit random values; the
// store keeps only their SHA-256 ([HashToken]), which is enough for values
// that cannot be guessed, so a stolen table yields no usable token.
//
// # Format
//
// A password hash is a PHC string:
//
//	$argon2id$v=19$m=<memory KiB>,t=<passes>,p=<lanes>$<salt>$<hash>
//
// with salt and hash in standard base64 without padding, and decimal
// parameters without leading zeros. The parameters are stored per hash, so
// they can change without invalidating old hashes; [NeedsRehash] tells when
// to rehash on the next successful login.
//
// A token is "parley_" followed by 43 characters of base64url without
// padding (32 random bytes): recognisable by secret scanners and in logs.
//
// # Parameters
//
// [DefaultParams] follow the OWASP Password Storage Cheat Sheet's argon2id
// recommendation: m = 19456 KiB (19 MiB), t = 2, p = 1, with a 16-byte salt
// and a 32-byte hash; one hash takes some tens of milliseconds on a server
// core. [InsecureTestParams] is for tests only and must be passed
// explicitly.
//
// Passwords are from [MinPasswordLen] to [MaxPasswordLen] bytes (8 to 1024):
// the minimum follows NIST SP 800-63B; the maximum keeps a request from
// making the server hash megabytes. Any byte sequence is allowed; callers
// should not trim or normalise it silently.
//
// # Errors
//
// A wrong password is [ErrMismatch], the one sentinel for "did not verify".
// A stored hash that cannot be parsed, or whose parameters are out of range,
// wraps [ErrMalformed]. Errors never contain a password or a token.
package password
