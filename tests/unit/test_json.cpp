#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <cmath>

#include "core/json_text.hpp"

#include "switchboard/switchboard.hpp"

using namespace switchboard;

namespace {

// Records with every field set to a value of its own, so that a field that
// moves, disappears or changes its name or form shows in the text.
User sample_user() {
    User u;
    u.id = 7;
    u.org_id = 2;
    u.username = "amina";
    u.email = "amina@example.org";
    u.phone = "+254711000001";
    u.first_name = "Amina";
    u.last_name = "Otieno";
    u.extension = "201";
    u.photo = "12";
    u.role = Role::supervisor;
    u.active = false;
    u.email_verified = true;
    u.must_change_password = true;
    u.created_ms = 1600000000001;
    u.updated_ms = 1600000000002;
    return u;
}

Organisation sample_org() {
    Organisation o;
    o.id = 2;
    o.company_name = "Helpline \"Kenya\"";
    o.email = "info@example.org";
    o.contact_number = "+254700000000";
    o.owner_user_id = 7;
    o.verified = true;
    o.standards.silence_len_ms = 600;
    o.standards.interruption_len_ms = 800;
    o.standards.list_by = ListBy::client_id;
    o.constraints.expected_tickets_daily = 11;
    o.constraints.expected_tickets_weekly = 22;
    o.constraints.expected_tickets_monthly = 33;
    o.constraints.min_call_len_s = 44;
    o.constraints.max_call_len_s = 55;
    o.created_ms = 1600000000003;
    o.updated_ms = 1600000000004;
    o.user_count = 9;
    return o;
}

DevKey sample_key() {
    DevKey k;
    k.id = 3;
    k.username = "crm";
    k.pass_key_hint = "...wxyz";
    k.active = false;
    k.created_ms = 1600000000005;
    k.updated_ms = 1600000000006;
    return k;
}

Principal sample_principal() {
    Principal p;
    p.user_id = 7;
    p.org_id = 2;
    p.role = Role::admin;
    p.username = "amina";
    p.kind = TokenKind::dev;
    p.session_id = 99;
    p.must_change_password = true;
    p.endpoint = "GET /x";
    return p;
}

ActivityEntry sample_activity() {
    ActivityEntry e;
    e.id = 4;
    e.org_id = 2;
    e.user_id = 7;
    e.actor = "amina";
    e.endpoint = "POST /tickets";
    e.time_ms = 1600000000007;
    e.ok = false;
    e.summary = "status=closed";
    return e;
}

OutboxEmail sample_email() {
    OutboxEmail e;
    e.id = 5;
    e.org_id = 2;
    e.to = "bo@example.org";
    e.subject = "Verify";
    e.body = "Line 1\nLine 2";
    e.kind = "verify";
    e.created_ms = 1600000000008;
    e.sent_ms = 1600000000009;
    e.status = "sent";
    e.attempts = 2;
    e.last_error = "SMTP smtp://127.0.0.1:25: 451 try later";
    e.reply = "250 OK";
    e.message_id = "<a1@example.org>";
    e.vars = {{"code", "123456"}};  // never in the JSON
    return e;
}

Contact sample_contact() {
    Contact c;
    c.id = 6;
    c.org_id = 2;
    c.first_name = "Baraka";
    c.last_name = "Mwangi";
    c.phone = "+254711000002";
    c.email = "baraka@example.org";
    c.town = "Kisumu";
    c.country = "Kenya";
    c.user_category = "parent";
    c.position_in_org = "clerk";
    c.org_name = "Acme";
    c.created_ms = 1600000000010;
    c.updated_ms = 1600000000011;
    return c;
}

Ticket sample_ticket(bool with_contact) {
    Ticket t;
    t.id = 8;
    t.org_id = 2;
    t.ticket_no = "TK000008";
    t.source = "call";
    t.source_id = "c-1";
    t.category_main = 3;
    t.category_sub = 4;
    t.narrative = "narrative";
    t.resolution = "resolution";
    t.status = "escalated";
    t.priority = "high";
    t.referred_to = "police";
    t.escalated_to = "manager";
    t.disposition = "prank";
    t.contact_id = 6;
    t.assigned_to = 7;
    t.created_by = 1;
    t.created_ms = 1600000000012;
    t.updated_ms = 1600000000013;
    if (with_contact) t.contact = sample_contact();
    return t;
}

Call sample_call() {
    Call c;
    c.id = 10;
    c.org_id = 2;
    c.direction = "inbound";
    c.agent_id = 7;
    c.queue = "support";
    c.caller = "+254711000003";
    c.start_ms = 1600000000014;
    c.answer_ms = 1600000000015;
    c.end_ms = 1600000000016;
    c.wait_s = 12;
    c.talk_s = 120;
    c.hold_s = 5;
    c.hangup_status = "answered";
    c.qa_done = true;
    c.activity_count = 2;
    c.ticket_id = 8;
    c.recording_file_id = 11;
    c.created_ms = 1600000000017;
    c.ricket = "2020120211461900045C";
    return c;
}

QaRecord sample_qa() {
    QaRecord q;
    q.id = 12;
    q.org_id = 2;
    q.call_id = 10;
    q.opening = 1;
    q.holding = 2;
    q.politeness = 3;
    q.enthusiasm = 4;
    q.personalization = 5;
    q.troubleshooting = 1;
    q.listening = 2;
    q.accuracy = 3;
    q.resolution = 4;
    q.comments = "good";
    q.recommendations = "slower";
    q.reviewer_id = 7;
    q.reviewer = "amina";
    q.created_ms = 1600000000018;
    q.call_agent_id = 7;
    q.call_direction = "inbound";
    q.call_ricket = "2020120211461900045C";
    return q;
}

FileInfo sample_file() {
    FileInfo f;
    f.id = 11;
    f.org_id = 2;
    f.name = "call.wav";
    f.mime = "audio/wav";
    f.size = 48000;
    f.sha256 = "ab12";
    f.uploaded_by = 7;
    f.created_ms = 1600000000019;
    return f;
}

// The text of the records above, as the C ABI, Python and the HTTP host
// have always carried it. Every byte counts: callers compare it.
const std::string user_text =
    R"({"id":7,"org_id":2,"username":"amina","email":"amina@example.org","phone":"+254711000001")"
    R"(,"first_name":"Amina","last_name":"Otieno","extension":"201","photo":"12","role":"supervisor")"
    R"(,"active":false,"email_verified":true,"must_change_password":true,"created_ms":1600000000001)"
    R"(,"updated_ms":1600000000002})";
const std::string org_text =
    R"({"id":2,"company_name":"Helpline \"Kenya\"","email":"info@example.org")"
    R"(,"contact_number":"+254700000000","owner_user_id":7,"verified":true,"user_count":9)"
    R"(,"standards":{"silence_len_ms":600,"interruption_len_ms":800,"list_by":"ClientId"})"
    R"(,"constraints":{"expected_tickets_daily":11,"expected_tickets_weekly":22)"
    R"(,"expected_tickets_monthly":33,"min_call_len_s":44,"max_call_len_s":55})"
    R"(,"created_ms":1600000000003,"updated_ms":1600000000004})";
