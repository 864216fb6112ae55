// switchboard Python bindings: the text analysis engine (switchboard/text.hpp)
// as switchboard.analyze_text and switchboard.default_phrase_pools, and the
// organisations' phrase pools and text interactions
// (switchboard/interactions.hpp) on switchboard.Database.
//
// Results are the JSON of to_json(TextAnalysis) / to_json(Interaction) turned
// into dicts. The GIL is released while a text is analysed and while
// drain_interactions() waits.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <memory>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "py_database.hpp"
#include "switchboard/interactions.hpp"
#include "switchboard/speech.hpp"
#include "switchboard/text.hpp"

namespace switchboard::python {

namespace {

std::string type_name(py::handle value) { return py::str(py::type::of(value).attr("__name__")); }

// A str argument as UTF-8. Anything else, and a str that cannot be UTF-8
// (lone surrogates), is Error(invalid_argument) naming `field`.
std::string utf8_text(const py::object& value, const char* field) {
    if (!py::isinstance<py::str>(value))
        throw Error(ErrorCode::invalid_argument,
                    std::string(field) + " must be a str, got " + type_name(value), field);
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(value.ptr(), &size);
    if (data == nullptr) {
        PyErr_Clear();
        throw Error(ErrorCode::invalid_argument,
                    std::string("the ") + field + " is not valid UTF-8: it holds a lone surrogate", field);
    }
    return std::string(data, static_cast<std::size_t>(size));
}

// An optional label: None, or a str.
std::optional<std::string> optional_text(const py::object& value, const char* field) {
    if (value.is_none()) return std::nullopt;
    return utf8_text(value, field);
}

// An access token, or else a developer token (list_pools, text_report).
py::dict entry_dict(const PoolEntry& e) {
    py::dict d;
    d["pool"] = e.pool;
    d["text"] = e.text;
    d["regex"] = e.regex;
    d["built_in"] = e.built_in;
    return d;
}

}  // namespace

void bind_text(py::module_& m) {
    const TextOptions defaults;
    m.def(
        "analyze_text",
        [](const py::object& text, const std::optional<std::string>& speaker, bool promises, bool pci,
           bool mask_expiry, const std::optional<long long>& max_bytes) {
            TextOptions o;
            o.speaker = speaker;
            o.promises = promises;
            o.pci = pci;
            o.mask_expiry = mask_expiry;
            if (max_bytes) {
                if (*max_bytes < 1)
                    throw Error(ErrorCode::invalid_argument, "max_bytes must be 1 or more", "max_bytes");
                o.max_bytes = static_cast<std::size_t>(*max_bytes);
            }
            o.validate();
            const std::string input = utf8_text(text, "text");
            std::string json;
            {
                py::gil_scoped_release release;
                json = to_json(analyze_text(input, o));
            }
            return from_json(json);
        },
        py::arg("text"), py::kw_only(), py::arg("speaker") = py::none(), py::arg("promises") = defaults.promises,
        py::arg("pci") = defaults.pci, py::arg("mask_expiry") = defaults.mask_expiry,
        py::arg("max_bytes") = py::none(),
        "Analyses a text with the default phrase pools (no database): masks card data,\n"
        "then finds the pools' phrases and the promises in the redacted text. Returns\n"
        "{\"findings\", \"promises\", \"redacted_text\", \"pci\", \"truncated\"}; start and end\n"
        "count characters of redacted_text. speaker is copied to the promises; pci=False\n"
        "skips the card data. An expiry date next to a card number (within 60 bytes) is\n"
        "always masked; mask_expiry=True masks every other one too. max_bytes (default\n"
        "1 MiB) is the longest text accepted, in UTF-8 bytes. An empty or blank text is\n"
        "InvalidArgument, a longer one TooLarge, both with field \"text\". The GIL is\n"
        "released during the analysis.");

    m.def(
        "default_phrase_pools",
        [] {
            py::list out;
            for (const PhrasePool& p : default_phrase_pools()) {
                py::dict d;
                d["name"] = p.name;
                d["phrases"] = py::cast(p.phrases);
                d["regexes"] = py::cast(p.regexes);
                out.append(std::move(d));
            }
            return out;
        },
        "The built-in pools every organisation starts from: [{\"name\", \"phrases\", \"regexes\"}].");

    m.def(
        "analyze_spoken_call",
        [](const py::object& recording, const py::object& client, bool transcribe, const std::string& preset,
           int silence_min_ms, int interruption_min_ms, int hold_min_ms, double min_call_s, double max_call_s,
           const std::string& redaction, const py::object& redacted_wav) {
            auto fspath = py::module_::import("os").attr("fspath");
            SpokenCallOptions o;
            o.acoustic.silence_min_ms = silence_min_ms;
            o.acoustic.interruption_min_ms = interruption_min_ms;
            o.hold_min_ms = hold_min_ms;
            o.min_call_s = min_call_s;
            o.max_call_s = max_call_s;
            o.redaction = redaction;
            const std::string agent = fspath(recording).cast<std::string>();
            const std::string other = client.is_none() ? "" : fspath(client).cast<std::string>();
            const std::string out = redacted_wav.is_none() ? "" : fspath(redacted_wav).cast<std::string>();
            std::string json;
            {
                py::gil_scoped_release unlocked;
                auto stt = transcribe ? shared_pocketsphinx(preset) : nullptr;
                json = to_json(analyze_call_file(agent, other, stt.get(), default_text_analyzer(), o, out));
            }
            py::dict d = from_json(json);
            // The word times as NumPy arrays, beside the words.
            py::list words = d["words"];
            const auto n = static_cast<py::ssize_t>(words.size());
            py::array_t<double> start(n), end(n), confidence(n);
            py::array_t<std::int32_t> channel(n);
            for (py::ssize_t k = 0; k < n; ++k) {
                py::dict w = words[static_cast<std::size_t>(k)];
                start.mutable_at(k) = w["start"].cast<double>();
                end.mutable_at(k) = w["end"].cast<double>();
                confidence.mutable_at(k) = w["confidence"].cast<double>();
                channel.mutable_at(k) = w["channel"].cast<std::int32_t>();
            }
            d["word_start"] = start;
            d["word_end"] = end;
            d["word_confidence"] = confidence;
            d["word_channel"] = channel;
            return d;
        },
        py::arg("recording"), py::arg("client") = py::none(), py::kw_only(), py::arg("transcribe") = true,
        py::arg("preset") = "balanced", py::arg("silence_min_ms") = AnalysisOptions{}.silence_min_ms,
        py::arg("interruption_min_ms") = AnalysisOptions{}.interruption_min_ms,
        py::arg("hold_min_ms") = SpokenCallOptions{}.hold_min_ms, py::arg("min_call_s") = 0.0,
        py::arg("max_call_s") = 0.0, py::arg("redaction") = "silence", py::arg("redacted_wav") = py::none(),
        "Analyses a call recording with speech-to-text (PocketSphinx, Debian's en-us model),\n"
        "storing nothing: `recording` is a WAV path (mono, or stereo agent + client), `client`\n"
        "the client's mono WAV when the call is two files. Returns the call report (a dict:\n"
        "words, dialogue, events with speaker and times, stats, skipped, flags, redacted) with\n"
        "the word times as NumPy arrays: word_start, word_end, word_confidence (float64) and\n"
        "word_channel (int32). transcribe=False analyses acoustically only; redacted_wav\n"
        "writes the recording with card data covered (redaction \"silence\" or \"tone\").");
}

void bind_text_interactions(py::class_<PyDatabase>& cls) {
    cls
        // ------------------------------------------------------- phrase pools
        .def(
            "list_pools",
            [](PyDatabase& self, const std::string& token) {
                const std::vector<PoolEntry> entries = self.with_services(
                    [&](Services& s) { return s.pools().list(s.accounts.authenticate_any(token)); });
                py::list out;
                for (const PoolEntry& e : entries) out.append(entry_dict(e));
                return out;
            },
            py::arg("token"),
            "The organisation's phrase pools, one dict per entry: {\"pool\", \"text\", \"regex\",\n"
            "\"built_in\"}, pool by pool (the built-in pools first). Admins, supervisors and\n"
            "developer tokens.")
        .def(
            "add_phrase",
            [](PyDatabase& self, const std::string& token, const py::object& pool, const py::object& text,
               bool regex) {
                const std::string p = utf8_text(pool, "pool");
                const std::string t = utf8_text(text, regex ? "regex" : "phrase");
                const PoolEntry e =
                    self.serve(token, [&](Services& s, const Principal& who) { return s.pools().add(who, p, t, regex); });
                return entry_dict(e);
            },
            py::arg("token"), py::arg("pool"), py::arg("text"), py::arg("regex") = false,
            "Adds a phrase (or, with regex=True, a Hyperscan regular expression) to a pool,\n"
            "creating the pool when it is new. Admins only. A duplicate, a phrase without\n"
            "words or a regular expression Hyperscan cannot compile is InvalidArgument\n"
            "(field \"pool\", \"phrase\" or \"regex\"; Hyperscan's reason in the message).\n"
            "Returns the entry.")
        .def(
            "remove_phrase",
            [](PyDatabase& self, const std::string& token, const py::object& pool, const py::object& text) {
                const std::string p = utf8_text(pool, "pool");
                const std::string t = utf8_text(text, "phrase");
                self.serve(token, [&](Services& s, const Principal& who) { s.pools().remove(who, p, t); });
            },
            py::arg("token"), py::arg("pool"), py::arg("text"),
            "Removes an entry, built-in ones too (admins only); NotFound when the pool has\n"
            "no such entry.")
        .def(
            "reset_pools",
            [](PyDatabase& self, const std::string& token) {
                self.serve(token, [&](Services& s, const Principal& who) { s.pools().reset(who); });
            },
            py::arg("token"), "Puts the organisation's pools back to the built-in ones (admins only).")

        // ---------------------------------------------------- text interactions
        .def(
            "record_text",
            [](PyDatabase& self, const std::string& token, const py::object& text, const py::object& department,
               const py::object& agent_id, const py::object& client_id, const py::object& ticket_no) {
                TextInteractionFields f;
                f.text = utf8_text(text, "text");
                f.department = optional_text(department, "department");
                f.agent_id = optional_text(agent_id, "agent_id");
                f.client_id = optional_text(client_id, "client_id");
                f.ticket_no = optional_text(ticket_no, "ticket_no");
                const std::string json = self.with_services([&](Services& s) {
                    const Principal who = s.accounts.authenticate(token, TokenKind::dev);
                    return to_json(s.interactions().record_text(who, f));
                });
                return from_json(json);
            },
            py::arg("token"), py::arg("text"), py::kw_only(), py::arg("department") = py::none(),
            py::arg("agent_id") = py::none(), py::arg("client_id") = py::none(),
            py::arg("ticket_no") = py::none(),
            "Records a text interaction (OctaPy IO2) with a developer token (an access token\n"
            "is Unauthorized). The text is analysed in the background with the organisation's\n"
            "pools and only its redacted form is stored. Returns the interaction, \"pending\",\n"
            "with its \"ricket\" (e.g. \"2020120211197000019T\").")
        .def(
            "record_call",
            [](PyDatabase& self, const std::string& token, const py::object& first, const py::object& second,
               const py::object& department, const py::object& agent_id, const py::object& client_id,
               const py::object& ticket_no) {
                auto bytes = py::module_::import("builtins").attr("bytes");
                CallInteractionFields f;
                f.first_channel = bytes(first).cast<std::string>();
                if (!second.is_none()) f.second_channel = bytes(second).cast<std::string>();
                f.department = optional_text(department, "department");
                f.agent_id = optional_text(agent_id, "agent_id");
                f.client_id = optional_text(client_id, "client_id");
                f.ticket_no = optional_text(ticket_no, "ticket_no");
                const std::string json = self.with_services([&](Services& s) {
                    const Principal who = s.accounts.authenticate(token, TokenKind::dev);
                    return to_json(s.interactions().record_call(who, f));
                });
                return from_json(json);
            },
            py::arg("token"), py::arg("first_channel"), py::arg("second_channel") = py::none(), py::kw_only(),
            py::arg("department") = py::none(), py::arg("agent_id") = py::none(), py::arg("client_id") = py::none(),
            py::arg("ticket_no") = py::none(),
            "Records a call (OctaPy IO1) with a developer token: first_channel is the WAV's\n"
            "bytes (mono, or stereo agent + client), second_channel the client's mono WAV or\n"
            "None. Refused at once (InvalidArgument, \"binary needs to be in .WAV format: ...\",\n"
            "field \"first_channel\"/\"second_channel\"; TooLarge over max_call_seconds) with\n"
            "nothing stored. Returns the interaction, \"pending\", kind \"C\"; text_report(ricket)\n"
            "gives its \"call\" report once ready (speech-to-text with the Database's stt).")
        .def(
            "analyse_call_recording",
            [](PyDatabase& self, const std::string& token, std::int64_t call_id) {
                const std::string json = self.with_services([&](Services& s) {
                    Principal who = s.accounts.authenticate(token);
                    return to_json(s.interactions().analyse_call_recording(who, call_id));
                });
                return from_json(json);
            },
            py::arg("token"), py::arg("call_id"),
            "Runs a call's recording (Database.attach_recording) through the call pipeline\n"
            "(admins and supervisors). Returns the interaction, \"pending\", kind \"C\"; the call\n"
            "and its QA scorecards show its Ricket (\"ricket\", \"call_ricket\").")
        .def(
            "text_report",
            [](PyDatabase& self, const std::string& token, const py::object& ricket) {
                const std::string r = utf8_text(ricket, "ricket");
                const std::string json = self.with_services([&](Services& s) {
                    return to_json(s.interactions().report(s.accounts.authenticate_any(token), r));
                });
                return from_json(json);
            },
            py::arg("token"), py::arg("ricket"),
            "The interaction named by a Ricket (OctaPy IO3): status \"pending\", \"ready\" (with\n"
            "\"analysis\") or \"failed\" (with \"error\"). Developer tokens, admins and supervisors;\n"
            "NotFound (field \"ricket\") for an unknown Ricket or one of another organisation.")
        .def(
            "drain_interactions",
            [](PyDatabase& self, double timeout_s) {
                return self.with_services([&](Services& s) {
                    return s.jobs().drain(std::chrono::milliseconds(static_cast<std::int64_t>(timeout_s * 1000)));
                });
            },
            py::arg("timeout_s") = 60.0,
            "Waits (without the GIL) until no job is queued or running (every text recorded\n"
            "so far analysed); True then, False when timeout_s passed first.");
}

}  // namespace switchboard::python
