// Jobs as JSON (the form in which they cross the C ABI and reach Python).
#include <boost/json.hpp>

#include "core/json_text.hpp"
#include "switchboard/jobs.hpp"

namespace switchboard {

namespace {

boost::json::object job_obj(const Job& j) {
    boost::json::object o;
    o["id"] = j.id;
    o["kind"] = j.kind;
    o["subject"] = j.subject;
    o["state"] = std::string(to_string(j.state));
    o["attempts"] = j.attempts;
    o["max_attempts"] = j.max_attempts;
    o["run_after_ms"] = j.run_after_ms;
    o["lease_owner"] = j.lease_owner;
    o["lease_expires_ms"] = j.lease_expires_ms;
    o["last_error"] = j.last_error;
    o["payload_bytes"] = j.payload_bytes;
    o["created_ms"] = j.created_ms;
    o["updated_ms"] = j.updated_ms;
    o["finished_ms"] = j.finished_ms;
    return o;
}

}  // namespace

std::string to_json(const Job& job) { return detail::json_text(job_obj(job)); }

std::string to_json(const Page<Job>& page) {
    boost::json::object o;
    o["total"] = page.total;
    boost::json::array items;
    for (const Job& j : page.items) items.push_back(job_obj(j));
    o["items"] = std::move(items);
    return detail::json_text(o);
}

std::string to_json(const JobCounts& c) {
    return detail::json_text(
        boost::json::object{{"queued", c.queued}, {"running", c.running}, {"done", c.done}, {"failed", c.failed}});
}

}  // namespace switchboard