const std::string key_text =
    R"({"id":3,"username":"crm","pass_key_hint":"...wxyz","active":false,"created_ms":1600000000005)"
    R"(,"updated_ms":1600000000006})";
const std::string principal_text =
    R"({"user_id":7,"org_id":2,"role":"admin","username":"amina","kind":"dev")"
    R"(,"must_change_password":true})";
const std::string activity_text =
    R"({"id":4,"org_id":2,"user_id":7,"actor":"amina","endpoint":"POST /tickets")"
    R"(,"time_ms":1600000000007,"ok":false,"summary":"status=closed"})";
const std::string email_text =
    R"({"id":5,"org_id":2,"to":"bo@example.org","subject":"Verify","body":"Line 1\nLine 2")"
    R"(,"kind":"verify","created_ms":1600000000008,"sent_ms":1600000000009,"status":"sent","attempts":2)"
    R"(,"last_error":"SMTP smtp://127.0.0.1:25: 451 try later","reply":"250 OK","message_id":"<a1@example.org>"})";
const std::string contact_text =
    R"({"id":6,"first_name":"Baraka","last_name":"Mwangi","phone":"+254711000002")"
    R"(,"email":"baraka@example.org","town":"Kisumu","country":"Kenya","user_category":"parent")"
    R"(,"position_in_org":"clerk","org_name":"Acme","created_ms":1600000000010)"
    R"(,"updated_ms":1600000000011})";
const std::string change_text =
    R"({"id":13,"ticket_id":8,"field":"status","old_value":"open","new_value":"closed","user_id":7)"
    R"(,"actor":"amina","time_ms":1600000000021})";
