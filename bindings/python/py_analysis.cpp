// switchboard Python bindings: the audio analysis engine
// (switchboard/analysis.hpp) as switchboard.analyze_call,
// switchboard.StreamingAnalyzer and the result type switchboard.CallAnalysis.
//
// Audio arrays are read in place: a NumPy array must already be int16 or
// float32 and C-contiguous (anything else is refused with the conversion to
// make, never copied behind the caller's back). The GIL is released while
// the engine runs, once the arguments are C++ values.
#include <pybind11/eval.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "py_common.hpp"
#include "switchboard/analysis.hpp"
#include "switchboard/error.hpp"

namespace switchboard::python {

namespace {

// ------------------------------------------------------------------ options

using RealOption = double AnalysisOptions::*;
using IntOption = int AnalysisOptions::*;
using FlagOption = bool AnalysisOptions::*;
using OptionalRealOption = std::optional<double> AnalysisOptions::*;

struct OptionSpec {
    const char* name;
    std::variant<RealOption, IntOption, FlagOption, OptionalRealOption> member;
};

// Every field of AnalysisOptions, by its C++ name.
const OptionSpec kOptions[] = {
    {"silence_relative_db", &AnalysisOptions::silence_relative_db},
    {"silence_floor_dbfs", &AnalysisOptions::silence_floor_dbfs},
    {"silence_threshold_dbfs", &AnalysisOptions::silence_threshold_dbfs},
    {"silence_min_ms", &AnalysisOptions::silence_min_ms},
    {"voice", &AnalysisOptions::voice},
    {"pitch_min_hz", &AnalysisOptions::pitch_min_hz},
    {"pitch_max_hz", &AnalysisOptions::pitch_max_hz},
    {"voicing_threshold", &AnalysisOptions::voicing_threshold},
    {"speech_min_voiced_ms", &AnalysisOptions::speech_min_voiced_ms},
    {"speech_hangover_ms", &AnalysisOptions::speech_hangover_ms},
    {"speech_gap_ms", &AnalysisOptions::speech_gap_ms},
    {"noise_min_ms", &AnalysisOptions::noise_min_ms},
    {"interruption_min_ms", &AnalysisOptions::interruption_min_ms},
    {"escalation_pitch_ratio", &AnalysisOptions::escalation_pitch_ratio},
    {"escalation_level_db", &AnalysisOptions::escalation_level_db},
    {"escalation_min_ms", &AnalysisOptions::escalation_min_ms},
    {"escalation_gap_ms", &AnalysisOptions::escalation_gap_ms},
    {"max_duration_s", &AnalysisOptions::max_duration_s},
};

std::string type_name(py::handle value) { return py::str(py::type::of(value).attr("__name__")); }

[[noreturn]] void wrong_type(const std::string& name, const char* expected, py::handle value) {
    throw Error(ErrorCode::invalid_argument,
                "option " + name + " must be " + expected + ", got " + type_name(value), name);
}

double real_value(const std::string& name, py::handle value) {
    // bool is an int in Python, but never a sensible level or ratio
    if (PyBool_Check(value.ptr()) || py::isinstance<py::str>(value) || py::isinstance<py::bytes>(value) ||
        !py::hasattr(value, "__float__"))
        wrong_type(name, "a number", value);
    return py::float_(py::reinterpret_borrow<py::object>(value)).cast<double>();
}

int int_value(const std::string& name, py::handle value) {
    if (PyBool_Check(value.ptr()) || !PyIndex_Check(value.ptr())) wrong_type(name, "an int", value);
    const auto v = py::int_(py::reinterpret_borrow<py::object>(value)).cast<long long>();
    if (v < INT_MIN || v > INT_MAX)
        throw Error(ErrorCode::invalid_argument, "option " + name + " is out of range: " + std::to_string(v), name);
    return static_cast<int>(v);
}

// AnalysisOptions from keyword arguments named as the C++ fields. An unknown
// name or a value of the wrong type is InvalidArgument naming it; ranges are
// checked by the engine (AnalysisOptions::validate).
AnalysisOptions analysis_options(const py::kwargs& kwargs) {
    AnalysisOptions o;
    for (auto item : kwargs) {
        const std::string name = py::str(item.first);
        const OptionSpec* spec = nullptr;
        for (const auto& s : kOptions)
            if (name == s.name) spec = &s;
        if (spec == nullptr) {
            std::string known;
            for (const auto& s : kOptions) known += std::string(known.empty() ? "" : ", ") + s.name;
            throw Error(ErrorCode::invalid_argument,
                        "unknown option \"" + name + "\" (the options are " + known + ")", name);
        }
        py::handle value = item.second;
        std::visit(
            [&](auto member) {
                using M = decltype(member);
                if constexpr (std::is_same_v<M, RealOption>) {
                    o.*member = real_value(name, value);
                } else if constexpr (std::is_same_v<M, IntOption>) {
                    o.*member = int_value(name, value);
                } else if constexpr (std::is_same_v<M, FlagOption>) {
                    if (!PyBool_Check(value.ptr())) wrong_type(name, "a bool", value);
                    o.*member = value.ptr() == Py_True;
                } else {
                    if (value.is_none())
                        o.*member = std::nullopt;
                    else
                        o.*member = real_value(name, value);
                }
            },
            spec->member);
    }
    return o;
}

// ------------------------------------------------------------------ samples

// An int16 or float32 NumPy array, checked and kept alive; read in place.
struct Samples {
    py::array array;
    bool is_float = false;
    int ndim = 0;
    std::size_t rows = 0;   // shape[0]
    std::size_t cols = 1;   // shape[1] for 2-D arrays

