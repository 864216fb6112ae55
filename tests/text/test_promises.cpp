// Promises: a labelled set of sentences the test builds (precision and
// recall), time statements and their normalised form, spans and speakers.
#include <cstdio>

#include "helpers.hpp"

using namespace switchboard;

namespace {

struct Labelled {
    std::string text;
    bool promise;
    const char* kind;
};

// Promises: subjects x actions x time statements, combined without
// repeating a pattern, plus forms the combinations do not produce.
std::vector<Labelled> promise_sentences() {
    const std::vector<std::string> subjects{"I will", "I'll", "We will", "We'll", "I'm going to", "We're going to",
                                            "I am going to", "I shall", "I'll definitely", "We are going to",
                                            "I will personally", "I'm gonna"};
    const std::vector<std::string> actions{
        "send you the form",        "call you back",          "email you the invoice",
        "look into this",           "process your refund",    "arrange a replacement",
        "get back to you",          "escalate this to my manager", "check with the billing team",
        "update your address",      "cancel the order for you", "book an engineer",
        "reset your password",      "credit your account",    "post the documents",
        "raise a ticket for this",  "follow up on this",      "sort this out for you",
        "let you know",             "fix the problem",        "confirm the appointment by email",
        "refund the delivery charge", "waive the late fee",   "keep you updated",
        "ring you",                 "text you the code",      "deliver the new router"};
    const std::vector<std::string> times{"",
                                         " by tomorrow",
                                         " within 24 hours",
                                         " next Monday",
                                         " by the end of the week",
                                         " today",
                                         " in two days",
                                         " on Friday",
                                         " within 3 working days",
                                         " first thing tomorrow morning",
                                         " this afternoon",
                                         " by 5 pm",
                                         " in an hour",
                                         " later today",
                                         " next week"};
    std::vector<Labelled> out;
    for (std::size_t i = 0; i < 96; ++i) {
        const auto& s = subjects[i % subjects.size()];
        const auto& a = actions[(i * 7) % actions.size()];
        const auto& t = times[(i * 11) % times.size()];
        out.push_back({s + " " + a + t + ".", true, "promise"});
    }
    for (const char* s : {"You will receive a confirmation email within 24 hours.",
                          "You'll get a text when the engineer is on the way.",
                          "Your refund will be processed by Friday.",
                          "The replacement will be sent out tomorrow.",
                          "Someone from our team will call you this afternoon.",
                          "Our engineer will be with you on Tuesday morning.",
                          "A technician will visit next Monday.",
                          "It will be fixed by the end of the day.",
                          "I promise I will sort this out.",
                          "We won't charge you for the missed appointment.",
                          "It won't happen again.",
                          "I'll make sure the refund goes through today.",
                          "I'll try to get it sorted by Wednesday.",
                          "We'll be in touch within five working days.",
                          "I'll have it sent out this afternoon.",
                          "My colleague will email you the details tomorrow.",
                          "Our billing team will contact you within 48 hours.",
                          "You'll hear from us by Thursday.",
                          "Your new card will arrive in 3-5 working days.",
                          "Tomorrow I will call you with an update.",
                          "We shall refund the full amount within 14 days.",
                          "I'll go ahead and cancel that for you now.",
                          "One of our engineers will come out on Saturday.",
                          "The money will be back in your account by Monday.",
                          "You will see the refund on your statement within a week.",
                          "Okay, so I will be sending the paperwork over tonight.",
                          "Don't worry, I'll take care of it.",
                          "Right, we're gonna replace the whole unit next week.",
                          "Your order will be dispatched within two hours.",
                          "Sure, I'll pass your feedback to my supervisor."})
        out.push_back({s, true, "promise"});
    return out;
}

// Harder sentences in the way agents and clients talk; kept whatever the
// rules make of them.
std::vector<Labelled> harder_sentences() {
    std::vector<Labelled> out;
    for (const char* s : {"No problem, I'll get an engineer booked in for Thursday.",
                          "Leave it with me and I'll chase the courier.",
                          "Bear with me, I'm going to transfer you to billing.",
                          "We will absolutely make sure this is resolved.",
                          "I'll personally keep an eye on it.",
                          "Expect a call from us in the next hour.",
                          "The courier will collect the parcel on Wednesday.",
                          "I'm going to raise a complaint on your behalf.",
                          "We'll waive the fee this time.",
                          "I'll send a replacement out to you today.",
                          "A refund of 20 pounds will be credited to your card.",
                          "I'll call the warehouse and get back to you.",
                          "We are going to give you a month free.",
                          "I'll put a note on your account.",
                          "You'll be refunded in full.",
                          "Your engineer will arrive between 8 and 12.",
                          "I will get that sorted for you straight away.",
                          "We'll send you a prepaid returns label.",
                          "I will update the ticket once I hear back.",
                          "From now on, we will send your bills by email."})
        out.push_back({s, true, "promise (harder)"});
    for (const char* s : {"Will that be all for today?",
                          "I'll be with you in a second, the system is slow.",
                          "That will cost you twenty pounds.",
                          "You'll be charged a cancellation fee.",
                          "We will need to see a receipt.",
                          "The engineer said he will call you.",
                          "I'll be off on Friday.",
                          "It'll probably arrive tomorrow.",
                          "I don't think we'll be able to refund it.",
                          "We will not be able to send another one.",
                          "I'm going to have to put you on hold.",
                          "Nobody will call you back, apparently.",
                          "The line will go quiet while I check.",
                          "I won't be able to help with that.",
                          "Your payment will fail if the card is expired.",
                          "You will get charged twice if you do that.",
                          "I will be honest, it doesn't look good.",
                          "Our prices will change in April.",
                          "I'll let you go now.",
                          "We'll see what happens."})
        out.push_back({s, false, "not a promise (harder)"});
    return out;
}

std::vector<Labelled> other_sentences() {
    std::vector<Labelled> out;
    for (const char* s : {"It will rain tomorrow.",
                          "The office will be closed on Monday.",
                          "You will need your account number.",
                          "The update will take about ten minutes.",
                          "Prices will go up next year.",
                          "I will be on holiday next week.",
                          "We will be closed over the bank holiday.",
                          "I'll be honest with you.",
                          "You'll have to restart the router.",
                          "The system will log you out after an hour.",
                          "It'll be cold tomorrow.",
                          "That will be all, thanks.",
                          "I'm going to need your postcode.",
                          "We are going to be very busy today.",
                          "The app will ask you for a code.",
                          "It will take a few days to show on your statement.",
                          "Your phone will restart automatically.",
                          "You will see a green light on the router.",
                          "The engineer will need access to the meter.",
                          "Our store will open at nine.",
                          "It will be a few minutes.",
                          "I will be in the office tomorrow.",
                          "I'll wait.",
                          "I'll hold, thanks.",
                          "The weather will be better next week.",
                          "My daughter will be home at six.",
                          "The meeting will start at ten.",
                          "This call will be recorded for training purposes.",
                          "The price will be the same.",
                          "You'll love the new plan.",
                          "Your bill will be higher this month.",
                          "Your contract will end in March.",
                          "It's going to rain later.",
                          "I'm going to be late for work.",
                          "We are going to lose the connection.",
                          "I will never understand this bill.",
                          "The technician will probably be late.",
                          "I'll need to check with my manager.",
                          "The queue will be long on Monday.",
                          "My husband will be furious."})
        out.push_back({s, false, "future, not a promise"});
    for (const char* s : {"I sent you the form yesterday.",
                          "We called you back on Monday.",
                          "I was going to call you.",
                          "We refunded the payment last week.",
                          "I have already escalated this.",
                          "I emailed the invoice this morning.",
                          "Our engineer visited on Tuesday.",
                          "You received a confirmation email.",
                          "The refund was processed on Friday.",
                          "I told you I would call.",
                          "We fixed the fault last night.",
                          "I checked with the billing team.",
                          "I cancelled the order for you.",
                          "She said she would send it.",
                          "They promised to call me back.",
                          "We were going to send a replacement.",
                          "I looked into it yesterday.",
                          "My colleague updated your address.",
                          "The parcel arrived this morning.",
                          "I already reset your password.",
                          "We had arranged an engineer for Monday.",
                          "I would have called you but the line was down.",
                          "I posted the documents last week.",
                          "You got a text from us yesterday.",
                          "The engineer came out twice.",
                          "I spoke to my manager about it.",
                          "We credited your account on the 3rd.",
                          "I raised a ticket for this last month.",
                          "The order was cancelled yesterday.",
                          "I tried to call you this morning."})
        out.push_back({s, false, "past"});
    for (const char* s : {"If you send the receipt, we will refund you.",
                          "I would call you back if I could.",
                          "We could send an engineer next week.",
                          "I might be able to call you tomorrow.",
                          "If it's still broken, I'll arrange an engineer.",
                          "Maybe I'll call you later.",
                          "Hopefully we'll have it fixed by Friday.",
                          "I'll refund you if the item is faulty.",
                          "Unless the payment fails, we will ship it tomorrow.",
                          "We would need a photo of the damage.",
                          "If you want, we could email the form.",
                          "I'd send it today if the system was working.",
                          "In case the parcel doesn't arrive, we will send another.",
                          "As long as you return it within 30 days, we'll refund you.",
                          "We may be able to waive the fee.",
                          "I could look into it for you.",
                          "If the engineer can't fix it, we will replace the router.",
                          "Should you need anything else, we will be happy to help.",
                          "Perhaps we will send a voucher.",
                          "If I get approval, I'll credit your account.",
                          "We might refund part of the cost.",
                          "Provided the fault is ours, we will pay for the repair.",
                          "I think I'll be able to send it tomorrow.",
                          "Once you confirm your address, we will post the card.",
                          "If it were up to me, I would refund you.",
                          "We would have sent it if we had your address.",
                          "I'll probably call you tomorrow.",
                          "Assuming the stock arrives, we'll ship on Monday.",
                          "If the fault is on our side, we'll waive the charge.",
                          "I guess we'll send someone out."})
        out.push_back({s, false, "conditional or hedged"});
    for (const char* s : {"Will you call me back?",
                          "Shall I send you the form?",
                          "When will the engineer arrive?",
                          "Are you going to refund me?",
                          "Can you send me the invoice?",
                          "Will I receive a confirmation email?",
                          "Would you like me to call you back?",
                          "Could you call me tomorrow?",
                          "Will someone call me today?",
                          "What will happen to my order?",
                          "Are you going to fix it by Friday?",
                          "Will the refund be processed this week?",
                          "Do you want me to send it again?",
                          "Shall we arrange an engineer for Monday?",
                          "Is someone going to call me?",
                          "Will you email me the details",
                          "When are you going to send the replacement?",
                          "How will I know when it is fixed?",
                          "Are we going to get a refund?",
                          "Can I get a refund?",
                          "Will it be sent today?",
                          "Is the engineer going to come tomorrow?",
                          "Who will call me back?",
                          "Will you be able to help me?",
                          "You will call me back, right?",
                          "So I'll get a refund?",
                          "Why will it take so long?",
                          "Could someone look into this?",
                          "Would it be possible to call me tomorrow?",
                          "Will my new card arrive by Friday?"})
        out.push_back({s, false, "question"});
    return out;
}

}  // namespace

