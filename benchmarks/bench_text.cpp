// Speed of the text analysis engine on one core, over a corpus of support
// conversations generated from a fixed seed (about 128 MB by default):
//   - compiling the default pools (goal: under 100 ms) and a stress set of
//     5,000 phrases;
//   - scanning the corpus with every default pool and with the stress set,
//     as one block and conversation by conversation (goal: 1 GB/s or more);
//   - the whole of analyze_text (PCI, pools, promises), conversation by
//     conversation;
//   - the same matching with std::regex (one case-insensitive alternation
//     of every phrase's expression) on a slice of the corpus, extrapolated,
//     and with Python's re (benchmarks/peers_text.py) on a larger slice;
//   - each phrase as its own Hyperscan regular expression, the design the
//     literal-plus-check matcher replaces.
// Prints one table: measure, switchboard, peer, ratio, goal.
//
//   build/benchmarks/bench_text [--mb N] [--stress N] [--no-peers] [--save FILE]
//
// --save FILE writes the corpus to FILE, the stress set to FILE.phrases
// (one phrase a line), and stops.
// std::regex refuses an alternation of thousands of phrases under its
// default NFA state limit (100,000); raise it so the stress set compiles.
#define _GLIBCXX_REGEX_STATE_LIMIT 20000000

#include <hs/hs.h>

#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "bench_text_reference.hpp"
#include "switchboard/text.hpp"

#ifndef SB_PEERS_SCRIPT
#define SB_PEERS_SCRIPT "peers_text.py"
#endif

namespace sb = switchboard;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

double thread_cpu() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// The core's clock in GHz, about: a chain of dependent adds runs one a
// cycle. The machines change speed from one minute to the next, so the
// scans are also given in bytes a cycle, read with the clock beside them.
double core_ghz() {
    constexpr std::uint64_t kAdds = 100'000'000;
    std::uint64_t x = 0;
    double c0 = thread_cpu();
    for (std::uint64_t i = 0; i < kAdds; ++i) {
        x += 1;
        asm volatile("" : "+r"(x));
    }
    return static_cast<double>(x) / (thread_cpu() - c0) / 1e9;
}

// The best of `reps` runs: CPU time of this thread, and wall time. The
// machines are shared, so the figures are judged on CPU time; wall time is
// printed beside them.
struct Timing {
    double cpu = 1e30, wall = 1e30;
    double cycles = 1e30;  // when the clock was read around each run: CPU time times the clock, the fewest
};

template <class F>
Timing best_timing(int reps, F&& f, bool clocked = false) {
    Timing best;
    for (int i = 0; i < reps; ++i) {
        const double ghz0 = clocked ? core_ghz() : 0;
        auto t0 = Clock::now();
        double c0 = thread_cpu();
        f();
        const double cpu = thread_cpu() - c0;
        best.cpu = std::min(best.cpu, cpu);
        best.wall = std::min(best.wall, seconds_since(t0));
        if (clocked) best.cycles = std::min(best.cycles, cpu * (ghz0 + core_ghz()) / 2 * 1e9);
    }
    return best;
}

// Each of `fs` in turn, `reps` rounds, the best of each: the machines change
// speed from one second to the next, so figures that are compared with each
// other are taken side by side.
std::vector<Timing> interleaved(int reps, const std::vector<std::function<void()>>& fs, bool clock_first = false) {
    std::vector<Timing> best(fs.size());
    for (int i = 0; i < reps; ++i)
        for (std::size_t k = 0; k < fs.size(); ++k) {
            Timing t = best_timing(1, fs[k], clock_first && k == 0);
            best[k].cpu = std::min(best[k].cpu, t.cpu);
            best[k].wall = std::min(best[k].wall, t.wall);
            best[k].cycles = std::min(best[k].cycles, t.cycles);
        }
    return best;
}

template <class F>
double best_seconds(int reps, F&& f) {
    return best_timing(reps, std::forward<F>(f)).cpu;
}

