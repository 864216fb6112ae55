#include <filesystem>

#include "helpers.hpp"

using namespace switchboard;

namespace {

struct Centre : sbtest::OrgDesk {
    Centre() : OrgDesk([](SwitchboardOptions& o) { o.max_file_bytes = 1024; }) {}
    Calls& calls = sb->calls();
    Files& files = sb->files();
};

using sbtest::error_of;

QaFields scores(std::int64_t call_id, int all) {
    QaFields q;
    q.call_id = call_id;
    q.opening = q.holding = q.politeness = q.enthusiasm = q.personalization = q.troubleshooting = q.listening =
        q.accuracy = q.resolution = all;
    q.comments = "good";
    return q;
}

}  // namespace

TEST_CASE("files are stored by content hash and read back", "[files]") {
    Centre c;
    auto f = c.files.upload(c.admin, "report.txt", "text/plain", "hello helpline");
    CHECK(f.size == 14);
    // sha256("abc"), the FIPS 180-2 example, checks the digest itself.
    CHECK(c.files.upload(c.admin, "abc.txt", "", "abc").sha256 ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(f.sha256.size() == 64);
    CHECK(std::filesystem::exists(c.files.content_path(f)));
    CHECK(c.files.content_path(f).find("report") == std::string::npos);  // never the client's name
    CHECK(c.files.read(c.admin, f.id) == "hello helpline");
    auto again = c.files.upload(c.admin, "copy.txt", "", "hello helpline");
    CHECK(again.sha256 == f.sha256);
    CHECK(again.mime == "application/octet-stream");
    CHECK(c.files.list(c.admin, {}).total == 3);

    CHECK(error_of([&] { c.files.upload(c.admin, "../etc/passwd", "", "x"); }).second == "name");
    CHECK(error_of([&] { c.files.upload(c.admin, "a/b.txt", "", "x"); }).second == "name");
    CHECK(error_of([&] { c.files.upload(c.admin, "empty.txt", "", ""); }).second == "file");
    CHECK(error_of([&] { c.files.upload(c.admin, "big.bin", "", std::string(1025, 'x')); }).first ==
          ErrorCode::too_large);
    CHECK(c.files.list(c.admin, {}).total == 3);  // nothing stored by the refusals

    // An agent sees their own uploads only; another organisation none.
    auto agent = c.user("kioko", Role::agent);
    auto mine = c.files.upload(agent, "photo.jpg", "image/jpeg", "\xff\xd8\xff");
    CHECK(c.files.list(agent, {}).total == 1);
    CHECK(error_of([&] { c.files.info(agent, f.id); }).first == ErrorCode::not_found);
    auto other = sbtest::make_org(c.acc, "b@example.org", "B");
    auto admin_b = c.acc.authenticate(other.admin.token);
    CHECK(error_of([&] { c.files.read(admin_b, mine.id); }).first == ErrorCode::not_found);
}

TEST_CASE("a file is read a part at a time", "[files]") {
    Centre c;
    std::string data;
    for (int i = 0; i < 1000; ++i) data += static_cast<char>('a' + i % 26);
    auto f = c.files.upload(c.admin, "recording.wav", "audio/wav", data);
    CHECK(c.files.read_range(c.admin, f.id, 0, 10) == "abcdefghij");
    CHECK(c.files.read_range(c.admin, f.id, 26, 3) == "abc");
    CHECK(c.files.read_range(c.admin, f.id, 995, 100) == data.substr(995));  // fewer at the end
    CHECK(c.files.read_range(c.admin, f.id, 1000, 10).empty());             // none from the end on
    CHECK(c.files.read_range(c.admin, f.id, 5, 0).empty());
    std::string whole;
    for (std::int64_t at = 0; at < f.size; at += 128) whole += c.files.read_range(c.admin, f.id, at, 128);
    CHECK(whole == data);

    auto refused = error_of([&] { c.files.read_range(c.admin, f.id, 1001, 1); });
    CHECK(refused == std::pair{ErrorCode::invalid_argument, std::string("offset")});
    CHECK(sbtest::thrown([&] { c.files.read_range(c.admin, f.id, -1, 1); }).message ==
          std::string("the offset -1 is not in file " + std::to_string(f.id) + " (1000 bytes)"));
    CHECK(error_of([&] { c.files.read_range(c.admin, f.id, 0, -1); }).second == "length");
    CHECK(error_of([&] { c.files.read_range(c.admin, f.id + 1, 0, 1); }).first == ErrorCode::not_found);

    // Another organisation's admin, or an agent who did not upload it, sees no such file.
    auto agent = c.user("kioko", Role::agent);
    CHECK(error_of([&] { c.files.read_range(agent, f.id, 0, 1); }).first == ErrorCode::not_found);

    // Content that lost bytes is refused, not read short.
    std::filesystem::resize_file(c.files.content_path(f), 500);
    CHECK(error_of([&] { c.files.read_range(c.admin, f.id, 0, 10); }).first == ErrorCode::storage);
    CHECK(error_of([&] { c.files.read(c.admin, f.id); }).first == ErrorCode::storage);
}

TEST_CASE("calls are recorded, listed per role, and carry their recording", "[calls]") {
    Centre c;
    auto agent = c.user("kioko", Role::agent);
    auto other = c.user("wanjiru", Role::agent);
    CallFields in;
    in.direction = "inbound";
    in.agent_id = agent.user_id;
    in.caller = "+254711000001";
    in.queue = "helpline";
    in.start_ms = 1'700'000'000'000;
    in.answer_ms = 1'700'000'012'000;
    in.end_ms = 1'700'000'300'000;
    in.wait_s = 12;
    in.talk_s = 288;
    in.hangup_status = "answered";
    auto call = c.calls.create_call(c.admin, in);
    CHECK(call.agent_id == agent.user_id);
    CallFields out;
    out.direction = "outbound";
    c.calls.create_call(other, out);

    CHECK(c.calls.list_calls(c.admin, {}).total == 2);
    CHECK(c.calls.list_calls(agent, {}).total == 1);
    CHECK(error_of([&] { c.calls.get_call(other, call.id); }).first == ErrorCode::not_found);
    ListQuery by_vector;
    by_vector.filters = {{"direction", "inbound"}, {"hangup_status", "answered"}};
    CHECK(c.calls.list_calls(c.admin, by_vector).items.at(0).id == call.id);

    CallFields bad;
    bad.direction = "sideways";
    CHECK(error_of([&] { c.calls.create_call(c.admin, bad); }).second == "direction");
    bad = in;
    bad.end_ms = 1;
    CHECK(error_of([&] { c.calls.create_call(c.admin, bad); }).second == "end_ms");
    bad = in;
    bad.agent_id = 9999;
    CHECK(error_of([&] { c.calls.create_call(c.admin, bad); }).second == "agent_id");
    CHECK(c.calls.create_call(agent, in).agent_id == agent.user_id);  // an agent records their own call
    bad = in;
    bad.agent_id = other.user_id;
    CHECK(error_of([&] { c.calls.create_call(agent, bad); }).first == ErrorCode::forbidden);

    CHECK(error_of([&] { c.calls.recording(c.admin, call.id); }).first == ErrorCode::not_found);
    auto wav = c.files.upload(c.admin, "call.wav", "audio/wav", "RIFF....WAVEfmt ");
    CHECK(error_of([&] { c.calls.attach_recording(agent, call.id, wav.id); }).second == "file_id");
    c.calls.attach_recording(c.admin, call.id, wav.id);
    CHECK(c.calls.recording(agent, call.id).id == wav.id);

    auto report = c.calls.report_calls(c.admin, {}, {"direction"}, {});
    REQUIRE(report.rows.size() == 2);
    CHECK(report.rows[0].keys == std::vector<std::string>{"inbound"});
    std::string csv;
    c.calls.export_calls_csv(c.admin, {}, [&](std::string_view s) { csv += s; });
    CHECK(csv.rfind("id,direction,agent_id,queue,caller,", 0) == 0);
    CHECK(csv.find("+254711000001") != std::string::npos);
}

TEST_CASE("QA scorecards mark the call and refuse bad scores by field", "[calls][qa]") {
    Centre c;
    auto agent = c.user("kioko", Role::agent);
    auto sup = c.user("sue", Role::supervisor);
    CallFields in;
    in.agent_id = agent.user_id;
    auto call = c.calls.create_call(c.admin, in);
    CHECK_FALSE(call.qa_done);

    auto bad = scores(call.id, 4);
    bad.listening = 6;
    CHECK(error_of([&] { c.calls.create_qa(sup, bad); }).second == "listening");
    bad = scores(call.id, 4);
    bad.accuracy.reset();
    CHECK(error_of([&] { c.calls.create_qa(sup, bad); }).second == "accuracy");
    CHECK(error_of([&] { c.calls.create_qa(sup, scores(9999, 3)); }) ==
          std::make_pair(ErrorCode::not_found, std::string("call_id")));
    CHECK(error_of([&] { c.calls.create_qa(agent, scores(call.id, 3)); }).first == ErrorCode::forbidden);
    CHECK_FALSE(c.calls.get_call(c.admin, call.id).qa_done);  // nothing half-written

    auto qa = c.calls.create_qa(sup, scores(call.id, 4));
    CHECK(qa.reviewer == "sue");
    CHECK(qa.call_agent_id == agent.user_id);
    CHECK(c.calls.get_call(c.admin, call.id).qa_done);
    CHECK(c.calls.list_qa(agent, {}).total == 1);  // their own call's scorecard
    auto other = c.user("wanjiru", Role::agent);
    CHECK(c.calls.list_qa(other, {}).total == 0);
    ListQuery q;
    q.filters = {{"accuracy", "4"}};
    CHECK(c.calls.list_qa(c.admin, q).total == 1);
    auto r = c.calls.report_qa(c.admin, {}, {"call_agent_id"}, {"accuracy"});
    REQUIRE(r.rows.size() == 1);
    CHECK(r.rows[0].keys == std::vector<std::string>{std::to_string(agent.user_id), "4"});
}

TEST_CASE("helpline statistics count calls and tickets in a range", "[calls][stats]") {
    Centre c;
    Cases& cases = c.sb->cases();
    for (int i = 0; i < 3; ++i) {
        CallFields f;
        f.direction = i == 0 ? "outbound" : "inbound";
        f.start_ms = 1'700'000'000'000 + i * 86'400'000LL;
        c.calls.create_call(c.admin, f);
    }
    TicketFields t;
    t.narrative = "n";
    cases.create_ticket(c.admin, t);
    auto all = c.calls.stats(c.admin);
    CHECK(all.inbound_calls == 2);
    CHECK(all.outbound_calls == 1);
    CHECK(all.tickets == 1);
    CHECK(all.emails == 0);
    auto first_day = c.calls.stats(c.admin, 1'700'000'000'000, 1'700'000'000'000 + 3'600'000);
    CHECK(first_day.outbound_calls == 1);
    CHECK(first_day.inbound_calls == 0);
    CHECK(error_of([&] { c.calls.stats(c.admin, 10, 5); }).second == "to");
    auto agent = c.user("kioko", Role::agent);
    CHECK(error_of([&] { c.calls.stats(agent); }).first == ErrorCode::forbidden);
}

TEST_CASE("users export as CSV and summarise by role and active", "[accounts][users][csv]") {
    Centre c;
    c.user("kioko", Role::agent);
    c.user("sue", Role::supervisor);
    std::string csv;
    c.acc.export_users_csv(c.admin, {}, [&](std::string_view s) { csv += s; });
    CHECK(csv.rfind("id,username,email,phone,first_name,last_name,extension,photo,role,active,created_on\r\n", 0) == 0);
    CHECK(csv.find("kioko@example.org") != std::string::npos);
    auto r = c.acc.report_users(c.admin, {}, {"role"}, {"active"});
    CHECK(r.total == 3);
    REQUIRE(r.rows.size() == 3);
    CHECK(r.rows[0].keys == std::vector<std::string>{"admin", "1"});
}

TEST_CASE("a call links only a ticket and a recording its creator may read", "[calls][security]") {
    // An agent once created a call with another user's upload as its
    // recording and downloaded it through the call; and a 201 confirmed that
    // a ticket the agent could not see exists.
    Centre c;
    const Principal agent = c.user("kioko", Role::agent);
    const Principal other = c.user("wanjiru", Role::agent);
    const auto secret = c.files.upload(other, "other.wav", "audio/wav", "RIFF....WAVE");
    const auto own = c.files.upload(agent, "mine.wav", "audio/wav", "RIFF....WAVE mine");
    Cases& cases = c.sb->cases();
    TicketFields tf;
    tf.narrative = "someone else's";
    tf.assigned_to = other.user_id;
    const auto hidden = cases.create_ticket(c.admin, tf);
    tf.assigned_to = agent.user_id;
    const auto visible = cases.create_ticket(c.admin, tf);

    CallFields f;
    f.recording_file_id = secret.id;
    CHECK(sbtest::thrown([&] { c.calls.create_call(agent, f); }).message == "no file " + std::to_string(secret.id));
    CHECK(sbtest::error_of([&] { c.calls.create_call(agent, f); }) ==
          std::make_pair(ErrorCode::invalid_argument, std::string("recording_file_id")));
    // The same answer as for a file that does not exist.
    f.recording_file_id = secret.id + 1000;
    CHECK(sbtest::error_of([&] { c.calls.create_call(agent, f); }) ==
          std::make_pair(ErrorCode::invalid_argument, std::string("recording_file_id")));
    f.recording_file_id = own.id;
    CHECK(c.calls.create_call(agent, f).recording_file_id == own.id);

    CallFields g;
    g.ticket_id = hidden.id;
    const auto refused = sbtest::thrown([&] { c.calls.create_call(agent, g); });
    CHECK(refused.code == ErrorCode::invalid_argument);
    CHECK(refused.field == "ticket_id");
    CHECK(refused.message == "no ticket " + std::to_string(hidden.id));
    g.ticket_id = visible.id;
    CHECK(c.calls.create_call(agent, g).ticket_id == visible.id);
    // Staff link any of the organisation's.
    CallFields s;
    s.recording_file_id = secret.id;
    s.ticket_id = hidden.id;
    const auto staff_call = c.calls.create_call(c.admin, s);
    CHECK(staff_call.recording_file_id == secret.id);
    CHECK(staff_call.ticket_id == hidden.id);
}
