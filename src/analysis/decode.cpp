// WAV input: the header check that tells a person why a file is refused,
// and block-wise decoding with libsndfile into the streaming analyzer.
#include <sndfile.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "analysis/engine.hpp"
#include "switchboard/error.hpp"

namespace switchboard {

using namespace analysis;

namespace {

constexpr const char* kNotWav = "binary needs to be in .WAV format: ";

// Every text a message quotes from outside (a chunk id, a file name,
// libsndfile's words) goes through printable_text, so each layer gets a
// whole, printable, valid UTF-8 message: a chunk id of "\xff\0ab" is
// quoted '\xff\x00ab', a file name keeps its UTF-8 and loses its control
// bytes.

[[noreturn]] void not_wav(const std::string& why, const std::string& field) {
    throw Error(ErrorCode::invalid_argument, kNotWav + why, field);
}

std::uint32_t le32(const unsigned char* p) {
    return std::uint32_t(p[0]) | std::uint32_t(p[1]) << 8 | std::uint32_t(p[2]) << 16 | std::uint32_t(p[3]) << 24;
}

// Reads up to n bytes at an offset; returns how many it read.
using ReadAt = std::function<std::size_t(std::uint64_t offset, void* out, std::size_t n)>;

// The RIFF/WAVE container: the magic, then every chunk header up to the
// data chunk, each inside the file. libsndfile quietly reads a truncated
// data chunk; a recording cut short is refused here instead.
void check_riff(const ReadAt& read, std::uint64_t size, const std::string& field) {
    if (size == 0) not_wav("the file is empty", field);
    unsigned char head[12];
    if (size < 12 || read(0, head, 12) != 12) not_wav("the file is too short to hold a WAV header", field);
    bool riff = std::memcmp(head, "RIFF", 4) == 0, rf64 = std::memcmp(head, "RF64", 4) == 0;
    if (!(riff || rf64) || std::memcmp(head + 8, "WAVE", 4) != 0)
        not_wav("it does not start with a RIFF/WAVE header", field);
    if (rf64) return;  // sizes live in the ds64 chunk; libsndfile checks them
    std::uint64_t at = 12;
    bool fmt = false;
    while (at + 8 <= size) {
        unsigned char ch[8];
        if (read(at, ch, 8) != 8) break;
        std::uint32_t len = le32(ch + 4);
        std::uint64_t body = at + 8;
        if (std::memcmp(ch, "fmt ", 4) == 0) fmt = true;
        if (std::memcmp(ch, "data", 4) == 0) {
            if (!fmt) not_wav("the data chunk comes before the fmt chunk", field);
            if (len != 0xFFFFFFFFu && body + len > size)
                not_wav("the file is truncated: the data chunk declares " + std::to_string(len) + " bytes and " +
                            std::to_string(size - body) + " are present",
                        field);
            return;
        }
        if (body + len > size)
            not_wav("the file is truncated inside its '" +
                        printable_text(std::string_view(reinterpret_cast<const char*>(ch), 4), false) + "' chunk",
                    field);
        at = body + len + (len & 1);
    }
    not_wav(fmt ? "it has no data chunk" : "it has no fmt chunk", field);
}

struct SfCloser {
    void operator()(SNDFILE* f) const { sf_close(f); }
};
using SfFile = std::unique_ptr<SNDFILE, SfCloser>;

// A WAV held in memory, for libsndfile's virtual I/O.
struct Memory {
    std::span<const std::byte> data;
    sf_count_t pos = 0;
};

sf_count_t mem_len(void* u) { return static_cast<sf_count_t>(static_cast<Memory*>(u)->data.size()); }
sf_count_t mem_seek(sf_count_t off, int whence, void* u) {
    auto* m = static_cast<Memory*>(u);
    sf_count_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? m->pos : mem_len(u);
    m->pos = std::clamp<sf_count_t>(base + off, 0, mem_len(u));
    return m->pos;
}
sf_count_t mem_read(void* out, sf_count_t n, void* u) {
    auto* m = static_cast<Memory*>(u);
    sf_count_t k = std::min(n, mem_len(u) - m->pos);
    std::memcpy(out, m->data.data() + m->pos, static_cast<std::size_t>(k));
    m->pos += k;
    return k;
}
sf_count_t mem_write(const void*, sf_count_t, void*) { return 0; }
sf_count_t mem_tell(void* u) { return static_cast<Memory*>(u)->pos; }

struct Opened {
    std::unique_ptr<Memory> memory;  // what a WAV held in memory is read from
    SfFile file;
    SF_INFO info{};
};

// Checks what the header says before any sample is decoded.
void check_info(const SF_INFO& info, const AnalysisOptions& o, const std::string& field, int max_channels) {
    int major = info.format & SF_FORMAT_TYPEMASK;
    if (major != SF_FORMAT_WAV && major != SF_FORMAT_WAVEX && major != SF_FORMAT_RF64)
        not_wav("libsndfile reads it as another container", field);
    if (info.channels > max_channels) {
        if (max_channels == 1)
            throw Error(ErrorCode::invalid_argument,
                        "the " + field + " file has " + std::to_string(info.channels) +
                            " channels; a call recorded as two files needs one mono file per party",
                        field);
        throw_channels(info.channels, field);
    }
    if (info.samplerate < 8000 || info.samplerate > 48000) throw_rate(info.samplerate, field);
    if (info.frames <= 0) throw Error(ErrorCode::invalid_argument, "the recording has no samples", field);
    if (double(info.frames) / info.samplerate > o.max_duration_s)
        throw Error(ErrorCode::too_large,
                    "the recording lasts " + std::to_string(double(info.frames) / info.samplerate) +
                        " s, over the limit of " + std::to_string(o.max_duration_s) + " s (max_duration_s)",
                    field);
}

Opened open_path(const std::string& path, const AnalysisOptions& o, const std::string& field, int max_channels) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw Error(ErrorCode::not_found, "no such file: " + printable_text(path), field);
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(ErrorCode::storage, "cannot read " + printable_text(path), field);
    std::uint64_t size = std::filesystem::file_size(path, ec);
    check_riff(
        [&](std::uint64_t off, void* out, std::size_t n) {
            in.clear();
            in.seekg(static_cast<std::streamoff>(off));
            in.read(static_cast<char*>(out), static_cast<std::streamsize>(n));
            return static_cast<std::size_t>(in.gcount());
        },
        size, field);
    Opened f;
    f.file.reset(sf_open(path.c_str(), SFM_READ, &f.info));
    if (!f.file) not_wav(printable_text(sf_strerror(nullptr)), field);
    check_info(f.info, o, field, max_channels);
    return f;
}

Opened open_memory(std::span<const std::byte> wav, const AnalysisOptions& o, const std::string& field,
                   int max_channels) {
    check_riff(
        [&](std::uint64_t off, void* out, std::size_t n) {
            if (off >= wav.size()) return std::size_t{0};
            std::size_t k = std::min<std::size_t>(n, wav.size() - off);
            std::memcpy(out, wav.data() + off, k);
            return k;
        },
        wav.size(), field);
    Opened f;
    f.memory = std::make_unique<Memory>(Memory{wav, 0});
    SF_VIRTUAL_IO io{mem_len, mem_seek, mem_read, mem_write, mem_tell};
    f.file.reset(sf_open_virtual(&io, SFM_READ, &f.info, f.memory.get()));
    if (!f.file) not_wav(printable_text(sf_strerror(nullptr)), field);
    check_info(f.info, o, field, max_channels);
    return f;
}

// Every sample of an opened file, interleaved.
Decoded read_all(Opened& f, const std::string& field) {
    Decoded d;
    d.rate = f.info.samplerate;
    d.channels = f.info.channels;
    d.interleaved.resize(static_cast<std::size_t>(f.info.frames) * static_cast<std::size_t>(f.info.channels));
    const sf_count_t got = sf_readf_float(f.file.get(), d.interleaved.data(), f.info.frames);
    if (sf_error(f.file.get())) not_wav("decoding failed: " + printable_text(sf_strerror(f.file.get())), field);
    d.interleaved.resize(static_cast<std::size_t>(std::max<sf_count_t>(got, 0)) * static_cast<std::size_t>(d.channels));
    return d;
}

// Decodes the whole file into the analyzer, a block at a time.
void pump(SNDFILE* f, const SF_INFO& info, StreamingAnalyzer& s, const std::string& field) {
    std::vector<float> block(8192 * static_cast<std::size_t>(info.channels));
    for (;;) {
        sf_count_t got = sf_readf_float(f, block.data(), 8192);
        if (got <= 0) break;
        s.push(std::span<const float>(block.data(), static_cast<std::size_t>(got) * info.channels));
        s.take_events();  // a batch run keeps only the result
    }
    if (sf_error(f)) not_wav("decoding failed: " + printable_text(sf_strerror(f)), field);
}

}  // namespace