// ------------------------------------------------------------------ corpus
const std::vector<std::string> kVocabulary{
    "the", "a", "and", "to", "of", "it", "is", "was", "that", "this", "for", "on", "with", "my", "your", "we", "they",
    "have", "has", "had", "not", "but", "so", "just", "really", "still", "again", "now", "then", "there", "here",
    "when", "what", "which", "where", "because", "about", "after", "before", "today", "yesterday", "week", "month",
    "time", "day", "morning", "evening", "account", "bill", "payment", "charge", "refund", "order", "parcel",
    "delivery", "router", "internet", "connection", "line", "phone", "signal", "speed", "contract", "plan", "price",
    "upgrade", "engineer", "appointment", "address", "email", "password", "login", "app", "website", "system",
    "screen", "error", "message", "light", "cable", "socket", "box", "device", "laptop", "television", "channel",
    "package", "service", "support", "team", "manager", "store", "office", "number", "reference", "ticket", "case",
    "issue", "problem", "fault", "outage", "update", "invoice", "receipt", "statement", "direct", "debit", "credit",
    "discount", "offer", "deal", "month", "year", "working", "broken", "slow", "fine", "okay", "great", "good",
    "bad", "wrong", "right", "new", "old", "first", "second", "last", "next", "same", "different", "other",
    "checked", "tried", "restarted", "unplugged", "waited", "called", "emailed", "paid", "received", "noticed",
    "started", "stopped", "dropped", "keeps", "seems", "looks", "says", "shows", "went", "came", "got", "made",
    "said", "told", "asked", "thought", "wanted", "needed", "helped", "sorted", "fixed", "changed", "moved",
    "kitchen", "bedroom", "upstairs", "downstairs", "neighbour", "daughter", "son", "husband", "wife", "work",
    "home", "weekend", "holiday", "lunch", "evening", "afternoon", "hour", "minute", "minutes", "hours", "days",
    "weeks", "pounds", "euros", "dollars", "twice", "three", "four", "five", "ten", "twenty", "hundred"};

// Product and brand names: two to four consonant-vowel pairs, sometimes
// with a closing consonant ("kovira", "zelumat").
std::vector<std::string> product_names(std::size_t n, std::mt19937_64& rng) {
    const char* consonants = "bcdfghjklmnprstvwxz";
    const char* vowels = "aeiouy";
    std::set<std::string> seen;
    std::vector<std::string> out;
    while (out.size() < n) {
        std::string w;
        int pairs = 2 + static_cast<int>(rng() % 3);
        for (int j = 0; j < pairs; ++j) {
            w += consonants[rng() % 19];
            w += vowels[rng() % 6];
        }
        if (rng() % 2) w += consonants[rng() % 19];
        if (seen.insert(w).second) out.push_back(w);
    }
    return out;
}

std::string luhn_card(std::mt19937_64& rng) {
    std::string d = "4";
    while (d.size() < 15) d += char('0' + rng() % 10);
    for (char c = '0'; c <= '9'; ++c)
        if (sb::luhn_valid(d + c)) return d.substr(0, 4) + " " + d.substr(4, 4) + " " + d.substr(8, 4) + " " +
                                          d.substr(12, 3) + c;
    return d;
}

struct Corpus {
    std::string text;
    std::vector<std::size_t> starts;  // conversation boundaries (with text.size() at the end)
};