TEST_CASE("promises: precision and recall on a labelled set of sentences", "[promises]") {
    auto set = promise_sentences();
    auto others = other_sentences();
    set.insert(set.end(), others.begin(), others.end());
    auto harder = harder_sentences();
    set.insert(set.end(), harder.begin(), harder.end());
    REQUIRE(set.size() >= 200);

    int tp = 0, fp = 0, fn = 0, tn = 0;
    std::string mistakes;
    for (const auto& s : set) {
        bool found = !find_promises(s.text).empty();
        if (found && s.promise) ++tp;
        else if (found) ++fp, mistakes += std::string("  false promise (") + s.kind + "): " + s.text + "\n";
        else if (s.promise) ++fn, mistakes += "  missed promise: " + s.text + "\n";
        else ++tn;
    }
    double precision = tp / double(tp + fp), recall = tp / double(tp + fn);
    std::printf("promises: %zu sentences (%d promises, %d others): precision %.3f, recall %.3f\n%s", set.size(),
                tp + fn, fp + tn, precision, recall, mistakes.c_str());
    INFO(mistakes);
    CHECK(tp + fn >= 100);
    CHECK(fp + tn >= 100);
    CHECK(precision >= 0.9);
    CHECK(recall >= 0.9);
}

TEST_CASE("time statements are normalised to a day count or a weekday", "[promises]") {
    struct Case {
        const char* sentence;
        const char* statement;
        std::optional<int> days;
        std::optional<int> hours;
        const char* weekday;
        bool business;
    };
    const Case cases[] = {
        {"I will call you by tomorrow.", "by tomorrow", 1, {}, nullptr, false},
        {"I'll send it within 24 hours.", "within 24 hours", 1, 24, nullptr, false},
        {"We'll call you back within 36 hours.", "within 36 hours", 2, 36, nullptr, false},
        {"I'll ring you in 2 hours.", "in 2 hours", 0, 2, nullptr, false},
        {"I'll call you back in ten minutes.", "in ten minutes", 0, 1, nullptr, false},
        {"Our engineer will visit next Monday.", "next Monday", {}, {}, "monday", false},
        {"We'll call you back by the end of the week.", "by the end of the week", {}, {}, "friday", false},
        {"I'll send it today.", "today", 0, {}, nullptr, false},
        {"I will email you tonight.", "tonight", 0, {}, nullptr, false},
        {"I'll post it the day after tomorrow.", "the day after tomorrow", 2, {}, nullptr, false},
        {"The refund will be processed in 3-5 working days.", "in 3-5 working days", 5, {}, nullptr, true},
        {"We will refund you within three to five business days.", "within three to five business days", 5, {},
         nullptr, true},
        {"I'll follow up in a couple of days.", "in a couple of days", 2, {}, nullptr, false},
        {"We'll be in touch within a week.", "within a week", 7, {}, nullptr, false},
        {"I'll chase it next week.", "next week", 7, {}, nullptr, false},
        {"We will send it within twenty four hours.", "within twenty four hours", 1, 24, nullptr, false},
        {"I'll call you on Friday at 3 pm.", "on Friday at 3 pm", {}, {}, "friday", false},
        {"I'll call you tomorrow at 10am.", "tomorrow at 10am", 1, {}, nullptr, false},
        {"We'll send the form by close of business.", "by close of business", 0, {}, nullptr, false},
        {"I'll get back to you by 5 pm.", "by 5 pm", 0, {}, nullptr, false},
        {"I'll sort it out right away.", "right away", 0, {}, nullptr, false},
        {"Someone will call you over the weekend.", "over the weekend", {}, {}, "saturday", false},
        {"We will issue the credit in a fortnight.", "in a fortnight", 14, {}, nullptr, false},
    };
    for (const auto& c : cases) {
        INFO(c.sentence);
        auto p = find_promises(c.sentence);
        REQUIRE(p.size() == 1);
        CHECK(p[0].time_statement == c.statement);
        REQUIRE(p[0].due.has_value());
        CHECK(p[0].due->days == c.days);
        CHECK(p[0].due->hours == c.hours);
        CHECK(p[0].due->weekday == (c.weekday ? std::optional<std::string>(c.weekday) : std::nullopt));
        CHECK(p[0].due->business_days == c.business);
    }
    // Named, but no definite day: the statement without a due.
    for (const char* s : {"I'll call you back soon.", "We will send it as soon as possible.",
                          "I'll post it by the end of the month.", "We'll ship it on the 5th.",
                          "I'll call you later."}) {
        INFO(s);
        auto p = find_promises(s);
        REQUIRE(p.size() == 1);
        CHECK_FALSE(p[0].time_statement.empty());
        CHECK_FALSE(p[0].due.has_value());
    }
    auto p = find_promises("I'll send you the form.");
    REQUIRE(p.size() == 1);
    CHECK(p[0].time_statement.empty());
    CHECK_FALSE(p[0].due.has_value());
}

