// A real SMTP server for the unit tests: tests/common/smtp_sink.py (Debian's
// python3-aiosmtpd) on a loopback port, storing what it accepts in a
// Maildir. Started by the test, stopped by its PID when the test ends.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "helpers.hpp"

namespace sbtest {

inline int free_port() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(s);
    return ntohs(a.sin_port);
}

inline bool accepts(int port) {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = ::connect(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(s);
    return ok;
}

struct SmtpServer {
    std::filesystem::path dir = temp_dir();
    int port;
    pid_t pid = -1;

    // `extra`: more options of smtp_sink.py (--tls-cert ..., --auth ...).
    explicit SmtpServer(int port_ = free_port(), std::vector<std::string> extra = {}) : port(port_) {
        pid = ::fork();
        if (pid == 0) {
            std::vector<std::string> args = {"/usr/bin/python3", SWITCHBOARD_SOURCE_DIR "/tests/common/smtp_sink.py",
                                             "--port", std::to_string(port), "--maildir", (dir / "box").string()};
            args.insert(args.end(), extra.begin(), extra.end());
            std::vector<char*> argv;
            for (auto& a : args) argv.push_back(a.data());
            argv.push_back(nullptr);
            ::execv(argv[0], argv.data());
            ::_exit(127);
        }
        for (int i = 0; i < 200 && !accepts(port); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        REQUIRE(accepts(port));
    }
    ~SmtpServer() {
        ::kill(pid, SIGTERM);
        ::waitpid(pid, nullptr, 0);
    }
    SmtpServer(const SmtpServer&) = delete;
    SmtpServer& operator=(const SmtpServer&) = delete;

    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port); }
    // The messages delivered so far, as the server stored them, oldest first.
    std::vector<std::string> delivered() const {
        std::vector<std::pair<std::filesystem::file_time_type, std::string>> found;
        const auto box = dir / "box" / "new";
        if (!std::filesystem::exists(box)) return {};
        for (const auto& e : std::filesystem::directory_iterator(box)) {
            std::ifstream in(e.path(), std::ios::binary);
            found.emplace_back(e.last_write_time(), std::string(std::istreambuf_iterator<char>(in), {}));
        }
        std::sort(found.begin(), found.end());
        std::vector<std::string> out;
        for (auto& f : found) out.push_back(std::move(f.second));
        return out;
    }
    // Waits up to `ms` for at least n messages.
    std::vector<std::string> wait_for(std::size_t n, int ms = 10'000) const {
        auto mails = delivered();
        for (int waited = 0; mails.size() < n && waited < ms; waited += 20) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
            mails = delivered();
        }
        return mails;
    }
};

// SMTP settings for a server on this machine, without TLS.
inline switchboard::SmtpSettings plain_smtp(const std::string& url) {
    switchboard::SmtpSettings s;
    s.url = url;
    s.tls = "none";
    s.timeout_ms = 5000;
    return s;
}

// Waits until fn() holds, up to `ms`; its last answer.
template <class F>
bool eventually(F&& fn, int ms = 10'000) {
    for (int waited = 0; waited < ms; waited += 20) {
        if (fn()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return fn();
}

}  // namespace sbtest
