// Internal: secrets. Passwords are hashed with Argon2id (libsodium
// crypto_pwhash_str); tokens, keys and codes come from the OS random source
// (randombytes) and are stored only as SHA-256 digests.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace switchboard::detail {

// 32 characters of [A-Za-z0-9], uniformly drawn.
std::string random_token(std::size_t length = 32);
// `digits` decimal digits, uniformly drawn.
std::string random_digits(std::size_t digits);
// A random password that satisfies the password policy (20 characters).
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

}  // namespace switchboard::detail
