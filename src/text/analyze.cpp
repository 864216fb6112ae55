// analyze_text: the input checks, then PCI redaction, the pools' phrases and
// the promises on the redacted text; and the result as JSON.
#include <boost/json.hpp>

#include <algorithm>
#include <unordered_map>

#include "core/json_text.hpp"
#include "switchboard/error.hpp"
#include "switchboard/text.hpp"
#include "text/matcher.hpp"
#include "text/pci.hpp"
#include "text/utf8.hpp"

namespace switchboard {

namespace {

namespace bj = boost::json;

constexpr std::size_t kMaxSpeakerBytes = 64;

bool blank(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        std::size_t len;
        char32_t c = text::decode_at(s, i, len);
        if (!(c <= 0x20 || c == 0x7F || c == 0x85 || c == 0xA0 || (c >= 0x2000 && c <= 0x200B) || c == 0x2028 ||
              c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000 || c == 0xFEFF))
            return false;
        i += len;
    }
    return true;
}

}  // namespace

void TextOptions::validate() const {
    if (max_bytes == 0) throw Error(ErrorCode::invalid_argument, "max_bytes must be at least 1", "max_bytes");
    if (max_findings == 0)
        throw Error(ErrorCode::invalid_argument, "max_findings must be at least 1", "max_findings");
    bool ascii;
    if (speaker && (speaker->empty() || speaker->size() > kMaxSpeakerBytes ||
                    text::find_invalid_utf8(*speaker, ascii) != std::string_view::npos))
        throw Error(ErrorCode::invalid_argument,
                    "speaker must be 1 to " + std::to_string(kMaxSpeakerBytes) + " bytes of UTF-8 when given",
                    "speaker");
    if (pci_pool.size() > kMaxPoolNameBytes || text::find_invalid_utf8(pci_pool, ascii) != std::string_view::npos)
        throw Error(ErrorCode::invalid_argument,
                    "pci_pool must be a pool name of at most " + std::to_string(kMaxPoolNameBytes) +
                        " bytes of UTF-8 (or empty)",
                    "pci_pool");
}

TextAnalysis analyze_text(std::string_view input, const TextAnalyzer& analyzer, const TextOptions& options) {
    options.validate();
    if (input.size() > options.max_bytes)
        throw Error(ErrorCode::too_large,
                    "the text is " + std::to_string(input.size()) + " bytes long; the longest accepted is " +
                        std::to_string(options.max_bytes) + " bytes",
                    "text");
    text::require_utf8(input);
    if (blank(input)) throw Error(ErrorCode::invalid_argument, "the text is empty", "text");

    TextAnalysis r;
    std::vector<PciFinding> pci;
    if (options.pci) {
        PciResult p = redact_pci(input, options.mask_expiry);
        r.redacted_text = std::move(p.redacted_text);
        pci = std::move(p.findings);
    } else {
        r.redacted_text = std::string(input);
    }
    const std::string& s = r.redacted_text;

    // Phrases and regular expressions. A hit inside a longer hit of the same
    // pool ("bitch" inside "son of a bitch") is left out.
    std::vector<PhraseMatch> matches;
    std::size_t count;
    const auto& impl = TextAnalyzerAccess::impl(analyzer);
    text::scan_text(impl, s, true, &matches, options.max_findings, count, r.truncated);
    std::stable_sort(matches.begin(), matches.end(), [](const PhraseMatch& a, const PhraseMatch& b) {
        return a.start != b.start ? a.start < b.start : a.end > b.end;
    });
    std::unordered_map<std::uint32_t, std::size_t> reach;  // pool -> furthest end of its hits so far
    const auto& pools = analyzer.pools();
    for (const auto& m : matches) {
        auto [it, fresh] = reach.emplace(m.pool, m.end);
        if (!fresh) {
            if (m.end <= it->second) continue;
            it->second = m.end;
        }
        PhraseHit h;
        h.pool = pools[m.pool].name;
        h.phrase = analyzer.entry_text(m.pool, m.entry);
        h.regex = analyzer.is_regex(m.pool, m.entry);
        h.byte_start = m.start;
        h.byte_end = m.end;
        r.findings.push_back(std::move(h));
    }
    if (!options.pci_pool.empty())
        for (const auto& f : pci) {
            PhraseHit h;
            h.pool = options.pci_pool;
            h.phrase = std::string(text::pci_label(f.kind));
            h.byte_start = f.byte_start;
            h.byte_end = f.byte_end;
            r.findings.push_back(std::move(h));
        }
    std::stable_sort(r.findings.begin(), r.findings.end(), [](const PhraseHit& a, const PhraseHit& b) {
        return a.byte_start != b.byte_start ? a.byte_start < b.byte_start : a.byte_end < b.byte_end;
    });

    bool ascii;
    text::find_invalid_utf8(s, ascii);
    text::CodePointIndex cp(s, ascii);
    for (auto& h : r.findings) {
        h.text = s.substr(h.byte_start, h.byte_end - h.byte_start);
        h.start = cp(h.byte_start);
        h.end = cp(h.byte_end);
    }
    r.pci = std::move(pci);
    if (options.promises) r.promises = find_promises(s, options.speaker);
    return r;
}

TextAnalysis analyze_text(std::string_view text, const TextOptions& options) {
    return analyze_text(text, default_text_analyzer(), options);
}

std::string to_json(const TextAnalysis& a) {
    bj::array findings;
    findings.reserve(a.findings.size());
    for (const auto& h : a.findings)
        findings.push_back(bj::object{{"pool", h.pool},
                                      {"phrase", h.phrase},
                                      {"text", h.text},
                                      {"start", h.start},
                                      {"end", h.end},
                                      {"regex", h.regex}});
    bj::array promises;
    for (const auto& p : a.promises) {
        bj::value due = nullptr;
        if (p.due) {
            bj::object d;
            if (p.due->days) d["days"] = *p.due->days;
            if (p.due->hours) d["hours"] = *p.due->hours;
            if (p.due->weekday) d["weekday"] = *p.due->weekday;
            d["business_days"] = p.due->business_days;
            due = std::move(d);
        }
        bj::value ts = nullptr;
        if (!p.time_statement.empty()) ts = bj::string(p.time_statement);
        bj::value speaker = nullptr;
        if (p.speaker) speaker = bj::string(*p.speaker);
        promises.push_back(bj::object{{"text", p.text},
                                      {"start", p.start},
                                      {"end", p.end},
                                      {"time_statement", std::move(ts)},
                                      {"due", std::move(due)},
                                      {"speaker", std::move(speaker)}});
    }
    bj::array pci;
    for (const auto& f : a.pci) {
        bj::object o{{"kind", std::string(to_string(f.kind))},
                     {"text", f.text},
                     {"start", f.start},
                     {"end", f.end},
                     {"masked", f.masked},
                     {"spoken", f.spoken}};
        if (f.kind == PciKind::card_number) {
            o["last4"] = f.last4;
            o["brand"] = f.brand;
        }
        pci.push_back(std::move(o));
    }
    bj::object root{{"findings", std::move(findings)},
                    {"promises", std::move(promises)},
                    {"redacted_text", a.redacted_text},
                    {"pci", std::move(pci)},
                    {"truncated", a.truncated}};
    return detail::json_text(root);
}

}  // namespace switchboard