const std::string message_text =
    R"({"id":14,"ticket_id":8,"author_id":7,"author":"amina","author_role":"agent","body":"hi")"
    R"(,"time_ms":1600000000022})";
const std::string file_text =
    R"({"id":11,"name":"call.wav","mime":"audio/wav","size":48000,"sha256":"ab12","uploaded_by":7)"
    R"(,"created_ms":1600000000019})";
const std::string call_text =
    R"({"id":10,"direction":"inbound","agent_id":7,"queue":"support","caller":"+254711000003")"
    R"(,"start_ms":1600000000014,"answer_ms":1600000000015,"end_ms":1600000000016,"wait_s":12)"
    R"(,"talk_s":120,"hold_s":5,"hangup_status":"answered","qa_done":true,"activity_count":2)"
    R"(,"ticket_id":8,"recording_file_id":11,"created_ms":1600000000017,"ricket":"2020120211461900045C"})";
const std::string qa_text =
    R"({"id":12,"call_id":10,"opening":1,"holding":2,"politeness":3,"enthusiasm":4,"personalization":5)"
    R"(,"troubleshooting":1,"listening":2,"accuracy":3,"resolution":4,"comments":"good")"
    R"(,"recommendations":"slower","reviewer_id":7,"reviewer":"amina","created_ms":1600000000018)"
    R"(,"call_agent_id":7,"call_direction":"inbound","call_ricket":"2020120211461900045C"})";
const std::string stats_text =
    R"({"from_ms":1,"to_ms":2,"inbound_calls":3,"outbound_calls":4,"tickets":5,"emails":6,"sms":7})";
// A ticket up to its "contact" member.
const std::string ticket_head_text =
    R"({"id":8,"ticket_no":"TK000008","source":"call","source_id":"c-1","category_main":3)"
    R"(,"category_sub":4,"narrative":"narrative","resolution":"resolution","status":"escalated")"
    R"(,"priority":"high","referred_to":"police","escalated_to":"manager","disposition":"prank")"
    R"(,"contact_id":6,"assigned_to":7,"created_by":1,"created_ms":1600000000012)"
    R"(,"updated_ms":1600000000013)";

std::string page(std::int64_t total, const std::string& items) {
    return R"({"total":)" + std::to_string(total) + R"(,"items":[)" + items + "]}";
}

const std::string default_user_text =
    R"({"id":0,"org_id":0,"username":"","email":"","phone":"","first_name":"","last_name":"")"
    R"(,"extension":"","photo":"","role":"agent","active":true,"email_verified":false)"
    R"(,"must_change_password":false,"created_ms":0,"updated_ms":0})";

}  // namespace

TEST_CASE("account records keep their JSON text", "[json]") {
    CHECK(json::to_json(sample_user()) == user_text);
    CHECK(json::to_json(sample_org()) == org_text);
    CHECK(json::to_json(sample_key()) == key_text);
    CHECK(json::to_json(CreatedDevKey{sample_key(), "abcdefgh"}) ==
          R"({"key":)" + key_text + R"(,"pass_key":"abcdefgh"})");
    CHECK(json::to_json(CreatedUser{sample_user(), std::string("Temp1234567890")}) ==
          R"({"user":)" + user_text + R"(,"temporary_password":"Temp1234567890"})");
    CHECK(json::to_json(CreatedUser{sample_user(), std::nullopt}) ==
          R"({"user":)" + user_text + R"(,"temporary_password":null})");
    CHECK(json::to_json(SignUpResult{sample_org(), sample_user()}) ==
          R"({"organisation":)" + org_text + R"(,"admin":)" + user_text + "}");
    Session s;
    s.token = "tok";
    s.principal = sample_principal();
    s.expires_ms = 1600000000020;
    CHECK(json::to_json(s) == R"({"token":"tok","expires_ms":1600000000020,"principal":)" + principal_text + "}");
    CHECK(json::to_json(sample_principal()) == principal_text);
    CHECK(json::to_json(sample_activity()) == activity_text);
    CHECK(json::to_json(sample_email()) == email_text);
    CHECK(json::to_json(Page<User>{{sample_user(), User{}}, 5}) == page(5, user_text + "," + default_user_text));
    CHECK(json::to_json(Page<Organisation>{{sample_org()}, 1}) == page(1, org_text));
    CHECK(json::to_json(Page<ActivityEntry>{{sample_activity()}, 3}) == page(3, activity_text));
    CHECK(json::to_json(Page<User>{}) == R"({"total":0,"items":[]})");
    CHECK(json::to_json(std::vector<DevKey>{sample_key(), DevKey{}}) ==
          "[" + key_text + R"(,{"id":0,"username":"","pass_key_hint":"","active":true,"created_ms":0,"updated_ms":0}])");
    CHECK(json::to_json(std::vector<OutboxEmail>{sample_email()}) == "[" + email_text + "]");
    CHECK(json::to_json(std::vector<OutboxEmail>{}) == "[]");
}