    std::span<const std::int16_t> int16() const {
        return {static_cast<const std::int16_t*>(array.data()), static_cast<std::size_t>(array.size())};
    }
    std::span<const float> float32() const {
        return {static_cast<const float*>(array.data()), static_cast<std::size_t>(array.size())};
    }
};

bool is_array(py::handle value) { return py::isinstance<py::array>(value); }

Samples samples_of(py::handle value, const char* field) {
    const std::string f(field);
    if (!is_array(value))
        throw Error(ErrorCode::invalid_argument,
                    f + " must be a NumPy array of int16 or float32 samples, got " + type_name(value), f);
    Samples s;
    s.array = py::reinterpret_borrow<py::array>(value);
    if (py::isinstance<py::array_t<std::int16_t>>(value)) {
        s.is_float = false;
    } else if (py::isinstance<py::array_t<float>>(value)) {
        s.is_float = true;
    } else {
        throw Error(ErrorCode::invalid_argument,
                    f + " array must hold int16 or float32 samples, got " +
                        std::string(py::str(s.array.dtype())) +
                        "; convert it first, e.g. a.astype(numpy.float32) (samples are not copied implicitly)",
                    f);
    }
    const bool contiguous = s.is_float ? py::isinstance<py::array_t<float, py::array::c_style>>(value)
                                       : py::isinstance<py::array_t<std::int16_t, py::array::c_style>>(value);
    if (!contiguous)
        throw Error(ErrorCode::invalid_argument,
                    f + " array must be C-contiguous (a strided slice, a column or a transposed array is not); "
                        "pass numpy.ascontiguousarray(a) (samples are not copied implicitly)",
                    f);
    s.ndim = static_cast<int>(s.array.ndim());
    if (s.ndim != 1 && s.ndim != 2)
        throw Error(ErrorCode::invalid_argument,
                    f + " array must have shape (n,) or (n, channels), got " + std::to_string(s.ndim) +
                        " dimensions",
                    f);
    s.rows = static_cast<std::size_t>(s.array.shape(0));
    if (s.ndim == 2) s.cols = static_cast<std::size_t>(s.array.shape(1));
    return s;
}

// The channel count of interleaved samples: the second dimension of a 2-D
// array, else `channels` (default 1). A contradiction is an error.
int channels_of(const Samples& s, const std::optional<int>& channels) {
    if (s.ndim == 2) {
        // the engine refuses any count but 1 or 2, naming it
        const int c = static_cast<int>(std::min<std::size_t>(s.cols, INT_MAX));
        if (channels && *channels != c)
            throw Error(ErrorCode::invalid_argument,
                        "channels=" + std::to_string(*channels) + " contradicts the array's shape (n, " +
                            std::to_string(c) + ")",
                        "channels");
        return c;
    }
    return channels.value_or(1);
}

// ------------------------------------------------------------------ results

// switchboard.CallAnalysis: a dict (the JSON shape of to_json(CallAnalysis))
// with a to_json() method. Made at import, kept for the life of the process.
PyObject* g_result_type = nullptr;

constexpr const char* kResultTypeSource = R"(
import json as _json

class CallAnalysis(dict):
    """The result of analysing a call: a dict with the keys of the library's JSON
    (duration, sample_rate, analysis_rate, channels, interruptions, stats,
    skipped); times in seconds from the start of the call.

    channels: [{"label": "agent" | "client" | "mono", "sample_rate",
    "speech", "silences", "noise": [{"start", "end"}], "escalations":
    [{"start", "end", "pitch_ratio", "level_db"}], "median_pitch_hz",
    "stats": {...}}]; interruptions: [{"start", "end", "interrupter"}];
    skipped: [{"detector", "reason"}]. See docs/analysis.md.
    """

