#include "core/crypto.hpp"

#include <sodium.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
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
    ensure_sodium();
    std::string p = random_token(17);
    p += kAlphabet[randombytes_uniform(26)];       // an upper-case letter
    p += kAlphabet[26 + randombytes_uniform(26)];  // a lower-case letter
    p += kAlphabet[52 + randombytes_uniform(10)];  // a digit
    // Fisher-Yates, so the guaranteed characters stand anywhere.
    for (std::size_t i = p.size() - 1; i > 0; --i)
        std::swap(p[i], p[randombytes_uniform(static_cast<uint32_t>(i + 1))]);
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

std::string random_key() {
    ensure_sodium();
    std::string key(kSealKeyBytes, '\0');
    randombytes_buf(key.data(), key.size());
    return key;
}

std::string load_or_create_key(const std::string& path) {
    ensure_sodium();
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::ifstream in(path, std::ios::binary);
        if (in) {
            std::string key{std::istreambuf_iterator<char>(in), {}};
            if (key.size() != kSealKeyBytes)
                throw Error(ErrorCode::storage,
                            "the key file " + path + " holds " + std::to_string(key.size()) + " bytes, not " +
                                std::to_string(kSealKeyBytes),
                            "key_file");
            return key;
        }
        // O_EXCL: two processes starting at once agree on the first key written.
        const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd < 0) {
            if (errno == EEXIST) continue;
            throw Error(ErrorCode::storage, "cannot create the key file " + path + ": " + std::strerror(errno),
                        "key_file");
        }
        const std::string key = random_key();
        const bool written = ::write(fd, key.data(), key.size()) == static_cast<ssize_t>(key.size()) && ::fsync(fd) == 0;
        ::close(fd);
        if (!written) {
            ::unlink(path.c_str());
            throw Error(ErrorCode::storage, "cannot write the key file " + path, "key_file");
        }
        return key;
    }
    throw Error(ErrorCode::storage, "cannot read the key file " + path, "key_file");
}

std::string seal(const std::string& key, std::string_view plain, std::string_view context) {
    ensure_sodium();
    if (key.size() != kSealKeyBytes) throw Error(ErrorCode::internal, "a sealing key has the wrong size");
    std::string out(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + plain.size() +
                        crypto_aead_xchacha20poly1305_ietf_ABYTES,
                    '\0');
    auto* nonce = reinterpret_cast<unsigned char*>(out.data());
    randombytes_buf(nonce, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        nonce + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES, &written,
        reinterpret_cast<const unsigned char*>(plain.data()), plain.size(),
        reinterpret_cast<const unsigned char*>(context.data()), context.size(), nullptr, nonce,
        reinterpret_cast<const unsigned char*>(key.data()));
    out.resize(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + written);
    return out;
}

std::optional<std::string> open_sealed(const std::string& key, std::string_view sealed, std::string_view context) {
    ensure_sodium();
    constexpr std::size_t overhead = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES;
    if (key.size() != kSealKeyBytes || sealed.size() < overhead) return std::nullopt;
    const auto* nonce = reinterpret_cast<const unsigned char*>(sealed.data());
    const std::string_view cipher = sealed.substr(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
    std::string out(cipher.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
    unsigned long long written = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(
            reinterpret_cast<unsigned char*>(out.data()), &written, nullptr,
            reinterpret_cast<const unsigned char*>(cipher.data()), cipher.size(),
            reinterpret_cast<const unsigned char*>(context.data()), context.size(), nonce,
            reinterpret_cast<const unsigned char*>(key.data())) != 0)
        return std::nullopt;
    out.resize(written);
    return out;
}

}  // namespace switchboard::detail