TEST_CASE("case records keep their JSON text", "[json]") {
    CHECK(json::to_json(sample_contact()) == contact_text);
    CHECK(json::to_json(Category{4, 3, "abuse"}) == R"({"id":4,"parent_id":3,"name":"abuse"})");
    CHECK(json::to_json(std::vector<Category>{{3, 0, "child"}, {4, 3, "abuse"}}) ==
          R"([{"id":3,"parent_id":0,"name":"child"},{"id":4,"parent_id":3,"name":"abuse"}])");
    const std::string with_contact = ticket_head_text + R"(,"contact":)" + contact_text + "}";
    const std::string without_contact = ticket_head_text + R"(,"contact":null})";
    CHECK(json::to_json(sample_ticket(true)) == with_contact);
    CHECK(json::to_json(sample_ticket(false)) == without_contact);
    CHECK(json::to_json(Page<Ticket>{{sample_ticket(false), sample_ticket(true)}, 2}) ==
          page(2, without_contact + "," + with_contact));
    TicketChange ch;
    ch.id = 13;
    ch.ticket_id = 8;
    ch.field = "status";
    ch.old_value = "open";
    ch.new_value = "closed";
    ch.user_id = 7;
    ch.actor = "amina";
    ch.time_ms = 1600000000021;
    CHECK(json::to_json(ch) == change_text);
    CHECK(json::to_json(std::vector<TicketChange>{ch}) == "[" + change_text + "]");
    TicketMessage m;
    m.id = 14;
    m.ticket_id = 8;
    m.author_id = 7;
    m.author = "amina";
    m.author_role = "agent";
    m.body = "hi";
    m.time_ms = 1600000000022;
    CHECK(json::to_json(m) == message_text);
    CHECK(json::to_json(std::vector<TicketMessage>{m, m}) == "[" + message_text + "," + message_text + "]");
}

TEST_CASE("call, QA and file records keep their JSON text", "[json]") {
    CHECK(json::to_json(sample_call()) == call_text);
    CHECK(json::to_json(Page<Call>{{sample_call()}, 1}) == page(1, call_text));
    CHECK(json::to_json(sample_qa()) == qa_text);
    CHECK(json::to_json(Page<QaRecord>{{sample_qa()}, 1}) == page(1, qa_text));
    CHECK(json::to_json(HelplineStats{1, 2, 3, 4, 5, 6, 7}) == stats_text);
    CHECK(json::to_json(sample_file()) == file_text);
    CHECK(json::to_json(Page<FileInfo>{{sample_file()}, 1}) == page(1, file_text));
}

TEST_CASE("sign-up, registration and settings input parse", "[json]") {
    auto s = json::sign_up_from_json(R"({"company_name":"C","email":"e@x.org","phone":"+1","password":"p"})");
    CHECK(s.company_name == "C");
    CHECK(s.email == "e@x.org");
    CHECK(s.phone == "+1");
    CHECK(s.password == "p");
    CHECK_FALSE(s.email_verified);
    CHECK_THROWS_AS(json::sign_up_from_json(R"({"email_verified":true})"), Error);

    auto r = json::registration_from_json(
        R"({"org_id":2,"email":"e@x.org","password":"p","password_confirm":"q","first_name":"F","last_name":"L"})");
    CHECK(r.org_id == 2);
    CHECK(r.password_confirm == "q");
    CHECK(r.last_name == "L");
    CHECK(r.username.empty());
    CHECK_THROWS_AS(json::registration_from_json(R"({"org_id":"2"})"), Error);

    auto p = json::settings_patch_from_json(R"({"silence_len_ms":600,"list_by":"client","max_call_len_s":90})");
    CHECK(p.silence_len_ms == 600);
    CHECK(p.list_by == std::optional<std::string>("client"));
    CHECK(p.max_call_len_s == 90);
    CHECK_FALSE(p.company_name.has_value());
    CHECK_THROWS_AS(json::settings_patch_from_json(R"({"silence_len_ms":4294967296})"), Error);
}

