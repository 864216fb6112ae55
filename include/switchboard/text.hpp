// switchboard: the text analysis engine. Text in, results out: which
// phrases of an organisation's pools a text contains, the promises made in
// it, and the card data it carries, masked.
//
//   switchboard::TextAnalyzer analyzer(pools);           // compile once
//   auto result = switchboard::analyze_text(text, analyzer);  // any thread
//   std::string json = switchboard::to_json(result);
//
// A TextAnalyzer is compiled once from a set of phrase pools and is
// immutable afterwards: copies share the compiled database, and any number
// of threads may use one at the same time (each thread keeps its own
// Hyperscan scratch space). To change the pools, compile a new analyzer; a
// compile that fails throws and leaves every existing analyzer as it was.
//
// The engine does not know about organisations or the store. Every
// definition, default pool and rule is documented in docs/text.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace switchboard {

// ------------------------------------------------------------------ pools
// A named pool of word sequences ("phrases") and regular expressions.
//
// A phrase is a sequence of words. It matches case-insensitively (ASCII
// letters), on word boundaries, with any run of white space and
// punctuation between its words: "call you back" matches "Call you -- back"
// and "CALL YOU BACK!", not "recall you back". Punctuation inside a phrase
// only separates words ("I'll" is the words "I" and "ll", and matches
// "I'll", "I’ll" and "I ll").
//
// A regular expression is Hyperscan (PCRE) syntax, matched as given,
// case-insensitively; use \b for word boundaries.
struct PhrasePool {
    std::string name;
    std::vector<std::string> phrases;
    std::vector<std::string> regexes;
};

// The built-in pools: Critical Info, Competitor Mention, Legal Action
// Mention, Call for Action, Lack of Understanding, Profanity, Insignificant
// Talk and Client Hold Request (written for an English-speaking helpline).
std::vector<PhrasePool> default_phrase_pools();

inline constexpr std::size_t kMaxPhraseBytes = 256;  // longest phrase or regular expression
inline constexpr std::size_t kMaxPoolNameBytes = 64;

// Checks one entry the way TextAnalyzer compiles it, so a caller can refuse
// it before storing it. Throws Error(invalid_argument) naming the entry and
// the reason (for a regular expression, Hyperscan's own); the field is
// "phrase" or "regex".
void validate_phrase(std::string_view phrase);
void validate_regex(std::string_view regex);

// The words a phrase matches ("Call-back, please!" -> call, back, please),
// lower-cased (ASCII).
std::vector<std::string> phrase_words(std::string_view phrase);
// The regular expression equivalent to a phrase (\bw1 SEP+ w2 ... \b, SEP
// the separator class as UTF-8 bytes); for comparisons and documentation.
std::string phrase_expression(std::string_view phrase);

// One raw match of TextAnalyzer::scan: byte offsets into the scanned text.
struct PhraseMatch {
    std::uint32_t pool = 0;   // index into TextAnalyzer::pools()
    std::uint32_t entry = 0;  // phrases first, then regexes: entry >= phrases.size() is a regex
    std::size_t start = 0;    // bytes, [start, end)
    std::size_t end = 0;
};

class TextAnalyzer {
public:
    // Compiles the default pools.
    TextAnalyzer();
    // Compiles the given pools. Refuses, with Error(invalid_argument) naming
    // the pool and entry: an empty or duplicate pool name, a phrase with no
    // words or longer than kMaxPhraseBytes, two phrases of one pool with the
    // same words, a regular expression Hyperscan cannot compile, text that is
    // not UTF-8.
    explicit TextAnalyzer(std::vector<PhrasePool> pools);

    const std::vector<PhrasePool>& pools() const noexcept;
    std::size_t phrase_count() const noexcept;
    std::size_t regex_count() const noexcept;
    std::size_t database_bytes() const noexcept;  // the compiled Hyperscan databases
    // The phrase or regular expression an entry index names.
    const std::string& entry_text(std::uint32_t pool, std::uint32_t entry) const;
    bool is_regex(std::uint32_t pool, std::uint32_t entry) const;

    // Every match in the text, sorted by start, then end, pool and entry.
    // Overlapping matches are all reported; a regular expression reports its
    // longest match from each start. At most max_matches are returned
    // (*truncated, when given, says whether matches were left out). The text
    // must be UTF-8 (Error(invalid_argument) otherwise).
    std::vector<PhraseMatch> scan(std::string_view text,
                                  std::size_t max_matches = std::numeric_limits<std::size_t>::max(),
                                  bool* truncated = nullptr) const;
    // The number of matches scan() would return, without storing them.
    std::size_t count(std::string_view text) const;

    struct Impl;

private:
    friend class TextAnalyzerAccess;
    std::shared_ptr<const Impl> impl_;
};

// One analyzer of the default pools, compiled on first use and shared.
const TextAnalyzer& default_text_analyzer();

// ------------------------------------------------------------------ results
// Offsets: start and end count Unicode code points (characters) of
// redacted_text, [start, end); byte_start and byte_end are the same span in
// UTF-8 bytes. For ASCII text the two agree.

