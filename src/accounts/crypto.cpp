#include "accounts/crypto.hpp"

#include <sodium.h>

#include <mutex>

#include "switchboard/error.hpp"

namespace switchboard::detail {

namespace {

void ensure_sodium() {
    static std::once_flag once;
    static bool ok = false;
    std::call_once(once, [] { ok = sodium_init() >= 0; });
    if (!ok) throw Error(ErrorCode::internal, "libsodium could not be initialised");
}

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

}  // namespace

std::string random_token(std::size_t length) {
    ensure_sodium();
    std::string out(length, '\0');
    for (auto& c : out) c = kAlphabet[randombytes_uniform(static_cast<uint32_t>(kAlphabet.size()))];
    return out;
}

std::string random_digits(std::size_t digits) {
    ensure_sodium();
    std::string out(digits, '\0');
    for (auto& c : out) c = static_cast<char>('0' + randombytes_uniform(10));
    return out;
}

std::string random_password() {
    // Groups of four with one guaranteed upper, lower and digit character.
    ensure_sodium();
    std::string p = random_token(17);
    p += kAlphabet[randombytes_uniform(26)];
    p += kAlphabet[26 + randombytes_uniform(26)];
    p += kAlphabet[52 + randombytes_uniform(9)];  // 1-9
    return p;
}

std::string token_digest(std::string_view token) { return sha256_hex(token); }

std::string sha256_hex(std::string_view token) {
    ensure_sodium();
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
    char hex[crypto_hash_sha256_BYTES * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

std::string hash_password(std::string_view password, unsigned long long opslimit, std::size_t memlimit) {
    ensure_sodium();
    if (opslimit < crypto_pwhash_argon2id_OPSLIMIT_MIN) opslimit = crypto_pwhash_argon2id_OPSLIMIT_MIN;
    if (memlimit < crypto_pwhash_argon2id_MEMLIMIT_MIN) memlimit = crypto_pwhash_argon2id_MEMLIMIT_MIN;
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), opslimit, memlimit,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        throw Error(ErrorCode::internal, "password hashing ran out of memory");
    return out;
}

bool verify_password(const std::string& hash, std::string_view password) {
    ensure_sodium();
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

bool secret_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace switchboard::detail
