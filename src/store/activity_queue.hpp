// Internal: the activity log is written behind the calls it records.
//
// Every authenticated call (reads included) adds an activity entry. Committing
// each one on the writer would make every read a write, and every commit makes
// the pooled reader connections drop their page caches. Instead entries are
// queued and one background thread commits what has gathered, in one
// transaction, kDelay after the first entry of a batch. Reading the log
// (flush()) commits the queue first, so a caller always sees its own entries.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "switchboard/activity.hpp"

namespace switchboard::store {

class ActivityQueue {
public:
    static constexpr std::chrono::milliseconds kDelay{100};
    using Writer = std::function<void(const std::vector<ActivityEntry>&)>;

    explicit ActivityQueue(Writer write);
    // Commits what is queued; an entry that cannot be written then is
    // reported on stderr (a destructor cannot throw).
    ~ActivityQueue();
    ActivityQueue(const ActivityQueue&) = delete;
    ActivityQueue& operator=(const ActivityQueue&) = delete;

    // Queues an entry. A failed background commit (the database locked by
    // another process past its busy timeout, a full disk) leaves the entries
    // queued to be tried again every kDelay; once kMaxQueued entries wait,
    // push throws Error(storage) with the cause instead of queueing more.
    void push(ActivityEntry e);
    static constexpr std::size_t kMaxQueued = 10000;
    // Commits everything queued before it returns; throws what the write throws
    // (the entries stay queued).
    void flush();

private:
    void run();
    // Takes the queue and writes it; puts it back in front when the write fails.
    void write_batch(std::unique_lock<std::mutex>& lock);

    Writer write_;
    std::mutex mu_;
    std::mutex write_mu_;  // one batch written at a time, in queue order
    std::condition_variable cv_;
    std::vector<ActivityEntry> queue_;
    std::string failure_;  // the background thread's last write error, until a commit succeeds
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace switchboard::store
