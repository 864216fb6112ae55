// Text interactions through the library: the record_text -> report-ready
// round trip for a 2 KB support text (median and p99 over 1000 posts), and a
// burst of 1000 posts (time to post them all against time until all ready).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

#include "switchboard/switchboard.hpp"
#include "switchboard/interactions.hpp"

using namespace switchboard;
using Clock = std::chrono::steady_clock;

namespace {

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

std::string support_text(int i) {
    std::string t;
    const char* lines[] = {
        "Hello, I have been waiting for my refund for two weeks and nobody answers my emails. ",
        "I will call you back by tomorrow with the status of the refund, I promise. ",
        "My card number is 4539 1488 0343 6467 and the expiry date is 04/27. ",
        "If this is not fixed I will take my business elsewhere, another provider offered me a better deal. ",
        "Could you please hold on a moment while I check the account details? ",
        "I don't understand what you mean, can you explain that again? ",
        "We will send you a replacement router within 3 working days. ",
        "My lawyer says this is a breach of contract. "};
    for (int k = 0; t.size() < 2048; ++k) t += lines[(i + k) % 8];
    return t.substr(0, 2048);
}

}  // namespace

int main() {
    const auto dir = std::filesystem::temp_directory_path() / ("sb-bench-inter-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    {
        SwitchboardOptions so;
        so.accounts.pwhash_opslimit = 1;
        so.accounts.pwhash_memlimit = 8192;
        Switchboard sb((dir / "sb.db").string(), so);
        Accounts& acc = sb.accounts();
        PhrasePools& pools = sb.pools();
        Interactions& inter = sb.interactions();
        acc.sign_up({"Bench Help", "bench@example.org", "+254 700 000001", "Correct-Horse-9-Battery", true});
        auto admin = acc.authenticate(acc.sign_in("bench@example.org", "Correct-Horse-9-Battery").token);
        auto key = acc.add_dev_key(admin, "bench");
        auto dev = acc.authenticate(acc.issue_dev_token("bench@example.org", "bench", key.pass_key).token,
                                    TokenKind::dev);
        pools.analyzer(dev.org_id);  // compiled once, as in a running host

        // Round trip: post, then poll the report until it is ready.
        std::vector<double> rt;
        for (int i = 0; i < 1000; ++i) {
            TextInteractionFields f;
            f.text = support_text(i);
            const auto t0 = Clock::now();
            auto r = inter.record_text(dev, f);
            while (inter.report(dev, r.ricket).status == ReportStatus::pending) {
            }
            rt.push_back(ms_since(t0));
        }
        std::sort(rt.begin(), rt.end());

        // Burst: 1000 posts as fast as the caller can make them.
        std::vector<TextInteractionFields> burst(1000);
        for (int i = 0; i < 1000; ++i) burst[i].text = support_text(i + 3);
        const auto b0 = Clock::now();
        std::vector<double> post_ms;
        for (const auto& f : burst) {
            const auto p0 = Clock::now();
            inter.record_text(dev, f);
            post_ms.push_back(ms_since(p0));
        }
        const double posted = ms_since(b0);
        sb.jobs().drain();
        const double ready = ms_since(b0);
        std::sort(post_ms.begin(), post_ms.end());

        std::printf("%-44s %12s\n", "text interactions (2 KB text)", "figure");
        std::printf("%-44s %9.3f ms\n", "round trip, median", rt[rt.size() / 2]);
        std::printf("%-44s %9.3f ms\n", "round trip, p99", rt[rt.size() * 99 / 100]);
        std::printf("%-44s %9.3f ms\n", "burst: one post, median", post_ms[post_ms.size() / 2]);
        std::printf("%-44s %9.3f ms\n", "burst: one post, p99", post_ms[post_ms.size() * 99 / 100]);
        std::printf("%-44s %9.1f ms\n", "burst: 1000 posts made", posted);
        std::printf("%-44s %9.1f ms\n", "burst: all 1000 ready", ready);
    }
    std::filesystem::remove_all(dir);
    return 0;
}