struct PhraseHit {
    std::string pool;
    std::string phrase;  // the pool entry (phrase or regular expression), or "<card number>" ... for PCI
    std::string text;    // the matched text, as it stands in redacted_text
    std::size_t start = 0, end = 0;
    std::size_t byte_start = 0, byte_end = 0;
    bool regex = false;  // the entry is a regular expression
};

// A time statement normalised: a relative day count (0 today, 1 tomorrow,
// N for "within N days"), a weekday, or both unset when the statement
// names no definite day ("soon", "by the end of the month").
struct PromiseDue {
    std::optional<int> days;
    std::optional<int> hours;            // the statement was in hours or minutes
    std::optional<std::string> weekday;  // "monday" ... "sunday"
    bool business_days = false;          // "working days", "business days"
};

struct Promise {
    std::string text;  // from the subject to the end of the clause
    std::size_t start = 0, end = 0;
    std::size_t byte_start = 0, byte_end = 0;
    std::string time_statement;       // "by tomorrow", "within 24 hours" ...; "" when none
    std::optional<PromiseDue> due;    // set when the time statement could be normalised
    std::optional<std::string> speaker;  // TextOptions::speaker
};

enum class PciKind { card_number, security_code, expiry_date, pin };
std::string_view to_string(PciKind kind) noexcept;

struct PciFinding {
    PciKind kind = PciKind::card_number;
    std::string text;  // as it stands in redacted_text (masked when masked)
    std::size_t start = 0, end = 0;
    std::size_t byte_start = 0, byte_end = 0;
    bool masked = false;
    bool spoken = false;  // written as words ("four five three nine ...")
    std::string last4;    // card numbers: the four digits left visible
    std::string brand;    // card numbers: "visa", "mastercard", "amex", "discover", "jcb", "diners" or ""
};

struct TextOptions {
    // Longest text accepted, in bytes; longer is Error(too_large).
    std::size_t max_bytes = 1 << 20;
    // Who wrote or said the text ("agent", "client" ...), copied to promises.
    std::optional<std::string> speaker;
    bool promises = true;
    bool pci = true;
    // Expiry dates are found after their keyword ("expiry", "valid thru" ...)
    // near a card and reported. One next to a card number is always masked:
    // at most 60 bytes lie between the card number and the date with its
    // keyword (the card ends at most 60 bytes before the keyword starts, or
    // starts at most 60 bytes after the date ends). Any other is kept as
    // written unless this is set, which masks every expiry date.
    bool mask_expiry = false;
    // PCI detections are also reported as findings of this pool ("" for no).
    std::string pci_pool = "Critical Info";
    // At most this many phrase findings (TextAnalysis::truncated tells).
    std::size_t max_findings = 10000;

    void validate() const;
};

struct TextAnalysis {
    std::vector<PhraseHit> findings;  // sorted by start
    std::vector<Promise> promises;    // in text order
    std::string redacted_text;        // the text with card data masked
    std::vector<PciFinding> pci;      // in text order
    bool truncated = false;           // more than max_findings findings
};

// Redacts the text (PCI), then finds the pools' phrases and the promises in
// the redacted text. Refuses an empty or blank text and text that is not
// UTF-8 with Error(invalid_argument, field "text"), and text over
// options.max_bytes with Error(too_large, field "text").
TextAnalysis analyze_text(std::string_view text, const TextAnalyzer& analyzer, const TextOptions& options = {});
// The same with default_text_analyzer().
TextAnalysis analyze_text(std::string_view text, const TextOptions& options = {});

// {"findings": [{"pool","phrase","text","start","end","regex"}],
//  "promises": [{"text","start","end","time_statement","due","speaker"}],
//  "redacted_text": "...",
//  "pci": [{"kind","text","start","end","masked","spoken","last4","brand"}],
//  "truncated": false}
// time_statement and speaker are null when absent; due is null or
// {"days"?, "hours"?, "weekday"?, "business_days"}. Offsets in code points.
std::string to_json(const TextAnalysis& analysis);

// ------------------------------------------------------------------ pieces
// The parts analyze_text runs, for callers that need one of them. Text must
// be UTF-8 (not checked here). Offsets in these results are in bytes and
// code points of the text given.

// Card numbers, security codes, expiry dates and PINs, and the text with
// them masked (offsets into the redacted text). Card numbers are read
// typed (ASCII or full-width digits, grouped by spaces, dashes, dots or one
// line break) or spoken, and Luhn-checked; the rules are in docs/text.md.
// mask_expiry is TextOptions::mask_expiry: an expiry date next to a card
// number (within 60 bytes, as there) is masked either way, any other only
// when it is set.
struct PciResult {
    std::string redacted_text;
    std::vector<PciFinding> findings;
};
PciResult redact_pci(std::string_view text, bool mask_expiry = false);

// Promises in the text (rules in docs/text.md).
std::vector<Promise> find_promises(std::string_view text, const std::optional<std::string>& speaker = {});

// Whether the text is well-formed UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF): the rule every text entry point applies, for
// adapters that answer an invalid text in their own words.
bool valid_utf8(std::string_view text) noexcept;

// The Luhn check on a string of digits (other characters are ignored; fewer
// than two digits is false).
bool luhn_valid(std::string_view digits) noexcept;

}  // namespace switchboard
