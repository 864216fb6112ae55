// Internal to the SQLite store: records kept in memory by id, so that a
// read of a hot record takes no query. The store forgets a record when the
// change log (Pool::change_watchers) names its row, and everything when the
// log may have been missed. Only src/store/sqlite includes this.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <unordered_map>
#include <utility>

namespace switchboard::store::sqlite {

template <class V>
class RecordCache {
public:
    // max_bytes: the budget of all records, by size_of; 0 keeps nothing.
    RecordCache(std::size_t max_bytes, std::function<std::size_t(const V&)> size_of)
        : shard_bytes_(max_bytes / kShards), size_of_(std::move(size_of)) {}

    bool enabled() const noexcept { return shard_bytes_ > 0; }

    std::optional<V> find(std::int64_t id) const {
        if (!enabled()) return std::nullopt;
        const Shard& s = shard(id);
        std::shared_lock<std::shared_mutex> lock(s.mu);
        const auto it = s.rows.find(id);
        if (it == s.rows.end()) {
            misses_.fetch_add(1, std::memory_order_relaxed);
            return std::nullopt;
        }
        hits_.fetch_add(1, std::memory_order_relaxed);
        return it->second.value;
    }

    // Taken before the record is read from the database, and given to
    // keep(): a record read before a change, and kept after the change was
    // noted, would be kept stale.
    std::uint64_t stamp(std::int64_t id) const {
        if (!enabled()) return 0;
        const Shard& s = shard(id);
        std::shared_lock<std::shared_mutex> lock(s.mu);
        return s.version;
    }

    void keep(std::int64_t id, const V& value, std::uint64_t stamp) {
        if (!enabled()) return;
        const std::size_t bytes = size_of_(value);
        if (bytes > shard_bytes_) return;
        Shard& s = shard(id);
        std::unique_lock<std::shared_mutex> lock(s.mu);
        if (s.version != stamp) return;
        auto [it, added] = s.rows.try_emplace(id, Kept{value, bytes});
        if (!added) {
            s.bytes -= it->second.bytes;
            it->second = Kept{value, bytes};
        }
        s.bytes += bytes;
        // Over budget: drop others (unordered_map order, so in effect at
        // random), never the one just kept.
        for (auto victim = s.rows.begin(); s.bytes > shard_bytes_ && victim != s.rows.end();) {
            if (victim->first == id) {
                ++victim;
                continue;
            }
            s.bytes -= victim->second.bytes;
            victim = s.rows.erase(victim);
        }
    }

    void forget(std::int64_t id) {
        Shard& s = shard(id);
        std::unique_lock<std::shared_mutex> lock(s.mu);
        ++s.version;
        const auto it = s.rows.find(id);
        if (it == s.rows.end()) return;
        s.bytes -= it->second.bytes;
        s.rows.erase(it);
    }

    // Forgets every record for which pred(value) holds.
    template <class P>
    void forget_if(P&& pred) {
        for (Shard& s : shards_) {
            std::unique_lock<std::shared_mutex> lock(s.mu);
            ++s.version;
            for (auto it = s.rows.begin(); it != s.rows.end();) {
                if (pred(it->second.value)) {
                    s.bytes -= it->second.bytes;
                    it = s.rows.erase(it);
                } else {
                    ++it;
                }
            }
        }
    }

    void clear() {
        forget_if([](const V&) { return true; });
    }

    struct Counts {
        std::uint64_t hits = 0, misses = 0;
        std::size_t records = 0, bytes = 0;
    };
    Counts counts() const {
        Counts c{hits_.load(std::memory_order_relaxed), misses_.load(std::memory_order_relaxed), 0, 0};
        for (const Shard& s : shards_) {
            std::shared_lock<std::shared_mutex> lock(s.mu);
            c.records += s.rows.size();
            c.bytes += s.bytes;
        }
        return c;
    }

private:
    static constexpr std::size_t kShards = 64;
    struct Kept {
        V value;
        std::size_t bytes;
    };
    struct Shard {
        mutable std::shared_mutex mu;
        std::unordered_map<std::int64_t, Kept> rows;
        std::size_t bytes = 0;
        std::uint64_t version = 0;
    };
    Shard& shard(std::int64_t id) { return shards_[static_cast<std::uint64_t>(id) % kShards]; }
    const Shard& shard(std::int64_t id) const { return shards_[static_cast<std::uint64_t>(id) % kShards]; }

    std::size_t shard_bytes_;
    std::function<std::size_t(const V&)> size_of_;
    std::array<Shard, kShards> shards_;
    mutable std::atomic<std::uint64_t> hits_{0}, misses_{0};
};

}  // namespace switchboard::store::sqlite
