// Figures for the accounts layer: how long a token check, a sign-in and a
// page of users take on one core, with a database on disk.
//
//   build/benchmarks/bench_accounts
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>

#include "switchboard/switchboard.hpp"

namespace {

constexpr const char* kPassword = "Correct-Horse-9-Battery";

struct World {
    std::filesystem::path dir;
    switchboard::Database db;
    switchboard::Accounts accounts;
    std::string token;

    static std::filesystem::path fresh_dir() {
        auto d = std::filesystem::temp_directory_path() / ("sb-bench-" + std::to_string(std::random_device{}()));
        std::filesystem::create_directories(d);
        return d;
    }

    explicit World(switchboard::AccountsOptions options, int users)
        : dir(fresh_dir()), db(switchboard::Database::open((dir / "sb.db").string())), accounts(db, options) {
        accounts.sign_up({"Bench Helpline", "owner@example.org", "+254 700 000001", kPassword, true});
        token = accounts.sign_in("owner@example.org", kPassword).token;
        auto admin = accounts.authenticate(token);
        for (int i = 0; i < users; ++i) {
            switchboard::UserFields f;
            f.username = "agent" + std::to_string(i);
            f.email = *f.username + "@example.org";
            f.password = kPassword;
            f.role = i % 10 == 0 ? switchboard::Role::supervisor : switchboard::Role::agent;
            accounts.create_user(admin, f);
        }
    }
    ~World() {
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

switchboard::AccountsOptions cheap_hash() {
    switchboard::AccountsOptions o;
    o.pwhash_opslimit = 1;
    o.pwhash_memlimit = 8192;
    return o;
}

void BM_authenticate(benchmark::State& state) {
    static World w(cheap_hash(), 100);
    for (auto _ : state) benchmark::DoNotOptimize(w.accounts.authenticate(w.token));
}
BENCHMARK(BM_authenticate)->Threads(1)->Threads(2);

void BM_sign_in_interactive_argon2id(benchmark::State& state) {
    static World w(switchboard::AccountsOptions{}, 0);  // libsodium's interactive limits, as the host uses
    for (auto _ : state) benchmark::DoNotOptimize(w.accounts.sign_in("owner@example.org", kPassword));
}
BENCHMARK(BM_sign_in_interactive_argon2id)->Unit(benchmark::kMillisecond)->Iterations(20);

void BM_list_users_filtered_page(benchmark::State& state) {
    static World w(cheap_hash(), 2000);
    auto admin = w.accounts.authenticate(w.token);
    switchboard::ListQuery q;
    q.filters = {{"role", "agent"}};
    q.count = 50;
    q.offset = 100;
    for (auto _ : state) benchmark::DoNotOptimize(w.accounts.list_users(admin, q));
}
BENCHMARK(BM_list_users_filtered_page)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
