// Hyperscan's literal matcher on its own (bench_text_reference.hpp).
#include "bench_text_reference.hpp"

#include <hs/hs.h>

#include <algorithm>
#include <cstdio>
#include <random>

#include "text/matcher.hpp"
#include "text/normalise.hpp"

namespace bench_text {

namespace {

int count_match(unsigned, unsigned long long, unsigned long long, unsigned, void* ctx) {
    ++*static_cast<std::size_t*>(ctx);
    return 0;
}

bool word_byte(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80; }

}  // namespace

LiteralScan::LiteralScan(const std::vector<std::string>& literals, std::string data) : data_(std::move(data)) {
    std::vector<const char*> exprs;
    std::vector<std::size_t> lens;
    std::vector<unsigned> flags, ids;
    for (unsigned i = 0; i < literals.size(); ++i) {
        exprs.push_back(literals[i].data());
        lens.push_back(literals[i].size());
        flags.push_back(0);
        ids.push_back(i);
    }
    hs_compile_error_t* err = nullptr;
    hs_database_t* db = nullptr;
    if (hs_compile_lit_multi(exprs.data(), flags.data(), ids.data(), lens.data(), static_cast<unsigned>(exprs.size()),
                             HS_MODE_BLOCK, nullptr, &db, &err) != HS_SUCCESS) {
        std::printf("reference literals: %s\n", err && err->message ? err->message : "cannot compile");
        hs_free_compile_error(err);
        return;
    }
    db_ = db;
    hs_alloc_scratch(db_, &scratch_);
}

LiteralScan::LiteralScan(const hs_database_t* borrowed, std::string data)
    : data_(std::move(data)), db_(borrowed), owned_(false) {
    if (db_) hs_alloc_scratch(db_, &scratch_);
}

LiteralScan::~LiteralScan() {
    hs_free_scratch(scratch_);
    if (owned_) hs_free_database(const_cast<hs_database_t*>(db_));
}

std::size_t LiteralScan::scan() const {
    std::size_t n = 0;
    if (db_) hs_scan(db_, data_.data(), static_cast<unsigned>(data_.size()), 0, scratch_, count_match, &n);
    return n;
}

std::unique_ptr<LiteralScan> plain_normal_form(const std::vector<switchboard::PhrasePool>& pools,
                                               const std::string& text) {
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
    return std::make_unique<LiteralScan>(literals, std::move(normal));
}

std::unique_ptr<LiteralScan> matcher_stream(const switchboard::TextAnalyzer& analyzer, const std::string& text) {
    switchboard::text::NormalText normal;
    switchboard::text::normalise(text, normal);
    const auto& impl = switchboard::TextAnalyzerAccess::impl(analyzer);
    return std::make_unique<LiteralScan>(switchboard::text::literal_database(impl),
                                         std::string(normal.hashed.get(), normal.size));
}

std::unique_ptr<LiteralScan> random_literals(std::size_t literals, std::size_t bytes) {
    std::mt19937_64 rng(99);
    std::string data(bytes, '\0');
    for (auto& c : data) c = static_cast<char>(rng());
    std::vector<std::string> lits(literals, std::string(8, '\0'));
    for (auto& l : lits)
        for (auto& c : l) c = static_cast<char>(rng());
    return std::make_unique<LiteralScan>(lits, std::move(data));
}

}  // namespace bench_text