    __slots__ = ()

    def to_json(self) -> str:
        """The result as compact JSON text (the same document as the C API's
        sb_analysis_json and the command-line tool's --json)."""
        return _json.dumps(self, separators=(",", ":"), allow_nan=False)
)";

py::object make_result(const std::string& json_text) {
    return py::reinterpret_borrow<py::object>(g_result_type)(from_json(json_text));
}

py::object events_list(const std::vector<AnalysisEvent>& events) {
    std::string text = "[";
    for (std::size_t i = 0; i < events.size(); ++i) {
        if (i) text += ',';
        text += to_json(events[i]);
    }
    text += ']';
    return from_json(text);
}

// A path from str, bytes-free os.PathLike; nullopt for anything else.
std::optional<std::string> path_of(py::handle value) {
    if (py::isinstance<py::str>(value)) return value.cast<std::string>();
    if (!py::isinstance<py::bytes>(value) && !is_array(value) && py::hasattr(value, "__fspath__")) {
        auto os = py::module_::import("os");
        return os.attr("fsdecode")(os.attr("fspath")(value)).cast<std::string>();
    }
    return std::nullopt;
}

// A contiguous read-only view of bytes, bytearray or memoryview, released
// (with the GIL held) when it goes out of scope.
class ByteView {
public:
    explicit ByteView(py::handle value) {
        if (PyObject_GetBuffer(value.ptr(), &view_, PyBUF_SIMPLE) != 0) {
            PyErr_Clear();
            throw Error(ErrorCode::invalid_argument,
                        "source must be a contiguous bytes-like object holding a WAV file", "source");
        }
    }
    ~ByteView() { PyBuffer_Release(&view_); }
    ByteView(const ByteView&) = delete;
    ByteView& operator=(const ByteView&) = delete;
    std::span<const std::byte> bytes() const {
        return {static_cast<const std::byte*>(view_.buf), static_cast<std::size_t>(view_.len)};
    }

private:
    Py_buffer view_{};
};

[[noreturn]] void refuse_for_wav(const char* name) {
    throw Error(ErrorCode::invalid_argument,
                std::string(name) + " applies to NumPy arrays only: a WAV file carries its own", name);
}

py::object analyze_call(const py::object& source, const py::object& client, const std::optional<int>& sample_rate,
                        const std::optional<int>& channels, const py::kwargs& kwargs) {
    const AnalysisOptions options = analysis_options(kwargs);
    std::string text;

    if (!client.is_none()) {
        const auto agent_path = path_of(source);
        const auto client_path = path_of(client);
        if (!client_path)
            throw Error(ErrorCode::invalid_argument,
                        "client must be the path of the client's mono WAV file, got " + type_name(client), "client");
        if (!agent_path)
            throw Error(ErrorCode::invalid_argument,
                        "with client=, source must be the path of the agent's mono WAV file, got " +
                            type_name(source),
                        "source");
        if (sample_rate) refuse_for_wav("sample_rate");
        if (channels) refuse_for_wav("channels");
        py::gil_scoped_release release;
        text = to_json(analyze_files(*agent_path, *client_path, options));
    } else if (auto path = path_of(source)) {
        if (sample_rate) refuse_for_wav("sample_rate");
        if (channels) refuse_for_wav("channels");
        py::gil_scoped_release release;
        text = to_json(analyze_file(*path, options));
    } else if (is_array(source)) {
        const Samples s = samples_of(source, "source");
        if (!sample_rate)
            throw Error(ErrorCode::invalid_argument, "sample_rate is required with a NumPy array", "sample_rate");
        const int n_channels = channels_of(s, channels);
        const int rate = *sample_rate;
        py::gil_scoped_release release;
        text = to_json(s.is_float ? analyze_samples(s.float32(), rate, n_channels, options)
                                  : analyze_samples(s.int16(), rate, n_channels, options));
    } else if (PyObject_CheckBuffer(source.ptr())) {
        if (sample_rate) refuse_for_wav("sample_rate");
        if (channels) refuse_for_wav("channels");
        const ByteView view(source);
        py::gil_scoped_release release;
        text = to_json(analyze_wav(view.bytes(), options));
    } else {
        throw Error(ErrorCode::invalid_argument,
                    "source must be a path (str or os.PathLike), bytes holding a WAV file, or a NumPy array of "
                    "int16 or float32 samples; got " +
                        type_name(source),
                    "source");
    }
    return make_result(text);
}

// ------------------------------------------------------------------ streaming

// switchboard.StreamingAnalyzer. The engine runs without the GIL; the mutex
// keeps two Python threads from feeding one analyzer at once.
class PyStreamingAnalyzer {
public:
    PyStreamingAnalyzer(StreamingAnalyzer analyzer, int channels)
        : analyzer_(std::move(analyzer)), channels_(channels) {}

