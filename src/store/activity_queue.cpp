#include "store/activity_queue.hpp"

#include <cstdio>
#include <exception>

#include "switchboard/error.hpp"

namespace switchboard::store {

ActivityQueue::ActivityQueue(Writer write) : write_(std::move(write)), thread_([this] { run(); }) {}

ActivityQueue::~ActivityQueue() {
    {
        std::lock_guard<std::mutex> lock(mu_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
    try {
        flush();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "switchboard: %zu activity entries could not be written: %s\n", queue_.size(),
                     e.what());
    }
}

void ActivityQueue::push(ActivityEntry e) {
    std::unique_lock<std::mutex> lock(mu_);
    if (queue_.size() >= kMaxQueued && !failure_.empty())
        throw Error(ErrorCode::storage, "the activity log could not be written (" + std::to_string(queue_.size()) +
                                            " entries waiting): " + failure_);
    const bool first = queue_.empty();
    queue_.push_back(std::move(e));
    lock.unlock();
    if (first) cv_.notify_one();
}

void ActivityQueue::flush() {
    std::unique_lock<std::mutex> lock(mu_);
    write_batch(lock);
}

void ActivityQueue::write_batch(std::unique_lock<std::mutex>& lock) {
    // Batches are written in order: a second flush waits for the first.
    lock.unlock();
    std::lock_guard<std::mutex> writing(write_mu_);
    lock.lock();
    if (queue_.empty()) return;
    std::vector<ActivityEntry> batch;
    batch.swap(queue_);
    lock.unlock();
    try {
        write_(batch);
    } catch (...) {
        lock.lock();
        batch.insert(batch.end(), std::make_move_iterator(queue_.begin()), std::make_move_iterator(queue_.end()));
        queue_.swap(batch);
        throw;
    }
    lock.lock();
    failure_.clear();
}

void ActivityQueue::run() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
        cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (stopping_) return;
        // Let the batch gather; the destructor cuts the wait short.
        cv_.wait_for(lock, kDelay, [this] { return stopping_; });
        if (stopping_) return;
        try {
            write_batch(lock);
        } catch (const std::exception& e) {
            if (!lock.owns_lock()) lock.lock();
            failure_ = e.what();
            // Try again after another delay rather than in a tight loop.
            cv_.wait_for(lock, kDelay, [this] { return stopping_; });
        }
    }
}

}  // namespace switchboard::store