// Conversations of 8-20 turns, agent and client alternating, each turn one
// to three sentences: a quarter from helpline templates (holds, promises,
// complaints, fillers, competitor and legal mentions, the odd card number),
// the rest ordinary sentences from a vocabulary of everyday and support
// words (which hold default-pool phrases by chance too).
Corpus make_corpus(std::size_t bytes, const std::vector<std::string>& products) {
    std::mt19937_64 rng(20240229);
    const std::vector<std::string> agent{
        "Thank you for calling, my name is Sam, how can I help you today?",
        "Can I take your account number please?", "I can see the order on the system.",
        "Let me check that for you.", "Please hold while I look into this.", "Bear with me one moment.",
        "I will send you a confirmation email by tomorrow.", "I'll call you back within 24 hours.",
        "We'll arrange an engineer visit next Monday.", "Your refund will be processed in 3-5 working days.",
        "Is there anything else I can help you with?", "I understand how frustrating this must be.",
        "I have updated your details.", "I'm sorry for the inconvenience.",
        "Could you confirm the first line of your address?", "For security, can you confirm your date of birth?",
        "Can I take the long number on the card please?", "I'm going to escalate this to my manager today.",
        "The {p} should be working again now.", "I'll make sure the {p} is replaced by the end of the week."};
    const std::vector<std::string> client{
        "Hi, I'm calling about my {p}.", "It stopped working yesterday.", "Um, I've been waiting for ten days.",
        "You know, this is the third time I've called.", "I don't understand why I was charged twice.",
        "What do you mean?", "I want to speak to a manager.",
        "Honestly, I'm thinking of switching to another provider.", "Your competitors are cheaper.",
        "If this isn't sorted I'll contact the ombudsman.", "This is bloody ridiculous.",
        "Hold on, let me grab my card.", "Okay, thanks, that's great.",
        "Yeah, basically the {p} keeps dropping out.", "Sorry, could you repeat that?",
        "I want my money back.", "Can you send me the invoice?", "Erm, I'm not sure.",
        "The {p} from the other company works fine."};
    auto fill = [&](std::string s) {
        if (auto at = s.find("{p}"); at != std::string::npos) s.replace(at, 3, products[rng() % 200]);
        return s;
    };
    auto plain = [&] {
        std::string s;
        int n = 6 + static_cast<int>(rng() % 9);
        for (int i = 0; i < n; ++i) {
            const std::string& w = rng() % 40 == 0 ? products[rng() % products.size()] : kVocabulary[rng() % kVocabulary.size()];
            if (i == 0) {
                s += static_cast<char>(std::toupper(static_cast<unsigned char>(w[0])));
                s += w.substr(1);
            } else {
                s += (rng() % 9 == 0 ? ", " : " ") + w;
            }
        }
        return s + (rng() % 6 == 0 ? "?" : ".");
    };
    Corpus c;
    c.text.reserve(bytes + 4096);
    int ticket = 100000;
    while (c.text.size() < bytes) {
        c.starts.push_back(c.text.size());
        c.text += "Ticket " + std::to_string(ticket++) + "\n";
        int turns = 8 + static_cast<int>(rng() % 13);
        for (int t = 0; t < turns; ++t) {
            bool is_agent = t % 2 == 0;
            c.text += is_agent ? "Agent: " : "Client: ";
            int sentences = 1 + static_cast<int>(rng() % 3);
            for (int k = 0; k < sentences; ++k) {
                if (k) c.text += ' ';
                if (!is_agent && rng() % 400 == 0) {
                    c.text += "My card number is " + luhn_card(rng) + ".";
                } else if (rng() % 4 == 0) {
                    const auto& bank = is_agent ? agent : client;
                    c.text += fill(bank[rng() % bank.size()]);
                } else {
                    c.text += plain();
                }
            }
            c.text += '\n';
        }
    }
    c.starts.push_back(c.text.size());
    return c;
}

// Nouns of the vocabulary that a phrase about a product or a fault ends with.
const std::vector<std::string> kNouns{
    "account", "bill", "payment", "charge", "refund", "order", "parcel", "delivery", "router", "internet",
    "connection", "line", "phone", "signal", "speed", "contract", "plan", "price", "upgrade", "engineer",
    "appointment", "address", "email", "password", "login", "app", "website", "screen", "error", "message",
    "light", "cable", "socket", "device", "laptop", "television", "channel", "package", "invoice", "receipt",
    "statement", "discount", "offer", "deal", "outage", "fault", "reference"};