    // Runs fn(analyzer) without the GIL, one thread at a time.
    template <class F>
    auto run(F&& fn) -> decltype(fn(std::declval<StreamingAnalyzer&>())) {
        py::gil_scoped_release release;
        std::lock_guard lock(mu_);
        return fn(analyzer_);
    }

    void push(const py::object& value) {
        const Samples s = samples_of(value, "samples");
        if (channels_ == 0)
            throw Error(ErrorCode::invalid_argument,
                        "an analyzer of two mono streams takes push_channel(channel, samples), not push()",
                        "samples");
        if (s.ndim == 2 && static_cast<int>(s.cols) != channels_)
            throw Error(ErrorCode::invalid_argument,
                        "samples of shape (n, " + std::to_string(s.cols) + ") do not fit a stream of " +
                            std::to_string(channels_) + " channel(s)",
                        "samples");
        run([&](StreamingAnalyzer& a) {
            if (s.is_float)
                a.push(s.float32());
            else
                a.push(s.int16());
        });
    }

    void push_channel(int channel, const py::object& value) {
        const Samples s = samples_of(value, "samples");
        if (s.ndim != 1)
            throw Error(ErrorCode::invalid_argument, "push_channel takes a 1-D array of one channel's samples",
                        "samples");
        run([&](StreamingAnalyzer& a) {
            if (s.is_float)
                a.push_channel(channel, s.float32());
            else
                a.push_channel(channel, s.int16());
        });
    }

    py::object take_events() {
        std::vector<AnalysisEvent> events = run([](StreamingAnalyzer& a) { return a.take_events(); });
        return events_list(events);
    }

    double analysed_seconds() {
        return run([](StreamingAnalyzer& a) { return a.analysed_seconds(); });
    }

    py::object finish() {
        std::string text = run([](StreamingAnalyzer& a) { return to_json(a.finish()); });
        return make_result(text);
    }

    int channels() const noexcept { return channels_; }

private:
    std::mutex mu_;
    StreamingAnalyzer analyzer_;
    int channels_;  // of an interleaved stream; 0 for two mono streams
};

}  // namespace