TEST_CASE("promise spans, several per sentence, and the speaker", "[promises]") {
    std::string text = "Thanks for waiting. Tomorrow, I will call you with an update. "
                       "I'll send the form and we'll book the engineer for Monday. Bye!";
    auto p = find_promises(text, std::string("agent"));
    REQUIRE(p.size() == 3);
    CHECK(p[0].text == "Tomorrow, I will call you with an update");
    CHECK(p[0].time_statement == "Tomorrow");
    CHECK(p[1].text == "I'll send the form");
    CHECK(p[1].time_statement.empty());
    CHECK(p[2].text == "we'll book the engineer for Monday");
    CHECK(p[2].due->weekday == "monday");
    for (const auto& x : p) {
        CHECK(x.speaker == "agent");
        CHECK(text.substr(x.byte_start, x.byte_end - x.byte_start) == x.text);
        CHECK(x.start == x.byte_start);  // ASCII
    }
    CHECK(find_promises(text).at(0).speaker == std::nullopt);
    // Sentences without punctuation, as speech-to-text writes them, split at line breaks.
    auto q = find_promises("agent: i'll call you back in an hour\nclient: ok thanks\nagent: we will send it friday");
    REQUIRE(q.size() == 2);
    CHECK(q[0].due->hours == 1);
    CHECK(q[1].due->weekday == "friday");
}