// The stress sets: 5,000 phrases in ten pools.
//  - realistic: one to three words ending in a product name (60%), or two
//    or three ending in a noun of the helpline's vocabulary (40%), the
//    words before them from the vocabulary or the product names:
//    "kovira", "my zelumat router", "broken dajoqe cable", as an
//    organisation's product, competitor and fault lists read;
//  - adversarial: two to four words drawn from the corpus's own everyday
//    vocabulary and the product names in any order ("the which router
//    again"), so that nearly every word of the text ends some phrase.
std::vector<sb::PhrasePool> stress_pools(std::size_t n, const std::vector<std::string>& products, bool adversarial) {
    std::mt19937_64 rng(adversarial ? 5001 : 5000);
    std::vector<sb::PhrasePool> pools;
    for (int p = 0; p < 10; ++p) pools.push_back({"Stress " + std::to_string(p + 1), {}, {}});
    std::set<std::string> seen;
    while (seen.size() < n) {
        std::string phrase;
        if (adversarial) {
            int words = 2 + static_cast<int>(rng() % 3);
            for (int w = 0; w < words; ++w)
                phrase += (w ? " " : "") +
                          (rng() % 3 == 0 ? products[rng() % products.size()] : kVocabulary[rng() % kVocabulary.size()]);
        } else {
            bool product = rng() % 5 < 3;
            int before = static_cast<int>(rng() % 3);
            if (!product && before == 0) before = 1;  // "router" alone is not a phrase anyone adds
            for (int w = 0; w < before; ++w)
                phrase += (rng() % 4 == 0 ? products[rng() % products.size()] : kVocabulary[rng() % kVocabulary.size()]) +
                          " ";
            phrase += product ? products[rng() % products.size()] : kNouns[rng() % kNouns.size()];
        }
        std::string key;
        for (const auto& x : sb::phrase_words(phrase)) key += x + ' ';
        if (!seen.insert(key).second) continue;
        pools[seen.size() % pools.size()].phrases.push_back(phrase);
    }
    return pools;
}

// ------------------------------------------------------------------ peers
// A phrase as a regular expression the peers accept (ASCII separators: the
// corpus is ASCII, where they match what switchboard matches).
std::string peer_expression(const std::string& phrase) {
    std::string out = "\\b";
    bool first = true;
    for (const auto& w : sb::phrase_words(phrase)) {
        if (!first) out += "[\\s!-/:-@\\[-^\\x60{-~]+";
        first = false;
        for (char c : w) {
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') out += '\\';
            out += c;
        }
    }
    return out + "\\b";
}

std::vector<std::string> peer_patterns(const std::vector<sb::PhrasePool>& pools) {
    std::vector<std::string> out;
    for (const auto& p : pools) {
        for (const auto& ph : p.phrases) out.push_back(peer_expression(ph));
        for (const auto& re : p.regexes) out.push_back(re);
    }
    return out;
}

struct PeerRun {
    double compile = 0, seconds = 0;
    std::size_t bytes = 0, matches = 0;
    bool ok = false;
    double rate() const { return bytes / seconds; }
};