void bind_analysis(py::module_& m) {
    {
        py::dict scope;
        scope["__builtins__"] = py::module_::import("builtins");
        scope["__name__"] = "switchboard";
        py::exec(kResultTypeSource, scope);
        py::object type = scope["CallAnalysis"];
        g_result_type = type.inc_ref().ptr();
        m.attr("CallAnalysis") = type;
    }

    m.def("analyze_call", &analyze_call, py::arg("source"), py::kw_only(), py::arg("client") = py::none(),
          py::arg("sample_rate") = py::none(), py::arg("channels") = py::none(),
          "Analyses a call recording and returns a CallAnalysis (a dict; see its help).\n\n"
          "source is one of:\n"
          "  - a path (str or os.PathLike) of a WAV file: mono, or stereo with the agent\n"
          "    on channel 1 and the client on channel 2; with client= (the client's\n"
          "    path), the agent's mono file of a call recorded as two files;\n"
          "  - bytes (or bytearray, memoryview) holding a WAV file;\n"
          "  - a NumPy array of int16 (full scale 32768) or float32 (full scale 1.0)\n"
          "    samples, C-contiguous, read in place: shape (n,) for mono, or (n, 2)\n"
          "    with the agent in column 0 and the client in column 1 (or (2n,)\n"
          "    interleaved with channels=2); sample_rate (8000-48000 Hz) is required.\n\n"
          "Options are keywords named as the fields of switchboard::AnalysisOptions\n"
          "(silence_min_ms=..., interruption_min_ms=..., voice=False ...; see\n"
          "docs/analysis.md); an unknown one is InvalidArgument naming it. Bad input\n"
          "raises InvalidArgument (\"binary needs to be in .WAV format: <reason>\" for\n"
          "anything that is not a readable WAV), NotFound for a missing file and\n"
          "TooLarge over max_duration_s. The GIL is released while the engine runs.");

    py::class_<PyStreamingAnalyzer>(
        m, "StreamingAnalyzer",
        "Analyses a call as it arrives: push() chunks of samples, take_events() for what\n"
        "became certain (a silence when it ends, an interruption once it has lasted\n"
        "interruption_min_ms ...), finish() for the CallAnalysis. The same audio gives\n"
        "the same silences, speech, noise and interruptions as analyze_call, however it\n"
        "is chunked; escalation events are judged against the medians so far.\n\n"
        "StreamingAnalyzer(sample_rate, channels=1, **options) takes interleaved samples\n"
        "(1 channel, or 2: agent, client); StreamingAnalyzer.two_mono(agent_rate,\n"
        "client_rate, **options) takes each party through push_channel(). Options as\n"
        "for analyze_call. Arrays as for analyze_call: int16 or float32, C-contiguous.")
        .def(py::init([](int sample_rate, int channels, const py::kwargs& kwargs) {
                 const AnalysisOptions o = analysis_options(kwargs);
                 return std::make_unique<PyStreamingAnalyzer>(StreamingAnalyzer(sample_rate, channels, o), channels);
             }),
             py::arg("sample_rate"), py::arg("channels") = 1)
        .def_static(
            "two_mono",
            [](int agent_rate, int client_rate, const py::kwargs& kwargs) {
                const AnalysisOptions o = analysis_options(kwargs);
                return std::make_unique<PyStreamingAnalyzer>(StreamingAnalyzer::two_mono(agent_rate, client_rate, o),
                                                             0);
            },
            py::arg("agent_rate"), py::arg("client_rate"),
            "An analyzer of a call recorded as two mono streams (agent, client), each at\n"
            "its own rate, fed with push_channel().")
        .def("push", &PyStreamingAnalyzer::push, py::arg("samples"),
             "Adds interleaved samples: shape (n,) for mono (or (2n,) interleaved), or\n"
             "(n, channels). TooLarge once the stream passes max_duration_s;\n"
             "InvalidArgument after finish().")
        .def("push_channel", &PyStreamingAnalyzer::push_channel, py::arg("channel"), py::arg("samples"),
             "Adds a 1-D array of one channel's samples (0: agent or mono, 1: client).")
        .def("take_events", &PyStreamingAnalyzer::take_events,
             "The events that became certain since the last call, in the order found:\n"
             "[{\"kind\": \"speech\" | \"silence\" | \"noise\" | \"interruption\" | \"escalation\",\n"
             "\"channel\", \"start\", \"end\", \"open\"} ...]; escalations add \"pitch_ratio\" and\n"
             "\"level_db\". An interruption comes twice: open (end = now) once it has lasted\n"
             "interruption_min_ms, then closed; its channel is the interrupter.")
        .def_property_readonly("analysed_seconds", &PyStreamingAnalyzer::analysed_seconds,
                               "Seconds of audio the decisions have reached (the channel furthest behind).")
        .def_property_readonly("channels", &PyStreamingAnalyzer::channels,
                               "1 or 2 for an interleaved stream, 0 for two mono streams.")
        .def("finish", &PyStreamingAnalyzer::finish,
             "Ends the stream and returns the CallAnalysis. The analyzer is spent afterwards;\n"
             "events found while finishing remain for take_events().");
}

}  // namespace switchboard::python
