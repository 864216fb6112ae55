// switchboard-host: OpenCHS QA (seed 004, 4.1-4.5), calls and their
// recordings (6.1-6.5, plus creating a call and attaching a recording, which
// the seed leaves to telephony), files (9.1-9.2) and stats (10).
#include <climits>

#include "openchs_common.hpp"

namespace switchboard::host {

using namespace openchs;

namespace {

std::string time_text(std::int64_t ms) { return ms ? format_time(ms) : std::string(); }

// --------------------------------------------------------------- calls

// A call in the seed's names where it has them (usr, vector, context_masq,
// sla_wait); every value a string.
json::object call_object(const Call& k) {
    return {{"id", str(k.id)},
            {"vector", k.direction},
            {"usr", id_text(k.agent_id)},
            {"context_masq", k.queue},
            {"caller", k.caller},
            {"start", time_text(k.start_ms)},
            {"answer", time_text(k.answer_ms)},
            {"end", time_text(k.end_ms)},
            {"sla_wait", str(k.wait_s)},
            {"talk_s", str(k.talk_s)},
            {"hold_s", str(k.hold_s)},
            {"hangup_status", k.hangup_status},
            {"qa_done", k.qa_done ? "1" : "0"},
            {"activity_count", str(k.activity_count)},
            {"ticket_id", id_text(k.ticket_id)},
            {"file_id", id_text(k.recording_file_id)},
            {"ricket", k.ricket},
            {"created_on", format_time(k.created_ms)}};
}

Response calls_answer(int status, const char* info, const Call& k) {
    json::object o;
    if (info) o["calls_nb"] = json::array{json::array{"info", info}};
    o["calls"] = json::array{call_object(k)};
    return send(status, o);
}

int small_count(const Params& p, const std::string& key) {
    const auto n = *p.whole(key);
    if (n < 0 || n > INT_MAX) throw Refusal{key + " must be 0 or more", key};
    return static_cast<int>(n);
}

std::int64_t time_value(const Params& p, const std::string& key) {
    const auto t = switchboard::parse_time(*p.text(key));
    if (!t) throw Refusal{key + " must be a time (ISO-8601 or Unix milliseconds)", key};
    return *t;
}

// POST /eproc/calls: each field under its seed name or the core's.
Response create_call(Exchange& c) {
    const Params& p = c.params;
    CallFields f;
    c.fields.clear();
    auto alias = [&](const char* core_name, const std::string& key) { c.fields.emplace_back(core_name, key); };
    for (const auto& kv : p.object()) {
        const std::string key(kv.key());
        if (key == "vector" || key == "direction") f.direction = p.text(key), alias("direction", key);
        else if (key == "usr" || key == "agent_id") f.agent_id = p.whole(key), alias("agent_id", key);
        else if (key == "context_masq" || key == "queue") f.queue = p.text(key), alias("queue", key);
        else if (key == "caller") f.caller = p.text(key);
        else if (key == "hangup_status") f.hangup_status = p.text(key);
        else if (key == "start") f.start_ms = time_value(p, key), alias("start_ms", key);
        else if (key == "answer") f.answer_ms = time_value(p, key), alias("answer_ms", key);
        else if (key == "end") f.end_ms = time_value(p, key), alias("end_ms", key);
        else if (key == "sla_wait" || key == "wait_s") f.wait_s = small_count(p, key), alias("wait_s", key);
        else if (key == "talk_s") f.talk_s = small_count(p, key);
        else if (key == "hold_s") f.hold_s = small_count(p, key);
        else if (key == "activity_count") f.activity_count = small_count(p, key);
        else if (key == "ticket_id") f.ticket_id = p.whole(key);
        else if (key == "file_id") f.recording_file_id = p.whole(key), alias("recording_file_id", key);
        else throw unknown_field(key);
    }
    const Call k = c.core([&] { return c.ctx.calls.create_call(c.who, f); });
    return calls_answer(201, "Call Created", k);
}

// GET /eproc/calls/{id}; ?file=wav downloads the recording.
Response view_call(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    const std::string* file = nullptr;
    for (const auto& [k, v] : c.req.query) {
        if (k != "file") throw unknown_field(k);
        file = &v;
    }
    if (file) {
        if (*file != "wav") throw Refusal{"file must be wav", "file"};
        const FileInfo f = c.core([&] { return c.ctx.calls.recording(c.who, id); });
        return stream_file(c.ctx.files.content_path(f), f.size, "audio/wav", "call-" + str(id) + ".wav");
    }
    const Call k = c.core([&] { return c.ctx.calls.get_call(c.who, id); });
    return calls_answer(200, nullptr, k);
}

Response list_calls(Exchange& c) {
    const ListRequest lr = list_request(c, {"csv"}, {}, kCallFields);
    if (csv_requested(lr)) {
        return stream_csv(
            c, "calls.csv",
            [&ctx = c.ctx, who = c.who, q = lr.query](const CsvSink& sink) { ctx.calls.export_calls_csv(who, q, sink); },
            lr.names);
    }
    const Page<Call> page = c.core([&] { return c.ctx.calls.list_calls(c.who, lr.query); });
    json::array items;
    for (const auto& k : page.items) items.push_back(call_object(k));
    json::object o;
    o["calls"] = std::move(items);
    o["calls_ctx"] = json::array{json::array{"total", json::string(str(page.total))}};
    return send(200, o);
}

Response report_calls(Exchange& c) {
    const ListRequest lr = list_request(c, {"xaxis", "yaxis"}, {}, kCallFields);
    const Axes a = axes(lr);
    const PivotReport r = c.core([&] { return c.ctx.calls.report_calls(c.who, lr.query, a.x, a.y); });
    return pivot_answer("calls", r, lr.names);
}

// POST /eproc/calls/{id}/recording {"file_id": "7"}
Response attach_recording(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    std::optional<std::int64_t> file_id;
    for (const auto& kv : c.params.object()) {
        const std::string key(kv.key());
        if (key != "file_id") throw unknown_field(key);
        file_id = c.params.whole(key);
    }
    if (!file_id) throw Refusal{"file_id is required", "file_id"};
    if (*file_id <= 0) throw Refusal{"file_id isn't a valid record id", "file_id"};
    const Call k = c.core([&] { return c.ctx.calls.attach_recording(c.who, id, *file_id); });
    return calls_answer(202, "Recording Attached", k);
}

// POST /eproc/calls/{id}/analyse: the call's recording through the call
// pipeline (speech-to-text, events, redaction); the answer is the call with
// its "ricket", whose report GET /report/{Ricket} serves.
Response analyse_call(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    for (const auto& kv : c.params.object()) throw unknown_field(std::string(kv.key()));
    c.core([&] { return c.ctx.core.interactions().analyse_call_recording(c.who, id); });
    const Call k = c.core([&] { return c.ctx.calls.get_call(c.who, id); });
    return calls_answer(202, "Analysis Queued", k);
}

// --------------------------------------------------------------- QA

const char* const kScores[] = {"opening",   "holding",         "politeness", "enthusiasm", "personalization",
                               "troubleshooting", "listening", "accuracy",   "resolution"};

json::object qa_object(const QaRecord& q) {
    json::object o{{"id", str(q.id)},
                   {"call_id", str(q.call_id)},
                   {"source", "call"},
                   {"source_id", str(q.call_id)},
                   {"chan_usr", id_text(q.call_agent_id)},
                   {"chan_vector", q.call_direction}};
    const int scores[] = {q.opening,         q.holding,   q.politeness, q.enthusiasm, q.personalization,
                          q.troubleshooting, q.listening, q.accuracy,   q.resolution};
    for (std::size_t i = 0; i < 9; ++i) o[kScores[i]] = str(scores[i]);
    o["comments"] = q.comments;
    o["recommendations"] = q.recommendations;
    o["recomendations"] = q.recommendations;  // the seed's spelling
    o["ricket"] = q.call_ricket;                // the call's analysis, beside the scorecard
    o["reviewer_id"] = id_text(q.reviewer_id);
    o["reviewer"] = q.reviewer;
    o["created_on"] = format_time(q.created_ms);
    return o;
}

// POST /eproc/qa: {"call_id"} or the seed's {"source": "call", "source_id"},
// the nine scores, "comments", "recommendations" (or "recomendations").
Response create_qa(Exchange& c) {
    const Params& p = c.params;
    QaFields f;
    std::string call_key = "call_id";
    std::optional<int>* scores[] = {&f.opening,         &f.holding,   &f.politeness, &f.enthusiasm, &f.personalization,
                                    &f.troubleshooting, &f.listening, &f.accuracy,   &f.resolution};
    for (const auto& kv : p.object()) {
        const std::string key(kv.key());
        bool score = false;
        for (std::size_t i = 0; i < 9 && !score; ++i) {
            if (key != kScores[i]) continue;
            score = true;
            const auto n = *p.whole(key);
            // Out of range values reach the core, which names the field.
            *scores[i] = static_cast<int>(n < INT_MIN ? INT_MIN : n > INT_MAX ? INT_MAX : n);
        }
        if (score) continue;
        if (key == "call_id" || key == "source_id") {
            if (f.call_id && call_key != key) throw Refusal{"give call_id or source_id, not both", key};
            f.call_id = p.whole(key);
            call_key = key;
        } else if (key == "source") {
            if (*p.text(key) != "call") throw Refusal{"source must be call", "source"};
        } else if (key == "comments") f.comments = p.text(key);
        else if (key == "recommendations" || key == "recomendations") {
            if (f.recommendations) throw Refusal{"recommendations is given twice", key};
            f.recommendations = p.text(key);
        } else throw unknown_field(key);
    }
    c.fields = {{"call_id", call_key}};
    if (f.call_id && *f.call_id <= 0) throw Refusal{call_key + " isn't a valid record id", call_key};
    const QaRecord q = c.core([&] { return c.ctx.calls.create_qa(c.who, f); });
    json::object o;
    o["qa_nb"] = json::array{json::array{"info", "QA Created"}};
    o["qa"] = json::array{qa_object(q)};
    return send(201, o);
}

Response view_qa(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    for (const auto& [k, v] : c.req.query) throw unknown_field(k);
    const QaRecord q = c.core([&] { return c.ctx.calls.get_qa(c.who, id); });
    json::object o;
    o["qa"] = json::array{qa_object(q)};
    return send(200, o);
}

Response list_qa(Exchange& c) {
    const ListRequest lr = list_request(c, {"csv"}, {}, kQaFields);
    if (csv_requested(lr)) {
        return stream_csv(
            c, "qa.csv",
            [&ctx = c.ctx, who = c.who, q = lr.query](const CsvSink& sink) { ctx.calls.export_qa_csv(who, q, sink); },
            lr.names);
    }
    const Page<QaRecord> page = c.core([&] { return c.ctx.calls.list_qa(c.who, lr.query); });
    json::array items;
    for (const auto& q : page.items) items.push_back(qa_object(q));
    json::object o;
    o["qa"] = std::move(items);
    o["qa_ctx"] = json::array{json::array{"total", json::string(str(page.total))}};
    return send(200, o);
}

Response report_qa(Exchange& c) {
    const ListRequest lr = list_request(c, {"xaxis", "yaxis"}, {}, kQaFields);
    const Axes a = axes(lr);
    const PivotReport r = c.core([&] { return c.ctx.calls.report_qa(c.who, lr.query, a.x, a.y); });
    return pivot_answer("qa", r, lr.names);
}

// --------------------------------------------------------------- files

json::object file_object(const FileInfo& f) {
    return {{"id", str(f.id)},     {"name", f.name},
            {"mime", f.mime},      {"size", str(f.size)},
            {"sha256", f.sha256},  {"uploaded_by", id_text(f.uploaded_by)},
            {"created_on", format_time(f.created_ms)}};
}

// POST /eproc/files: multipart/form-data with one part "file[]".
Response upload_file(Exchange& c) {
    const std::string field = "file[]";
    c.fields = {{"file", field}, {"name", field}, {"mime", field}};
    if (c.req.content_type() != "multipart/form-data")
        throw Refusal{"send the file as multipart/form-data in file[]", field};
    for (const auto& [k, v] : c.req.form) throw unknown_field(k);
    const UploadedFile* file = nullptr;
    for (const auto& part : c.req.files) {
        if (part.field != field && part.field != "file") throw unknown_field(part.field);
        if (file) throw Refusal{"one file per request", field};
        file = &part;
    }
    if (!file) throw Refusal{"file[] is required", field};
    const FileInfo f = c.core([&] { return c.ctx.files.upload(c.who, file->filename, file->content_type, file->content); });
    json::object o;
    o["files_nb"] = json::array{json::array{"info", "File Created"}};
    o["files"] = json::array{file_object(f)};
    return send(201, o);
}

// GET /eproc/files/{id}: metadata; ?file=1 downloads the content.
Response view_file(Exchange& c) {
    const std::int64_t id = id_param(c, c.req.path_param("id"), "id");
    bool download = false;
    for (const auto& [k, v] : c.req.query) {
        if (k != "file") throw unknown_field(k);
        if (v != "1" && v != "0") throw Refusal{"file must be 1 or 0", "file"};
        download = v == "1";
    }
    const FileInfo f = c.core([&] { return c.ctx.files.info(c.who, id); });
    if (download) return stream_file(c.ctx.files.content_path(f), f.size, f.mime, f.name);
    json::object o;
    o["files"] = json::array{file_object(f)};
    return send(200, o);
}

Response list_files(Exchange& c) {
    const ListRequest lr = list_request(c, {});
    const Page<FileInfo> page = c.core([&] { return c.ctx.files.list(c.who, lr.query); });
    json::array items;
    for (const auto& f : page.items) items.push_back(file_object(f));
    json::object o;
    o["files"] = std::move(items);
    o["files_ctx"] = json::array{json::array{"total", json::string(str(page.total))}};
    return send(200, o);
}

// --------------------------------------------------------------- stats

// GET /eproc/stats/0?from=2024-05-01&to=2024-05-31
Response stats(Exchange& c) {
    const std::string which = c.req.path_param("id");
    if (!which.empty() && which != "0") throw Refusal{"the stats id is 0", "id"};
    std::int64_t from = 0, to = 0;
    for (const auto& [k, v] : c.req.query) {
        if (k != "from" && k != "to") throw unknown_field(k);
        const auto t = switchboard::parse_time(v, k == "to");
        if (!t) throw Refusal{k + " must be a date or time (ISO-8601 or Unix milliseconds)", k};
        (k == "from" ? from : to) = *t;
    }
    c.fields = {{"from_ms", "from"}, {"to_ms", "to"}};
    const HelplineStats s = c.core([&] { return c.ctx.calls.stats(c.who, from, to); });
    json::object o;
    o["stats"] = json::array{json::object{{"inbound", str(s.inbound_calls)},
                                          {"outbound", str(s.outbound_calls)},
                                          {"tickets", str(s.tickets)},
                                          {"emails", str(s.emails)},
                                          {"sms", str(s.sms)},
                                          {"from", time_text(from)},
                                          {"to", time_text(to)}}};
    return send(200, o);
}

}  // namespace

void register_openchs_calls(Server& server, Context& ctx) {
    server.route("POST", "/eproc/calls", authed_endpoint(ctx, "calls", create_call));
    server.route("GET", "/eproc/calls", authed_endpoint(ctx, "calls", list_calls));
    server.route("GET", "/eproc/calls/rpt", authed_endpoint(ctx, "calls", report_calls));
    server.route("GET", "/eproc/calls/{id}", authed_endpoint(ctx, "calls", view_call));
    server.route("POST", "/eproc/calls/{id}/recording", authed_endpoint(ctx, "calls", attach_recording));
    server.route("POST", "/eproc/calls/{id}/analyse", authed_endpoint(ctx, "calls", analyse_call));

    server.route("POST", "/eproc/qa", authed_endpoint(ctx, "qa", create_qa));
    server.route("GET", "/eproc/qa", authed_endpoint(ctx, "qa", list_qa));
    server.route("GET", "/eproc/qa/rpt", authed_endpoint(ctx, "qa", report_qa));
    server.route("GET", "/eproc/qa/{id}", authed_endpoint(ctx, "qa", view_qa));

    // Uploads may be larger than other bodies: --max-upload plus room for
    // the multipart framing; a file over --max-upload itself is the core's 412.
    RouteOptions upload;
    upload.max_body = static_cast<std::size_t>(ctx.files.options().max_bytes) + 64 * 1024;
    server.route("POST", "/eproc/files", authed_endpoint(ctx, "files", upload_file), upload);
    server.route("GET", "/eproc/files", authed_endpoint(ctx, "files", list_files));
    server.route("GET", "/eproc/files/{id}", authed_endpoint(ctx, "files", view_file));

    server.route("GET", "/eproc/stats", authed_endpoint(ctx, "stats", stats));
    server.route("GET", "/eproc/stats/{id}", authed_endpoint(ctx, "stats", stats));
}

}  // namespace switchboard::host
