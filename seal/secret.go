package seal

import (
	"crypto/rand"
	"fmt"
)

// SecretSize is the size in bytes of a store secret (256 bits).
const SecretSize = 32

// secretLabel begins the associated data of a wrapped store secret.
const secretLabel = "parley seal store secret v1"

// secretAD binds a wrapped secret to its purpose: the secret label, then
// the purpose, length-prefixed.
func secretAD(purpose string) []byte {
	return appendLengthPrefixed(nil, secretLabel, purpose)
}

// NewSecret returns a new random store secret of SecretSize bytes for
// purpose (e.g. "row-mac", "checkpoint-signer") and its wrapped form for
// the store. The secret is the caller's to keep in memory only.
func (m *MasterKey) NewSecret(purpose string) (secret, wrapped []byte) {
	secret = make([]byte, SecretSize)
	rand.Read(secret) // never fails, see crypto/rand.Read
	return secret, m.WrapSecret(purpose, secret)
}

// WrapSecret encrypts a store secret of SecretSize bytes under m, bound to
// its purpose: a wrapped secret given for another purpose, or to another
// master key, does not unwrap. The result is SecretSize + Overhead bytes in
// the ciphertext format. A secret of another size is a bug and panics.
func (m *MasterKey) WrapSecret(purpose string, secret []byte) []byte {
	if len(secret) != SecretSize {
		panic(fmt.Sprintf("seal: a store secret is %d bytes, not %d", SecretSize, len(secret)))
	}
	var nonce [NonceSize]byte
	rand.Read(nonce[:])
	return sealWithNonce(m.aead, nonce, secret, secretAD(purpose))
}

// UnwrapSecret decrypts a store secret wrapped for purpose. A wrong master
// key, another purpose or any change to the bytes returns an error wrapping
// [ErrOpen].
func (m *MasterKey) UnwrapSecret(purpose string, wrapped []byte) ([]byte, error) {
	if len(wrapped) != SecretSize+Overhead {
		return nil, fmt.Errorf("seal: unwrap the %s secret: %w", purpose, ErrOpen)
	}
	secret, err := open(m.aead, wrapped, secretAD(purpose))
	if err != nil {
		return nil, fmt.Errorf("seal: unwrap the %s secret: %w", purpose, err)
	}
	return secret, nil
}

// RewrapSecret unwraps a store secret with oldKey and wraps it under
// newKey, for master key rotation: the secret itself does not change.
func RewrapSecret(oldKey, newKey *MasterKey, purpose string, wrapped []byte) ([]byte, error) {
	secret, err := oldKey.UnwrapSecret(purpose, wrapped)
	if err != nil {
		return nil, err
	}
	defer clear(secret)
	return newKey.WrapSecret(purpose, secret), nil
}
