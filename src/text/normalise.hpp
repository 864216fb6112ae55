// The text as the phrase matcher reads it: every run of separators (white
// space and punctuation, utf8.hpp) becomes one space, with one space before
// the first word and after the last, and ASCII letters are lower-cased. A phrase's words joined by single
// spaces, with a space before and after (" call you back "), then occur in
// it exactly where the phrase occurs in the text, on word boundaries,
// whatever separators the text had.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard::text {

struct NormalText {
    // The normal form is buffer[0, size); the buffer is reused from text to
    // text and is not zero-filled.
    std::unique_ptr<char[]> buffer;
    std::size_t capacity = 0;
    std::size_t size = 0;
    std::string_view text() const noexcept { return {buffer.get(), size}; }
    // The normal form's context hash (context_hash.hpp): `size` bytes,
    // written by normalise() with the normal form.
    std::unique_ptr<char[]> hashed;
    void reserve(std::size_t bytes);
    // Bit i % 64 of kept[i / 64]: byte i of the original is in `text` (the
    // other bytes are the second and later bytes of a separator run).
    std::vector<std::uint64_t> kept;
    // rank[w]: kept bytes before byte 64 * w of the original.
    std::vector<std::uint32_t> rank;

    // The original offset of the byte at `pos` of `text` (pos >= 1: 0 is the
    // leading space, which has none).
    std::size_t to_original(std::size_t pos) const noexcept;
};

// Builds `out` (the normal form and its context hash) from s, reusing its
// buffers, and checks that s is UTF-8:
// returns the offset of the first byte that is not, or npos. `path`
// chooses the implementation for tests: 0 the best the CPU has, 1 scalar,
// 2 SSSE3, 3 AVX-512 (each when the CPU has it, else scalar).
std::size_t normalise(std::string_view s, NormalText& out, int path = 0);

// The literal the matcher looks for: " w1 w2 ... wn", and a space after it
// when it is short (kShortLiteral bytes or less), so that " um" does not
// fire on every "umbrella". Longer literals leave the space that must
// follow them to a check on each hit: literals that all end in the most
// common byte make Hyperscan's literal matcher filter poorly.
inline constexpr std::size_t kShortLiteral = 5;
std::string padded_literal(const std::vector<std::string>& words);

}  // namespace switchboard::text