namespace analysis {

Decoded decode_all(const std::string& path, double max_duration_s, const std::string& field, int max_channels) {
    AnalysisOptions o;
    o.max_duration_s = max_duration_s;
    o.validate();
    Opened f = open_path(path, o, field, max_channels);
    return read_all(f, field);
}

Decoded decode_all(std::span<const std::byte> wav, double max_duration_s, const std::string& field,
                   int max_channels) {
    AnalysisOptions o;
    o.max_duration_s = max_duration_s;
    o.validate();
    Opened f = open_memory(wav, o, field, max_channels);
    return read_all(f, field);
}

}  // namespace analysis

CallAnalysis analyze_file(const std::string& path, const AnalysisOptions& options) {
    options.validate();
    Opened f = open_path(path, options, "file", 2);
    StreamingAnalyzer s(f.info.samplerate, f.info.channels, options);
    pump(f.file.get(), f.info, s, "file");
    return s.finish();
}

CallAnalysis analyze_wav(std::span<const std::byte> wav, const AnalysisOptions& options) {
    options.validate();
    Opened f = open_memory(wav, options, "file", 2);
    StreamingAnalyzer s(f.info.samplerate, f.info.channels, options);
    pump(f.file.get(), f.info, s, "file");
    return s.finish();
}

CallAnalysis analyze_files(const std::string& agent_path, const std::string& client_path,
                           const AnalysisOptions& options) {
    options.validate();
    Opened f[2] = {open_path(agent_path, options, "agent", 1), open_path(client_path, options, "client", 1)};
    StreamingAnalyzer s = StreamingAnalyzer::two_mono(f[0].info.samplerate, f[1].info.samplerate, options);
    // Both files advance together, half a second at a time, so the
    // interruption detector never waits on a long stretch of one channel.
    std::vector<float> block;
    bool more[2] = {true, true};
    while (more[0] || more[1]) {
        for (int c = 0; c < 2; ++c) {
            if (!more[c]) continue;
            sf_count_t want = f[c].info.samplerate / 2;
            block.resize(static_cast<std::size_t>(want));
            sf_count_t got = sf_readf_float(f[c].file.get(), block.data(), want);
            if (got > 0) s.push_channel(c, std::span<const float>(block.data(), static_cast<std::size_t>(got)));
            if (got < want) {
                more[c] = false;
                if (sf_error(f[c].file.get()))
                    not_wav("decoding failed: " + printable_text(sf_strerror(f[c].file.get())),
                            c ? "client" : "agent");
            }
        }
        s.take_events();
    }
    return s.finish();
}

}  // namespace switchboard
