// Internal: records written behind the calls that make them.
//
// Some records are made by calls that should not wait for a commit of their
// own: the activity entry every authenticated call adds (a read would
// otherwise become a write), the events of a change. They are queued, and
// one background thread commits what has gathered in one transaction: after
// `delay` from the first item of a batch (the activity log lets a batch
// gather), or as soon as the writer is free (events, with a delay of 0:
// batches then form while the previous one commits).
//
// flush() commits the queue before it returns, so a reader sees what its
// own calls queued. Memory stays bounded: once max_queued items wait, push()
// waits for the writer to take them (the callers are slowed to the pace of
// the commits), and when the writer is failing (the database locked by
// another process past its busy timeout, a full disk; it tries again after
// `delay`, at least 100 ms), push() throws Error(storage) with the cause
// instead: nothing is dropped silently.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <functional>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "switchboard/error.hpp"

namespace switchboard::detail {

template <class T>
class WriteBehind {
public:
    using Writer = std::function<void(std::vector<T>&)>;

    // `what` names the items in messages ("activity entries").
    WriteBehind(std::string what, Writer write, std::chrono::milliseconds delay, std::size_t max_queued = 10000)
        : what_(std::move(what)), write_(std::move(write)), delay_(delay), max_queued_(max_queued),
          thread_([this] { run(); }) {}

    // Commits what is queued; an item that cannot be written then is
    // reported on stderr (a destructor cannot throw).
    ~WriteBehind() {
        {
            std::lock_guard<std::mutex> lock(mu_);
            stopping_ = true;
        }
        cv_.notify_all();
        thread_.join();
        try {
            flush();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "switchboard: %zu entries of the %s could not be written: %s\n", queue_.size(),
                         what_.c_str(), e.what());
        }
    }
    WriteBehind(const WriteBehind&) = delete;
    WriteBehind& operator=(const WriteBehind&) = delete;

    void push(T item) {
        std::unique_lock<std::mutex> lock(mu_);
        while (queue_.size() >= max_queued_) {
            if (!failure_.empty())
                throw Error(ErrorCode::storage, "the " + what_ + " could not be written (" +
                                                    std::to_string(queue_.size()) + " waiting): " + failure_);
            cv_.notify_all();  // the writer may be letting a batch gather
            taken_.wait_for(lock, std::chrono::milliseconds(50));
        }
        const bool first = queue_.empty();
        queue_.push_back(std::move(item));
        lock.unlock();
        if (first) cv_.notify_one();
    }

    // Commits everything queued before it returns; throws what the write
    // throws (the items stay queued).
    void flush() {
        std::unique_lock<std::mutex> lock(mu_);
        write_batch(lock);
    }

private:
    // Takes the queue and writes it; puts it back in front when the write fails.
    void write_batch(std::unique_lock<std::mutex>& lock) {
        // Batches are written in order: a second flush waits for the first.
        lock.unlock();
        std::lock_guard<std::mutex> writing(write_mu_);
        lock.lock();
        if (queue_.empty()) return;
        std::vector<T> batch;
        batch.swap(queue_);
        taken_.notify_all();
        lock.unlock();
        try {
            write_(batch);
        } catch (...) {
            lock.lock();
            batch.insert(batch.end(), std::make_move_iterator(queue_.begin()),
                         std::make_move_iterator(queue_.end()));
            queue_.swap(batch);
            throw;
        }
        lock.lock();
        failure_.clear();
    }

    void run() {
        std::unique_lock<std::mutex> lock(mu_);
        for (;;) {
            cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
            if (stopping_) return;
            // Let the batch gather; the destructor, or a full queue, cuts
            // the wait short.
            if (delay_.count() > 0) {
                cv_.wait_for(lock, delay_, [this] { return stopping_ || queue_.size() >= max_queued_; });
                if (stopping_) return;
            }
            try {
                write_batch(lock);
            } catch (const std::exception& e) {
                if (!lock.owns_lock()) lock.lock();
                failure_ = e.what();
                // Try again after a pause rather than in a tight loop.
                cv_.wait_for(lock, std::max(delay_, std::chrono::milliseconds(100)), [this] { return stopping_; });
            }
        }
    }

    std::string what_;
    Writer write_;
    std::chrono::milliseconds delay_;
    std::size_t max_queued_;
    std::mutex mu_;
    std::mutex write_mu_;  // one batch written at a time, in queue order
    std::condition_variable cv_;
    std::condition_variable taken_;  // a batch was taken from the queue
    std::vector<T> queue_;
    std::string failure_;  // the last background write error, until a commit succeeds
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace switchboard::detail
