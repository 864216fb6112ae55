// Interactions as JSON, and the stored analysis read back.
#include <boost/json.hpp>

#include "core/json_text.hpp"
#include "interactions/internal.hpp"
#include "switchboard/error.hpp"
#include "switchboard/interactions.hpp"

namespace switchboard {

namespace bj = boost::json;

std::string_view to_string(ReportStatus s) noexcept {
    switch (s) {
        case ReportStatus::pending: return "pending";
        case ReportStatus::ready: return "ready";
        case ReportStatus::failed: return "failed";
    }
    return "pending";
}

std::string to_json(const Interaction& i) {
    bj::object o{{"ricket", i.ricket},
                 {"kind", std::string(1, i.kind)},
                 {"department", i.department},
                 {"agent_id", i.agent_id},
                 {"client_id", i.client_id},
                 {"ticket_no", i.ticket_no},
                 {"created_by", i.created_by},
                 {"created_ms", i.created_ms},
                 {"status", std::string(to_string(i.status))},
                 {"ready_ms", i.ready_ms},
                 {"error", i.error},
                 {"text_chars", i.text_chars}};
    if (i.analysis) o["analysis"] = bj::parse(to_json(*i.analysis));
    else o["analysis"] = nullptr;
    if (i.kind == 'C') {
        o["duration_s"] = static_cast<double>(i.duration_ms) / 1000.0;
        o["call"] = i.call_report.empty() ? bj::value(nullptr) : bj::parse(i.call_report);
        o["recording_file_id"] = i.recording_file_id;
        o["call_id"] = i.call_id;
        o["state"] = i.status == ReportStatus::pending ? (i.processing ? "processing" : "queued")
                                                       : std::string(to_string(i.status));
    }
    return detail::json_text(o);
}

namespace detail {

namespace {

const bj::value& at(const bj::object& o, const char* key) {
    const bj::value* v = o.if_contains(key);
    if (!v) throw Error(ErrorCode::internal, std::string("a stored analysis has no \"") + key + "\"");
    return *v;
}

std::string str(const bj::object& o, const char* key) { return std::string(at(o, key).as_string()); }
std::size_t num(const bj::object& o, const char* key) { return static_cast<std::size_t>(at(o, key).to_number<std::int64_t>()); }

// Byte offset of each code point offset of s (one entry past the end too).
std::vector<std::size_t> byte_offsets(std::string_view s) {
    std::vector<std::size_t> out;
    out.reserve(s.size() + 1);
    for (std::size_t i = 0; i < s.size(); ++i)
        if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
    out.push_back(s.size());
    return out;
}

PciKind pci_kind(std::string_view s) {
    for (PciKind k : {PciKind::card_number, PciKind::security_code, PciKind::expiry_date, PciKind::pin})
        if (to_string(k) == s) return k;
    throw Error(ErrorCode::internal, "a stored analysis has an unknown PCI kind");
}

}  // namespace

TextAnalysis analysis_from_json(std::string_view json) {
    try {
        const bj::object root = bj::parse(json).as_object();
        TextAnalysis a;
        a.redacted_text = str(root, "redacted_text");
        a.truncated = at(root, "truncated").as_bool();
        const auto bytes = byte_offsets(a.redacted_text);
        auto byte_of = [&](std::size_t cp) { return bytes.at(cp); };
        for (const auto& v : at(root, "findings").as_array()) {
            const auto& o = v.as_object();
            PhraseHit h;
            h.pool = str(o, "pool");
            h.phrase = str(o, "phrase");
            h.text = str(o, "text");
            h.start = num(o, "start");
            h.end = num(o, "end");
            h.byte_start = byte_of(h.start);
            h.byte_end = byte_of(h.end);
            h.regex = at(o, "regex").as_bool();
            a.findings.push_back(std::move(h));
        }
        for (const auto& v : at(root, "promises").as_array()) {
            const auto& o = v.as_object();
            Promise p;
            p.text = str(o, "text");
            p.start = num(o, "start");
            p.end = num(o, "end");
            p.byte_start = byte_of(p.start);
            p.byte_end = byte_of(p.end);
            if (const auto& ts = at(o, "time_statement"); ts.is_string()) p.time_statement = std::string(ts.as_string());
            if (const auto& sp = at(o, "speaker"); sp.is_string()) p.speaker = std::string(sp.as_string());
            if (const auto& due = at(o, "due"); due.is_object()) {
                const auto& d = due.as_object();
                PromiseDue pd;
                if (auto* x = d.if_contains("days")) pd.days = static_cast<int>(x->to_number<std::int64_t>());
                if (auto* x = d.if_contains("hours")) pd.hours = static_cast<int>(x->to_number<std::int64_t>());
                if (auto* x = d.if_contains("weekday")) pd.weekday = std::string(x->as_string());
                if (auto* x = d.if_contains("business_days")) pd.business_days = x->as_bool();
                p.due = pd;
            }
            a.promises.push_back(std::move(p));
        }
        for (const auto& v : at(root, "pci").as_array()) {
            const auto& o = v.as_object();
            PciFinding f;
            f.kind = pci_kind(str(o, "kind"));
            f.text = str(o, "text");
            f.start = num(o, "start");
            f.end = num(o, "end");
            f.byte_start = byte_of(f.start);
            f.byte_end = byte_of(f.end);
            f.masked = at(o, "masked").as_bool();
            f.spoken = at(o, "spoken").as_bool();
            if (auto* x = o.if_contains("last4")) f.last4 = std::string(x->as_string());
            if (auto* x = o.if_contains("brand")) f.brand = std::string(x->as_string());
            a.pci.push_back(std::move(f));
        }
        return a;
    } catch (const Error&) {
        throw;
    } catch (const std::exception& e) {
        throw Error(ErrorCode::internal, std::string("a stored analysis cannot be read: ") + e.what());
    }
}

}  // namespace detail

}  // namespace switchboard
