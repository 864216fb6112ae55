// Hyperscan's literal matcher on its own (bench_text_reference.hpp).
#include "bench_text_reference.hpp"

#include <hs/hs.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>

namespace bench_text {

namespace {

double thread_cpu() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

int count_match(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
    ++*static_cast<std::size_t*>(ctx);
    return 0;
}

// Compiles the literals and scans `data` reps times; the best CPU time.
LiteralScan scan_literals(const std::vector<std::string>& literals, const std::string& data, int reps) {
    LiteralScan r;
    std::vector<const char*> exprs;
    std::vector<std::size_t> lens;
    std::vector<unsigned> flags, ids;
    for (unsigned i = 0; i < literals.size(); ++i) {
        exprs.push_back(literals[i].data());
        lens.push_back(literals[i].size());
        flags.push_back(0);
        ids.push_back(i);
    }
    hs_database_t* db = nullptr;
    hs_compile_error_t* err = nullptr;
    if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(), static_cast<unsigned>(exprs.size()),
                             HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
        std::printf("reference literals: %s\n", err && err->message ? err->message : "cannot compile");
        hs_free_compile_error(err);
        return r;
    }
    hs_scratch_t* scratch = nullptr;
    hs_alloc_scratch(db, &scratch);
    r.seconds = 1e30;
    for (int i = 0; i < reps; ++i) {
        std::size_t n = 0;
        double t0 = thread_cpu();
        hs_scan(db, data.data(), static_cast<unsigned>(data.size()), 0, scratch, count_match, &n);
        r.seconds = std::min(r.seconds, thread_cpu() - t0);
        r.matches = n;
    }
    r.bytes = data.size();
    hs_free_scratch(scratch);
    hs_free_database(db);
    return r;
}

bool word_byte(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80; }

}  // namespace

LiteralScan plain_normal_form(const std::vector<switchboard::PhrasePool>& pools, const std::string& text, int reps) {
    std::string normal = " ";
    normal.reserve(text.size() + 2);
    for (unsigned char c : text) {
        if (word_byte(c)) normal += static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
        else if (normal.back() != ' ') normal += ' ';
    }
    if (normal.back() != ' ') normal += ' ';
    std::vector<std::string> literals;
    for (const auto& pool : pools)
        for (const auto& phrase : pool.phrases) {
            std::string lit;
            for (const auto& w : switchboard::phrase_words(phrase)) lit += ' ' + w;
            if (lit.size() <= 5) lit += ' ';
            literals.push_back(lit);
        }
    std::sort(literals.begin(), literals.end());
    literals.erase(std::unique(literals.begin(), literals.end()), literals.end());
    return scan_literals(literals, normal, reps);
}

LiteralScan random_literals(std::size_t literals, std::size_t bytes, int reps) {
    std::mt19937_64 rng(99);
    std::string data(bytes, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    std::vector<std::string> lits(literals, std::string(8, '\0'));
    for (auto& l : lits)
        for (auto& c : l) c = static_cast<char>(rng());
    return scan_literals(lits, data, reps);
}

}  // namespace bench_text