TEST_CASE("records serialise with their field names", "[json]") {
    User u;
    u.id = 7;
    u.username = "amina";
    u.role = Role::supervisor;
    const std::string text = json::to_json(u);
    CHECK(text.find("\"id\":7") != std::string::npos);
    CHECK(text.find("\"username\":\"amina\"") != std::string::npos);
    CHECK(text.find("\"role\":\"supervisor\"") != std::string::npos);
}

TEST_CASE("user fields parse, unset fields stay unset", "[json]") {
    auto f = json::user_fields_from_json(R"({"username":"bo","role":"agent","active":false})");
    CHECK(f.username == std::optional<std::string>("bo"));
    CHECK(f.role == Role::agent);
    CHECK(f.active == false);
    CHECK_FALSE(f.email.has_value());
}

TEST_CASE("bad JSON input names what was wrong", "[json]") {
    try {
        json::user_fields_from_json(R"({"username": 5})");
        FAIL("accepted a number as username");
    } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::invalid_argument);
        CHECK(e.field() == "username");
    }
    try {
        json::user_fields_from_json(R"({"nickname": "x"})");
        FAIL("accepted an unknown key");
    } catch (const Error& e) {
        CHECK(e.field() == "nickname");
        CHECK(std::string(e.what()).find("unknown field") != std::string::npos);
    }
    CHECK_THROWS_AS(json::settings_patch_from_json("{\"silence_len_ms\": \"500\"}"), Error);
    CHECK_THROWS_AS(json::sign_up_from_json("{not json"), Error);
    CHECK_THROWS_AS(json::list_query_from_json("[1,2]"), Error);
}

TEST_CASE("list queries parse filters, count and offset", "[json]") {
    auto q = json::list_query_from_json(R"({"filters":{"role":"agent","active":true},"count":20,"offset":40})");
    REQUIRE(q.filters.size() == 2);
    CHECK(q.count == 20);
    CHECK(q.offset == 40);
    CHECK(json::list_query_from_json("").filters.empty());
}

TEST_CASE("ticket, call and QA input parse with their nested contact", "[json]") {
    auto t = json::ticket_fields_from_json(
        R"({"narrative":"n","priority":"high","category_main":3,"contact":{"phone":"+254711000001","first_name":"A"}})");
    CHECK(t.narrative == std::optional<std::string>("n"));
    CHECK(t.category_main == 3);
    REQUIRE(t.contact);
    CHECK(t.contact->phone == std::optional<std::string>("+254711000001"));
    try {
        json::ticket_fields_from_json(R"({"contact":{"shoe_size":"9"}})");
        FAIL("accepted an unknown contact field");
    } catch (const Error& e) {
        CHECK(e.field() == "shoe_size");
    }
    CHECK_THROWS_AS(json::ticket_fields_from_json(R"({"contact":"x"})"), Error);
    auto c = json::call_fields_from_json(R"({"direction":"inbound","wait_s":12})");
    CHECK(c.wait_s == 12);
    auto q = json::qa_fields_from_json(R"({"call_id":4,"opening":5})");
    CHECK(q.call_id == 4);
    CHECK(q.opening == 5);
    CHECK_THROWS_AS(json::qa_fields_from_json(R"({"opening":"5"})"), Error);

    PivotReport r;
    r.xaxis = {"status"};
    r.rows = {{{"open"}, 3}};
    r.total = 3;
    CHECK(json::to_json(r) == R"({"xaxis":["status"],"yaxis":[],"total":3,"rows":[{"keys":["open"],"count":3}]})");
}

TEST_CASE("JSON text writes numbers as people write them", "[json]") {
    namespace bj = boost::json;
    const bj::value v = bj::object{{"whole", 10.0}, {"half", 0.5}, {"pitch", 120.56}, {"ms", 0.001},
                                   {"count", 3}, {"nan", std::nan("")}, {"text", "a \"b\"\n"},
                                   {"list", bj::array{1.25, nullptr, true}}};
    const std::string text = switchboard::detail::json_text(v);
    CHECK(text ==
          "{\"whole\":10.0,\"half\":0.5,\"pitch\":120.56,\"ms\":0.001,\"count\":3,\"nan\":null,"
          "\"text\":\"a \\\"b\\\"\\n\",\"list\":[1.25,null,true]}");
    // It reads back to the same values, reals as reals.
    const bj::value back = bj::parse(text);
    CHECK(back.at("whole").is_double());
    CHECK(back.at("pitch").as_double() == 120.56);
    CHECK(back.at("count").is_int64());
}
