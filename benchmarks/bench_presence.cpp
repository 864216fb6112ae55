// Presence through the library: heartbeats per second from many agents on 2
// threads, and the time from a call entering a queue to its offer reaching
// an idle agent (median and p99), each against its goal.
//
//   build/benchmarks/bench_presence [--agents 1000] [--seconds 3] [--calls 10000]
//
// The heartbeat figure is each agent's Presence::heartbeat (a session's
// principal, as the host passes it) in turn, on 2 threads over disjoint
// halves of the agents, for --seconds. The offer figure times
// Presence::enqueue with 50 agents available (the offer is made inside
// the call, under the organisation's lock); each offer is then answered and
// the call ended, untimed, so that the agent is free for the next.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "switchboard/switchboard.hpp"

using namespace switchboard;
using Clock = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double> v, double p) {
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, static_cast<std::size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5))];
}

long arg(int argc, char** argv, const char* name, long fallback) {
    for (int i = 1; i + 1 < argc; ++i)
        if (std::strcmp(argv[i], name) == 0) return std::strtol(argv[i + 1], nullptr, 10);
    return fallback;
}

}  // namespace

int main(int argc, char** argv) {
    const long agents_n = arg(argc, argv, "--agents", 1000);
    const long seconds = arg(argc, argv, "--seconds", 3);
    const long calls_n = arg(argc, argv, "--calls", 10000);
    if (agents_n < 50 || seconds < 1 || calls_n < 100) {
        std::fprintf(stderr, "bench_presence: needs --agents >= 50, --seconds >= 1, --calls >= 100\n");
        return 2;
    }
    const auto dir = std::filesystem::temp_directory_path() / ("sb-bench-presence-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    int failed = 0;
    {
        SwitchboardOptions so;
        so.accounts.pwhash_opslimit = 1;
        so.accounts.pwhash_memlimit = 8192;
        Switchboard sb((dir / "sb.db").string(), so);
        Accounts& acc = sb.accounts();
        Presence& p = sb.presence();
        acc.sign_up({"Bench Help", "bench@example.org", "+254 700 000001", "Correct-Horse-9-Battery", true});
        auto admin = acc.authenticate(acc.sign_in("bench@example.org", "Correct-Horse-9-Battery").token);
        QueueSettings q;
        q.name = "queue_english";
        q.wrap_up_ms = 0;
        p.put_queue(admin, q);

        std::printf("creating %ld agents ...\n", agents_n);
        std::vector<Principal> agents;
        for (long i = 0; i < agents_n; ++i) {
            UserFields f;
            f.username = "agent" + std::to_string(i);
            f.email = f.username.value() + "@example.org";
            f.password = "Correct-Horse-9-Battery";
            f.role = Role::agent;
            acc.create_user(admin, f);
            agents.push_back(acc.authenticate(acc.sign_in(*f.username, "Correct-Horse-9-Battery").token));
            p.log_in(agents.back());
        }

        // Heartbeats on 2 threads.
        std::atomic<bool> stop{false};
        std::atomic<long> beats{0};
        std::vector<std::thread> threads;
        const auto t0 = Clock::now();
        for (int t = 0; t < 2; ++t) {
            threads.emplace_back([&, t] {
                long n = 0;
                const std::size_t half = agents.size() / 2;
                const std::size_t from = t * half, to = t == 0 ? half : agents.size();
                while (!stop.load(std::memory_order_relaxed)) {
                    for (std::size_t i = from; i < to; ++i) p.heartbeat(agents[i], true);
                    n += static_cast<long>(to - from);
                }
                beats += n;
            });
        }
        std::this_thread::sleep_for(std::chrono::seconds(seconds));
        stop = true;
        for (auto& th : threads) th.join();
        const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
        const double rate = static_cast<double>(beats.load()) / elapsed;

        // Enqueue -> offer, with 50 agents available (the rest on break).
        for (long i = 50; i < agents_n; ++i) p.start_break(agents[i], "lunch");
        std::vector<double> offer_ms;
        offer_ms.reserve(static_cast<std::size_t>(calls_n));
        for (long i = 0; i < calls_n; ++i) {
            const std::string id = "call-" + std::to_string(i);
            const auto s = Clock::now();
            const QueuedCall c = p.enqueue(admin, id, "queue_english", "+254700000000");
            offer_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - s).count());
            if (c.state != CallState::offered) {
                std::fprintf(stderr, "call %s was not offered at once (state %s)\n", id.c_str(),
                             std::string(to_string(c.state)).c_str());
                failed = 1;
                break;
            }
            const Principal* agent = nullptr;
            for (long k = 0; k < 50 && !agent; ++k)
                if (agents[k].user_id == c.agent_id) agent = &agents[k];
            p.answer(*agent, id);
            p.end_call(*agent, id);
        }
        const double med = percentile(offer_ms, 50), p99 = percentile(offer_ms, 99);

        std::printf("\n%-52s %12s %12s %8s\n", "measure", "figure", "goal", "met?");
        std::printf("%-52s %12.0f %12s %8s\n", "heartbeats per second, library, 2 threads", rate, ">= 50,000",
                    rate >= 50000 ? "met" : "NOT met");
        std::printf("%-52s %12.4f %12s %8s\n", "enqueue -> offer, median (ms), 50 agents available", med, "< 1 ms",
                    med < 1.0 ? "met" : "NOT met");
        std::printf("%-52s %12.4f %12s %8s\n", "enqueue -> offer, p99 (ms)", p99, "", "");
        std::printf("(%ld agents, %ld heartbeats in %.2f s; %zu calls offered)\n", agents_n, beats.load(), elapsed,
                    offer_ms.size());
        if (rate < 50000 || med >= 1.0) failed = 1;
    }
    std::filesystem::remove_all(dir);
    return failed;
}