// std::regex over growing slices until a slice takes a second of CPU time
// (or 8 MB).
PeerRun std_regex(const std::vector<std::string>& patterns, const std::string& text, std::size_t first_slice) {
    PeerRun r;
    std::string alt;
    for (const auto& p : patterns) alt += (alt.empty() ? "(?:" : "|(?:") + p + ")";
    double t0 = thread_cpu();
    std::regex rx;
    try {
        rx.assign(alt, std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
    } catch (const std::regex_error& e) {
        std::printf("std::regex cannot compile %zu patterns: %s\n", patterns.size(), e.what());
        return r;
    }
    r.compile = thread_cpu() - t0;
    for (std::size_t slice = first_slice; slice <= std::min<std::size_t>(text.size(), 8u << 20); slice *= 2) {
        std::size_t end = text.find('\n', slice);
        std::string_view s(text.data(), end == std::string::npos ? text.size() : end);
        t0 = thread_cpu();
        std::size_t n = 0;
        for (std::cregex_iterator it(s.data(), s.data() + s.size(), rx), stop; it != stop; ++it) ++n;
        r.seconds = thread_cpu() - t0;
        r.bytes = s.size();
        r.matches = n;
        r.ok = true;
        if (r.seconds >= 1.0) break;
    }
    return r;
}

PeerRun python_re(const std::vector<std::string>& patterns, const std::string& text, std::size_t slice) {
    PeerRun r;
    fs::path script(SB_PEERS_SCRIPT);
    if (!fs::exists(script)) {
        std::printf("peers: %s not found\n", script.c_str());
        return r;
    }
    auto dir = fs::temp_directory_path() / ("sb-bench-text-" + std::to_string(std::random_device{}()));
    fs::create_directories(dir);
    {
        std::ofstream p(dir / "patterns.txt");
        for (const auto& x : patterns) p << x << '\n';
        std::size_t end = text.find('\n', std::min(slice, text.size()));
        std::ofstream t(dir / "text.txt", std::ios::binary);
        t.write(text.data(), static_cast<std::streamsize>(end == std::string::npos ? text.size() : end));
    }
    std::string cmd = "/usr/bin/python3 " + script.string() + " " + (dir / "patterns.txt").string() + " " +
                      (dir / "text.txt").string() + " > " + (dir / "out.json").string();
    if (std::system(cmd.c_str()) == 0) {
        std::ifstream in(dir / "out.json");
        std::stringstream ss;
        ss << in.rdbuf();
        auto v = boost::json::parse(ss.str()).as_object();
        r.compile = v.at("compile_cpu_seconds").to_number<double>();
        r.seconds = v.at("scan_cpu_seconds").to_number<double>();
        r.matches = static_cast<std::size_t>(v.at("matches").to_number<double>());
        r.bytes = static_cast<std::size_t>(v.at("bytes").to_number<double>());
        r.ok = true;
    } else {
        std::printf("peers: %s failed\n", script.c_str());
    }
    fs::remove_all(dir);
    return r;
}

// Each phrase as its own Hyperscan expression (phrase_expression, with
// HS_FLAG_SOM_LEFTMOST), compiled and run over the corpus.
PeerRun hyperscan_per_phrase(const std::vector<sb::PhrasePool>& pools, const std::string& text) {
    PeerRun r;
    std::vector<std::string> exprs;
    for (const auto& p : pools) {
        for (const auto& ph : p.phrases) exprs.push_back(sb::phrase_expression(ph));
        for (const auto& re : p.regexes) exprs.push_back(re);
    }
    std::vector<const char*> c;
    std::vector<unsigned> flags, ids;
    for (unsigned i = 0; i < exprs.size(); ++i) {
        c.push_back(exprs[i].c_str());
        flags.push_back(HS_FLAG_CASELESS | HS_FLAG_SOM_LEFTMOST);
        ids.push_back(i);
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    double t0 = thread_cpu();
    if (hs_compile_multi(c.data(), flags.data(), ids.data(), static_cast<unsigned>(c.size()), HS_MODE_BLOCK, nullptr,
                         &db, &err) != HS_SUCCESS) {
        std::printf("per-phrase Hyperscan: %s\n", err->message);
        hs_free_compile_error(err);
        return r;
    }
    r.compile = thread_cpu() - t0;
    hs_scratch_t* scratch = nullptr;
    hs_alloc_scratch(db, &scratch);
    r.seconds = best_seconds(2, [&] {
        std::size_t n = 0;
        hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch,
                [](unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
                    ++*static_cast<std::size_t*>(ctx);
                    return 0;
                },
                &n);
        r.matches = n;
    });
    r.bytes = text.size();
    r.ok = true;
    hs_free_scratch(scratch);
    hs_free_database(db);
    return r;
}

void row(const char* what, const std::string& ours, const std::string& wall, const std::string& peer,
         const std::string& ratio, const std::string& goal) {
    std::printf("%-52s %12s %12s %16s %10s  %s\n", what, ours.c_str(), wall.c_str(), peer.c_str(), ratio.c_str(),
                goal.c_str());
    std::fflush(stdout);
}

std::string fmt(const char* f, double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, f, v);
    return buf;
}

std::string gbps(double bytes, double s) { return fmt("%.2f GB/s", bytes / s / 1e9); }
std::string mbps(double bytes, double s) { return fmt("%.2f MB/s", bytes / s / 1e6); }

}  // namespace

