// The bytes the phrase matcher hands to Hyperscan: the normal form
// (normalise.hpp) with every byte replaced by a hash of that byte and the
// two before it in the same word.
//
// Hyperscan's literal matchers filter candidates on a few bytes at each
// position (Teddy on nibbles of a literal's first bytes, FDR on a hash of
// two bytes near its end). Lower-case words offer them little to tell apart:
// the high nibble of nearly every byte is 6 or 7, and a space comes every six
// bytes. Hashed with its context, a byte carries about three letters'
// worth, and the same filters pass far fewer positions (docs/text.md has
// the figures).
//
// Byte i of the output is
//     T0[c(i)] ^ T1[c(i-1)] ^ T2[c'(i-2)]
// where c(j) is byte j of the input (a space before the start) and c'(i-2)
// is a space when c(i-1) is one, so that the context never reaches back past
// the space before a word. A literal " w1 w2" therefore hashes to the same
// bytes wherever it stands in the text, from its second byte on; the
// matcher looks for those and checks each hit against the normal form. Each
// table is the XOR of a table of the low nibble and one of the high nibble's
// low three bits (a byte beyond ASCII hashes as the ASCII byte with the same
// low seven bits; the check on each hit tells them apart).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace switchboard::text {

// Writes bytes [from, in.size()) of the hash of `in` to out[from, ...): the
// bytes before `from` are read as context, so a text growing at its end is
// hashed part by part. `path` chooses the implementation for tests, as for
// normalise(): 0 the best the CPU has, 1 scalar, 2 SSSE3, 3 AVX-512 VBMI
// (each when the CPU has it, else scalar).
void hash_context(std::string_view in, std::size_t from, char* out, int path = 0);
inline void hash_context(std::string_view in, char* out, int path = 0) { hash_context(in, 0, out, path); }

// Table k (0, 1 or 2) of the hash, T_k above: 128 bytes, 64-byte aligned
// (the normal form's AVX-512 path hashes its output as it writes it).
const unsigned char* hash_table(int k) noexcept;

// The hashed form of a literal " w1 w2 ...", without the first byte (the
// leading space, whose hash depends on the word before): the same bytes
// wherever the literal stands. The matcher gives Hyperscan eight of them.
std::string hashed_literal(std::string_view literal);

}  // namespace switchboard::text
