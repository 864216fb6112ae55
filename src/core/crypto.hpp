// Internal: secrets. Passwords are hashed with Argon2id (libsodium
// crypto_pwhash_str); tokens, keys and codes come from the OS random source
// (randombytes) and are stored only as SHA-256 digests; job payloads are
// sealed with XChaCha20-Poly1305.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace switchboard::detail {

// 32 characters of [A-Za-z0-9], uniformly drawn.
std::string random_token(std::size_t length = 32);
// `digits` decimal digits, uniformly drawn.
std::string random_digits(std::size_t digits);
// A random password that satisfies the password policy: 20 characters of
// [A-Za-z0-9] with at least one upper-case letter, one lower-case letter
// and one digit, in random places.
std::string random_password();

// Hex SHA-256 of the text (for tokens with ~190 bits of entropy a plain
// digest is enough; lookups by digest take the same time for any token).
std::string token_digest(std::string_view token);
// Hex SHA-256 of any bytes.
std::string sha256_hex(std::string_view bytes);

std::string hash_password(std::string_view password, unsigned long long opslimit, std::size_t memlimit);
bool verify_password(const std::string& hash, std::string_view password);

// Constant-time comparison of two strings of possibly different length.
bool secret_equal(std::string_view a, std::string_view b);

// --- sealing (XChaCha20-Poly1305, a random nonce per message)
inline constexpr std::size_t kSealKeyBytes = 32;
std::string random_key();  // kSealKeyBytes random bytes
// The key kept in `path`: read when the file exists (it must hold exactly
// kSealKeyBytes), otherwise created with mode 0600 and a random key.
// Error(storage) when it cannot be read or written, or has the wrong size.
std::string load_or_create_key(const std::string& path);
// nonce + ciphertext + tag; `context` is authenticated, not encrypted.
std::string seal(const std::string& key, std::string_view plain, std::string_view context);
// The plain text, or nullopt when the sealed text was not sealed with this
// key and context (or was altered).
std::optional<std::string> open_sealed(const std::string& key, std::string_view sealed, std::string_view context);

}  // namespace switchboard::detail