int main(int argc, char** argv) {
    double mb = 128;
    std::size_t stress = 5000;
    bool peers = true;
    std::string save;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "--mb" && i + 1 < argc) mb = std::atof(argv[++i]);
        else if (a == "--save" && i + 1 < argc) save = argv[++i];
        else if (a == "--stress" && i + 1 < argc) stress = static_cast<std::size_t>(std::atol(argv[++i]));
        else if (a == "--no-peers") peers = false;
        else {
            std::fprintf(stderr, "usage: bench_text [--mb N] [--stress N] [--no-peers] [--save FILE]\n");
            return 2;
        }
    }
    std::mt19937_64 rng(77);
    auto products = product_names(2000, rng);
    auto t0 = Clock::now();
    Corpus corpus = make_corpus(static_cast<std::size_t>(mb * (1 << 20)), products);
    const std::string& text = corpus.text;
    const double n = static_cast<double>(text.size());
    if (!save.empty()) {
        std::ofstream(save, std::ios::binary).write(text.data(), static_cast<std::streamsize>(text.size()));
        std::ofstream phrases(save + ".phrases");
        for (const auto& pool : stress_pools(stress, products, false))
            for (const auto& ph : pool.phrases) phrases << ph << '\n';
        std::printf("corpus: %.1f MB written to %s, the stress set to %s.phrases\n", n / 1e6, save.c_str(),
                    save.c_str());
        return 0;
    }
    std::printf("corpus: %.1f MB, %zu conversations (%.0f bytes each on average), generated in %.1f s\n", n / 1e6,
                corpus.starts.size() - 1, n / static_cast<double>(corpus.starts.size() - 1), seconds_since(t0));

    // Compiling.
    auto defaults = sb::default_phrase_pools();
    std::vector<double> compiles;
    for (int i = 0; i < 7; ++i) {
        double c0 = thread_cpu();
        sb::TextAnalyzer a(defaults);
        compiles.push_back(thread_cpu() - c0);
    }
    std::sort(compiles.begin(), compiles.end());
    sb::TextAnalyzer analyzer(defaults);
    auto stress_set = stress_pools(stress, products, false);
    sb::TextAnalyzer* stress_analyzer = nullptr;
    double stress_compile = best_seconds(3, [&] {
        delete stress_analyzer;
        stress_analyzer = new sb::TextAnalyzer(stress_set);
    });
    sb::TextAnalyzer adversarial(stress_pools(stress, products, true));
    std::printf("default pools: %zu phrases, %zu regular expressions, %zu KB compiled; stress set: %zu phrases, %zu KB\n\n",
                analyzer.phrase_count(), analyzer.regex_count(), analyzer.database_bytes() / 1024,
                stress_analyzer->phrase_count(), stress_analyzer->database_bytes() / 1024);

    // Scanning.
    auto each_conversation = [&](const sb::TextAnalyzer& a) {
        std::size_t h = 0;
        for (std::size_t i = 0; i + 1 < corpus.starts.size(); ++i)
            h += a.count(std::string_view(text).substr(corpus.starts[i], corpus.starts[i + 1] - corpus.starts[i]));
        return h;
    };
    std::size_t hits_default = 0, hits_stress = 0, hits_adversarial = 0;
    // Beside each whole scan, Hyperscan's literal matcher alone
    // (bench_text_reference.hpp): the same literals over the plain normal
    // form, and as many random literals over random bytes.
    auto plain_default = bench_text::plain_normal_form(defaults, text);
    auto random_default = bench_text::random_literals(analyzer.phrase_count(), 64u << 20);
    auto own_default = bench_text::matcher_stream(analyzer, text);
    auto t_default = interleaved(5, {[&] { hits_default = analyzer.count(text); }, [&] { plain_default->scan(); },
                                     [&] { random_default->scan(); }, [&] { own_default->scan(); }},
                                 true);
    Timing t_block = t_default[0];
    Timing t_convs = best_timing(5, [&] { hits_default = each_conversation(analyzer); }, true);
    auto plain_stress = bench_text::plain_normal_form(stress_set, text);
    auto random_stress = bench_text::random_literals(stress, 64u << 20);
    auto own_stress = bench_text::matcher_stream(*stress_analyzer, text);
    auto t_stress_all = interleaved(3, {[&] { hits_stress = stress_analyzer->count(text); },
                                        [&] { plain_stress->scan(); }, [&] { random_stress->scan(); },
                                        [&] { own_stress->scan(); }},
                                    true);
    Timing t_stress = t_stress_all[0];
    Timing t_stress_convs = best_timing(2, [&] { each_conversation(*stress_analyzer); });
    Timing t_adversarial = best_timing(2, [&] { hits_adversarial = adversarial.count(text); });
    auto with_regex = defaults;  // what one regular expression entry costs: a second pass
    with_regex[0].regexes.push_back(R"(\b\d{3}-\d{2}-\d{4}\b)");
    sb::TextAnalyzer regex_analyzer(with_regex);
    Timing t_regex = best_timing(3, [&] { regex_analyzer.count(text); });
    std::size_t promises = 0, pci = 0;
    Timing t_analyze = best_timing(1, [&] {
        promises = pci = 0;
        for (std::size_t i = 0; i + 1 < corpus.starts.size(); ++i) {
            auto r = sb::analyze_text(std::string_view(text).substr(corpus.starts[i], corpus.starts[i + 1] - corpus.starts[i]),
                                      analyzer);
            promises += r.promises.size();
            pci += r.pci.size();
        }
    });

    auto goal = [&](const Timing& t) { return n / t.cpu >= 1e9 ? ">= 1 GB/s: met" : ">= 1 GB/s: NOT met"; };
    std::printf("%-52s %12s %12s %16s %10s  %s\n", "measure (best of runs, CPU time of the thread)", "switchboard",
                "(wall)", "peer", "ratio", "goal");
    std::printf("%s\n", std::string(128, '-').c_str());
    row("compile the default pools (median of 7)", fmt("%.1f ms", compiles[3] * 1000), "", "", "",
        compiles[3] < 0.1 ? "< 100 ms: met" : "< 100 ms: NOT met");
    row("compile the stress set (5,000 phrases)", fmt("%.1f ms", stress_compile * 1000), "", "", "", "");
    row("scan, default pools, corpus as one block", gbps(n, t_block.cpu), gbps(n, t_block.wall), "", "",
        goal(t_block));
    row("scan, default pools, conversation by conversation", gbps(n, t_convs.cpu), gbps(n, t_convs.wall), "", "",
        goal(t_convs));
    row("scan, default pools + one regular expression", gbps(n, t_regex.cpu), gbps(n, t_regex.wall), "", "", "");
    row("scan, stress set, corpus as one block", gbps(n, t_stress.cpu), gbps(n, t_stress.wall), "", "",
        goal(t_stress));
    row("scan, stress set, conversation by conversation", gbps(n, t_stress_convs.cpu), gbps(n, t_stress_convs.wall),
        "", "", "");
    row("scan, adversarial stress set, one block", gbps(n, t_adversarial.cpu), gbps(n, t_adversarial.wall), "", "", "");
    row("analyze_text (PCI, pools, promises) per conversation", mbps(n, t_analyze.cpu), mbps(n, t_analyze.wall), "",
        "", "");

    // The goal scans in bytes a cycle (the clock read before and after each
    // run), and the clock that would give 1 GB/s at that rate.
    std::printf("\nper cycle (the core's clock read with a dependent add loop before and after each run; the best run):\n");
    for (const auto& [what, t] : {std::pair<const char*, Timing>{"scan, default pools, corpus as one block", t_block},
                                  {"scan, default pools, conversation by conversation", t_convs},
                                  {"scan, stress set, corpus as one block", t_stress}}) {
        const double per_cycle = n / t.cycles;
        std::printf("  %-50s %5.2f bytes a cycle (%.2f GHz): 1 GB/s at %.2f GHz or more\n", what, per_cycle,
                    t.cycles / t.cpu / 1e9, 1.0 / per_cycle);
    }
    std::printf("\n");

    // The ratio: how much faster switchboard's whole scan is than Hyperscan's
    // part alone on the plain normal form, and how close it comes to the
    // literal matcher's best.
    auto vs = [&](const Timing& ours, const Timing& ref, const bench_text::LiteralScan& scan) {
        return fmt("%.2fx", (ref.cpu / static_cast<double>(scan.bytes())) / (ours.cpu / n));
    };
    // Hyperscan's part of each scan on its own, per byte of the text.
    row("  vs Hyperscan alone, the default pools' own windows", gbps(n, t_block.cpu), "", gbps(n, t_default[3].cpu),
        fmt("%.2fx", t_default[3].cpu / t_block.cpu), "");
    row("  vs Hyperscan alone, the stress set's own windows", gbps(n, t_stress.cpu), "",
        gbps(n, t_stress_all[3].cpu), fmt("%.2fx", t_stress_all[3].cpu / t_stress.cpu), "");
    row("  vs Hyperscan alone, default literals, plain normal form", gbps(n, t_block.cpu), "",
        gbps(plain_default->bytes(), t_default[1].cpu), vs(t_block, t_default[1], *plain_default), "");
    row(fmt("  vs Hyperscan alone, %.0f random literals, random bytes", static_cast<double>(analyzer.phrase_count())).c_str(),
        gbps(n, t_block.cpu), "", gbps(random_default->bytes(), t_default[2].cpu),
        vs(t_block, t_default[2], *random_default), "");
    row("  vs Hyperscan alone, stress literals, plain normal form", gbps(n, t_stress.cpu), "",
        gbps(plain_stress->bytes(), t_stress_all[1].cpu), vs(t_stress, t_stress_all[1], *plain_stress), "");
    row(fmt("  vs Hyperscan alone, %.0f random literals, random bytes", static_cast<double>(stress)).c_str(),
        gbps(n, t_stress.cpu), "", gbps(random_stress->bytes(), t_stress_all[2].cpu),
        vs(t_stress, t_stress_all[2], *random_stress), "");

    if (peers) {
        auto hs_each = hyperscan_per_phrase(defaults, text);
        if (hs_each.ok) {
            row("  vs each phrase a Hyperscan regex: compile", fmt("%.1f ms", compiles[3] * 1000), "",
                fmt("%.1f ms", hs_each.compile * 1000), fmt("%.0fx", hs_each.compile / compiles[3]), "");
            row("  vs each phrase a Hyperscan regex: scan", gbps(n, t_block.cpu), "", gbps(n, hs_each.seconds),
                fmt("%.1fx", hs_each.seconds / t_block.cpu), "");
        }
        auto dp = peer_patterns(defaults);
        auto sr = std_regex(dp, text, 64 << 10);
        if (sr.ok)
            row("  vs std::regex, default pools (slice, extrapolated)", gbps(n, t_block.cpu), "",
                mbps(sr.bytes, sr.seconds), fmt("%.0fx", (sr.seconds / sr.bytes) / (t_block.cpu / n)), "");
        auto py = python_re(dp, text, 16u << 20);
        if (py.ok)
            row("  vs Python re, default pools (slice, extrapolated)", gbps(n, t_block.cpu), "",
                mbps(py.bytes, py.seconds), fmt("%.0fx", (py.seconds / py.bytes) / (t_block.cpu / n)), "");
        auto spat = peer_patterns(stress_set);
        auto ss = std_regex(spat, text, 4 << 10);
        if (ss.ok)
            row("  vs std::regex, stress set (slice, extrapolated)", gbps(n, t_stress.cpu), "",
                mbps(ss.bytes, ss.seconds), fmt("%.0fx", (ss.seconds / ss.bytes) / (t_stress.cpu / n)), "");
        auto spy = python_re(spat, text, 2u << 20);
        if (spy.ok)
            row("  vs Python re, stress set (slice, extrapolated)", gbps(n, t_stress.cpu), "",
                mbps(spy.bytes, spy.seconds), fmt("%.0fx", (spy.seconds / spy.bytes) / (t_stress.cpu / n)), "");
        std::printf("\npeers: std::regex compiled in %.2f s (default pools) and %.2f s (stress set) and scanned %.2f MB "
                    "and %.3f MB;\n       Python re compiled in %.3f s and %.3f s and scanned %.1f MB and %.1f MB. Their "
                    "times are per byte of their slice,\n       extrapolated to the corpus (CPU time).\n",
                    sr.compile, ss.compile, sr.bytes / 1e6, ss.bytes / 1e6, py.compile, spy.compile, py.bytes / 1e6,
                    spy.bytes / 1e6);
        // An alternation reports leftmost, non-overlapping matches; switchboard reports every match of every entry.
        if (sr.ok)
            std::printf("       matches on the std::regex slice: switchboard %zu (all, overlapping), std::regex %zu "
                        "(leftmost, non-overlapping)\n",
                        analyzer.count(std::string_view(text).substr(0, sr.bytes)), sr.matches);
        if (py.ok)
            std::printf("       matches on the Python slice: switchboard %zu, Python re %zu\n",
                        analyzer.count(std::string_view(text).substr(0, py.bytes)), py.matches);
    }
    std::printf("\nfound: %zu default-pool matches (%.1f per KB), %zu stress-set matches, %zu adversarial-set matches, "
                "%zu promises, %zu card data findings\n",
                hits_default, hits_default / (n / 1024), hits_stress, hits_adversarial, promises, pci);
    delete stress_analyzer;
    return 0;
}
