// A temporary directory for the C++ test suites.
#pragma once

#include <filesystem>
#include <random>
#include <string>
#include <system_error>
#include <vector>

namespace sbtest {

// A fresh directory under the system's temporary directory, named
// "<prefix>-<random>"; every one made by a test process is removed when the
// process exits.
inline std::filesystem::path temp_dir(const std::string& prefix) {
    struct Registry {
        std::vector<std::filesystem::path> dirs;
        ~Registry() {
            std::error_code ec;
            for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
        }
    };
    static Registry registry;
    static std::mt19937_64 rng{std::random_device{}()};
    auto dir = std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(rng()));
    std::filesystem::create_directories(dir);
    registry.dirs.push_back(dir);
    return dir;
}

}  // namespace sbtest
