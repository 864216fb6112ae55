// Card data: the Luhn check, card numbers typed and spoken, security codes,
// expiry dates and PINs, and what the redacted text keeps.
#include "helpers.hpp"

using namespace switchboard;

namespace {

std::vector<PciFinding> of_kind(const PciResult& r, PciKind k) {
    std::vector<PciFinding> out;
    for (const auto& f : r.findings)
        if (f.kind == k) out.push_back(f);
    return out;
}

std::string digits_of(std::string_view s) {
    std::string d;
    for (char c : s)
        if (c >= '0' && c <= '9') d += c;
    return d;
}

// ASCII and full-width (U+FF10..U+FF19) digits.
std::size_t count_digits(std::string_view s) {
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto at = [&](std::size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0; };
        if (at(i) >= '0' && at(i) <= '9') ++n;
        if (at(i) == 0xEF && at(i + 1) == 0xBC && at(i + 2) >= 0x90 && at(i + 2) <= 0x99) ++n;
    }
    return n;
}

const char* const kWords[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"};

std::string spoken(const std::string& digits) {
    std::string out;
    for (char c : digits) out += std::string(out.empty() ? "" : " ") + kWords[c - '0'];
    return out;
}

}  // namespace

TEST_CASE("the Luhn check", "[pci]") {
    CHECK(luhn_valid("4539148803436467"));
    CHECK_FALSE(luhn_valid("4539148803436468"));
    CHECK(luhn_valid("79927398713"));
    CHECK_FALSE(luhn_valid("79927398710"));
    CHECK(luhn_valid("4539 1488 0343 6467"));  // separators are ignored
    CHECK(luhn_valid("378282246310005"));      // American Express test number
    CHECK_FALSE(luhn_valid("0"));
    CHECK_FALSE(luhn_valid(""));
    CHECK(luhn_valid("00"));
    std::mt19937_64 rng(3);
    for (int i = 0; i < 200; ++i) {
        std::string c = texttest::luhn_card("4", 13 + i % 7, rng);
        CHECK(luhn_valid(c));
        c.back() = char('0' + (c.back() - '0' + 1 + i % 9) % 10);  // any other check digit fails
        CHECK_FALSE(luhn_valid(c));
    }
}

TEST_CASE("typed card numbers keep only their last four digits", "[pci]") {
    auto r = redact_pci("Card 4539 1488 0343 6467, thanks");
    CHECK(r.redacted_text == "Card **** **** **** 6467, thanks");
    REQUIRE(r.findings.size() == 1);
    const auto& f = r.findings[0];
    CHECK(f.kind == PciKind::card_number);
    CHECK(f.text == "**** **** **** 6467");
    CHECK(f.last4 == "6467");
    CHECK(f.brand == "visa");
    CHECK(f.masked);
    CHECK_FALSE(f.spoken);
    CHECK(f.byte_start == 5);
    CHECK(f.byte_end == 24);

    CHECK(redact_pci("no. 4539-1488-0343-6467.").redacted_text == "no. ****-****-****-6467.");
    CHECK(redact_pci("4539148803436467").redacted_text == "************6467");
    auto amex = redact_pci("amex 3782 822463 10005 ok");
    CHECK(amex.redacted_text == "amex **** ****** *0005 ok");
    CHECK(amex.findings.at(0).brand == "amex");
    CHECK(redact_pci("mc 5555 5555 5555 4444").findings.at(0).brand == "mastercard");
    CHECK(redact_pci("disc 6011 1111 1111 1117").findings.at(0).brand == "discover");
}

TEST_CASE("numbers that are not card numbers are left alone", "[pci]") {
    for (const char* s : {"4539 1488 0343 6468",           // fails Luhn
                          "call 0800 123 4567 today",        // 11 digits
                          "ref4539148803436467",             // inside a word
                          "45391488034364671",               // 17 digits, fails Luhn
                          "amounts 1,234,567,890,123,456 and 12.50"}) {
        INFO(s);
        auto r = redact_pci(s);
        for (const auto& f : r.findings) CHECK(f.kind != PciKind::card_number);
    }
    // A card inside a longer run of groups is still found.
    auto r = redact_pci("ref 12 4539 1488 0343 6467");
    REQUIRE(of_kind(r, PciKind::card_number).size() == 1);
    CHECK(r.redacted_text == "ref 12 **** **** **** 6467");
}

TEST_CASE("generated card numbers never survive redaction", "[pci]") {
    std::mt19937_64 rng(99);
    const std::vector<std::string> prefixes{"4", "51", "55", "2221", "34", "37", "6011", "65", "3530", "36"};
    for (int i = 0; i < 300; ++i) {
        std::size_t len = 13 + rng() % 7;
        std::string card = texttest::luhn_card(prefixes[rng() % prefixes.size()], len, rng);
        std::string written;
        int style = static_cast<int>(rng() % 4);
        for (std::size_t k = 0; k < card.size(); ++k) {
            if (k && k % 4 == 0 && style == 1) written += ' ';
            if (k && k % 4 == 0 && style == 2) written += '-';
            written += card[k];
        }
        if (style == 3) written = spoken(card);
        std::string text = "Client: sure, it's " + written + " and that's it.";
        auto r = redact_pci(text);
        INFO(text << "\n -> " << r.redacted_text);
        auto cards = of_kind(r, PciKind::card_number);
        REQUIRE(cards.size() == 1);
        CHECK(cards[0].last4 == card.substr(card.size() - 4));
        CHECK(cards[0].spoken == (style == 3));
        CHECK(digits_of(cards[0].text) == card.substr(card.size() - 4));  // only the last four are digits
        CHECK(r.redacted_text.find(card.substr(0, 6)) == std::string::npos);
        CHECK(std::count(cards[0].text.begin(), cards[0].text.end(), '*') == static_cast<long>(card.size() - 4));
        CHECK(r.redacted_text.substr(cards[0].byte_start, cards[0].byte_end - cards[0].byte_start) == cards[0].text);
    }
}

TEST_CASE("spoken card numbers: digit words, oh, double and triple", "[pci]") {
    auto r = redact_pci(
        "my number is four five three nine, one four eight eight, oh three four three, six four six seven. ok");
    auto cards = of_kind(r, PciKind::card_number);
    REQUIRE(cards.size() == 1);
    CHECK(cards[0].spoken);
    CHECK(cards[0].text == "************6467");
    CHECK(r.redacted_text == "my number is ************6467. ok");

    r = redact_pci("Four five three nine one four double eight zero three four three six four six seven");
    REQUIRE(of_kind(r, PciKind::card_number).size() == 1);
    CHECK(r.redacted_text == "************6467");

    // Mixed digits and words, as speech-to-text writes them.
    r = redact_pci("it's 4539 1488 oh three four three 6467 yes");
    REQUIRE(of_kind(r, PciKind::card_number).size() == 1);
    CHECK(r.redacted_text == "it's ************6467 yes");

    // "triple": 4000 0000 0000 0002 is a Visa test number.
    r = redact_pci("four triple oh triple oh, triple oh triple oh double oh two");
    REQUIRE(of_kind(r, PciKind::card_number).size() == 1);
    CHECK(of_kind(r, PciKind::card_number)[0].last4 == "0002");
    CHECK(r.redacted_text == "************0002");

    // Ordinary speech with number words stays as it is.
    std::string plain = "one of the two engineers said four or five days, oh well";
    CHECK(redact_pci(plain).redacted_text == plain);
}

TEST_CASE("security codes and PINs next to a card are masked", "[pci]") {
    auto r = redact_pci("card 4539 1488 0343 6467, the CVV is 123.");
    auto codes = of_kind(r, PciKind::security_code);
    REQUIRE(codes.size() == 1);
    CHECK(codes[0].text == "***");
    CHECK(r.redacted_text == "card **** **** **** 6467, the CVV is ***.");

    // "CVV" needs no other context; typed with spaces or spoken.
    CHECK(redact_pci("cvc: 1 2 3").redacted_text == "cvc: * * *");
    r = redact_pci("What's the security code on the back of the card? Oh, it's seven eight nine.");
    REQUIRE(of_kind(r, PciKind::security_code).size() == 1);
    CHECK(of_kind(r, PciKind::security_code)[0].spoken);
    CHECK(r.redacted_text == "What's the security code on the back of the card? Oh, it's ***.");
    CHECK(redact_pci("Amex: 3 digit code 4821 on the front").redacted_text ==
          "Amex: 3 digit code **** on the front");

    // Without a card nearby a "security code" is something else.
    std::string two_factor = "The security code we texted you is 4821.";
    CHECK(redact_pci(two_factor).redacted_text == two_factor);
    CHECK(redact_pci(two_factor).findings.empty());
    // The wrong length is not a code.
    CHECK(of_kind(redact_pci("card, cvv 12345"), PciKind::security_code).empty());

    r = redact_pci("For the debit card, my PIN is 4321.");
    REQUIRE(of_kind(r, PciKind::pin).size() == 1);
    CHECK(r.redacted_text == "For the debit card, my PIN is ****.");
    r = redact_pci("card pin number one two three four five six");
    REQUIRE(of_kind(r, PciKind::pin).size() == 1);
    CHECK(r.redacted_text == "card pin number ******");
    std::string no_card = "Please pin 4321 to the board.";
    CHECK(redact_pci(no_card).redacted_text == no_card);
}

TEST_CASE("expiry dates next to a card are masked; others are found, and masked on request", "[pci]") {
    // Next to a card number: masked by default, and with mask_expiry too.
    std::string text = "Visa 4539 1488 0343 6467 expiry date 12/27, security code 123";
    for (bool mask_expiry : {false, true}) {
        auto r = redact_pci(text, mask_expiry);
        auto exp = of_kind(r, PciKind::expiry_date);
        REQUIRE(exp.size() == 1);
        CHECK(exp[0].text == "**/**");
        CHECK(exp[0].masked);
        CHECK(exp[0].byte_start == 37);
        CHECK(exp[0].byte_end == 42);
        CHECK(r.redacted_text == "Visa **** **** **** 6467 expiry date **/**, security code ***");
    }

    // The card number after the date, and a conversation over several lines.
    CHECK(redact_pci("The expiry date is 12/27 and the long number is 4539 1488 0343 6467.").redacted_text ==
          "The expiry date is **/** and the long number is **** **** **** 6467.");
    auto r = redact_pci("Client: it's 4539 1488 0343 6467.\nAgent: Thank you. And the expiry date?\nClient: 03/2029.");
    CHECK(r.redacted_text ==
          "Client: it's **** **** **** 6467.\nAgent: Thank you. And the expiry date?\nClient: **/****.");
    REQUIRE(of_kind(r, PciKind::expiry_date).size() == 1);
    CHECK(of_kind(r, PciKind::expiry_date)[0].masked);
    CHECK(redact_pci("card 4539 1488 0343 6467 expires June 2027").redacted_text ==
          "card **** **** **** 6467 expires **** ****");

    // "Next to" is at most 60 bytes between the card number and the date
    // with its keyword: 60 bytes masks, 61 keeps.
    const std::string pad60 = " and here is some more text to make the gap sixty bytes. ";  // 57 bytes
    REQUIRE(pad60.size() == 57);
    std::string near = "card 4539 1488 0343 6467" + pad60 + "ab expiry 12/27";  // 57 + "ab " = 60
    std::string far = "card 4539 1488 0343 6467" + pad60 + "abc expiry 12/27";
    CHECK(redact_pci(near).redacted_text == "card **** **** **** 6467" + pad60 + "ab expiry **/**");
    CHECK(redact_pci(far).redacted_text == "card **** **** **** 6467" + pad60 + "abc expiry 12/27");
    CHECK(redact_pci(far, true).redacted_text == "card **** **** **** 6467" + pad60 + "abc expiry **/**");
    CHECK(redact_pci("expiry 12/27" + pad60 + "ab 4539 1488 0343 6467").redacted_text ==
          "expiry **/**" + pad60 + "ab **** **** **** 6467");
    CHECK(redact_pci("expiry 12/27" + pad60 + "abc 4539 1488 0343 6467").redacted_text ==
          "expiry 12/27" + pad60 + "abc **** **** **** 6467");
    auto kept = of_kind(redact_pci(far), PciKind::expiry_date);
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].text == "12/27");
    CHECK_FALSE(kept[0].masked);

    // A date on its own (a card word, no card number) is found and kept,
    // and masked only on request.
    r = redact_pci("my card expires June 2027");
    REQUIRE(of_kind(r, PciKind::expiry_date).size() == 1);
    CHECK(of_kind(r, PciKind::expiry_date)[0].text == "June 2027");
    CHECK_FALSE(of_kind(r, PciKind::expiry_date)[0].masked);
    CHECK(r.redacted_text == "my card expires June 2027");
    CHECK(redact_pci("my card expires June 2027", true).redacted_text == "my card expires **** ****");
    CHECK(of_kind(redact_pci("card valid thru 03 / 2029"), PciKind::expiry_date).at(0).text == "03 / 2029");
    CHECK(of_kind(redact_pci("card expiry 13/27"), PciKind::expiry_date).empty());  // no 13th month
    CHECK(of_kind(redact_pci("the offer expires 12/27"), PciKind::expiry_date).empty());  // no card
}

TEST_CASE("card numbers written with dots", "[pci]") {
    auto r = redact_pci("Card 4000.0566.5566.5556 please");
    CHECK(r.redacted_text == "Card ****.****.****.5556 please");
    REQUIRE(r.findings.size() == 1);
    const auto& f = r.findings[0];
    CHECK(f.kind == PciKind::card_number);
    CHECK(f.text == "****.****.****.5556");
    CHECK(f.last4 == "5556");
    CHECK(f.brand == "visa");
    CHECK(f.masked);
    CHECK_FALSE(f.spoken);
    CHECK(f.byte_start == 5);
    CHECK(f.byte_end == 24);

    CHECK(redact_pci("my card is 4539.1488.0343.6467.").redacted_text == "my card is ****.****.****.6467.");
    auto amex = redact_pci("amex 3782.822463.10005 ok");
    CHECK(amex.redacted_text == "amex ****.******.*0005 ok");
    CHECK(amex.findings.at(0).brand == "amex");
    // Dots and spaces mixed.
    CHECK(redact_pci("4539 1488.0343 6467").redacted_text == "**** ****.**** 6467");
}

TEST_CASE("dotted numbers not grouped like a card are left alone", "[pci]") {
    // Each holds a Luhn-valid 13-19 digit number where the digits are read
    // across the dots, or is ordinary text with dots between numbers.
    REQUIRE(luhn_valid("4539148803436467"));
    for (const char* s : {"version 1.2.3 is out",
                          "it costs 1.000.000 shillings",
                          "ping 192.168.100.200 and 10.0.0.1",
                          "on 12.03.2024 at 10.30",
                          "4.539.148.803.436.467 is the total",        // grouped in threes, Luhn-valid
                          "45.39.14.88.03.43.64.67",                  // pairs, Luhn-valid
                          "4539148.803436467",                        // 7 and 9, Luhn-valid
                          "4539.1488.0343.6468",                      // like a card, fails Luhn
                          "build 4539.1488.0343.6467.1",              // a card's groups inside a longer run
                          "ref 12.4539.1488.0343.6467",               // the same
                          "amounts 1.234.567.890.123.456,00 and 12.50"}) {
        INFO(s);
        auto r = redact_pci(s);
        CHECK(r.redacted_text == s);
        CHECK(r.findings.empty());
    }
}

TEST_CASE("card numbers split across one line break", "[pci]") {
    auto r = redact_pci("card 4539 1488\n0343 6467 thanks");
    CHECK(r.redacted_text == "card **** ****\n**** 6467 thanks");
    REQUIRE(r.findings.size() == 1);
    CHECK(r.findings[0].text == "**** ****\n**** 6467");
    CHECK(r.findings[0].last4 == "6467");
    CHECK(r.findings[0].brand == "visa");
    CHECK(r.findings[0].byte_start == 5);
    CHECK(r.findings[0].byte_end == 24);

    CHECK(redact_pci("4539-1488-\r\n0343-6467").redacted_text == "****-****-\r\n****-6467");
    CHECK(redact_pci("4539 1488 0343\r6467.").redacted_text == "**** **** ****\r6467.");
    CHECK(redact_pci("4539 1488 \n 0343 6467").redacted_text == "**** **** \n **** 6467");
    CHECK(redact_pci("3782 822463\n10005").redacted_text == "**** ******\n*0005");
    CHECK(redact_pci("4000.0566.\n5566.5556").redacted_text == "4000.0566.\n5566.5556");  // a dot and a break

    // Across a line break the groups must be laid out like a card, and one
    // break at most: two phone numbers on two lines, a number a line.
    std::string phones = "0800 123 4567\n0800 765 4327";
    REQUIRE(luhn_valid("123456708007654327"));
    CHECK(redact_pci("0800 123 4567 0800 765 4327").findings.size() == 1);  // on one line it reads as one
    CHECK(redact_pci(phones).redacted_text == phones);
    CHECK(redact_pci(phones).findings.empty());
    std::string column = "4539\n1488\n0343\n6467";
    CHECK(redact_pci(column).redacted_text == column);
    CHECK(redact_pci("4539 1488\n\n0343 6467").findings.empty());  // a blank line between
}

TEST_CASE("card numbers in full-width digits", "[pci]") {
    // Full-width digits (U+FF10..U+FF19) are three bytes each; a masked
    // digit becomes one '*', the last four stay as written.
    auto r = redact_pci("カード番号は４５３９１４８８０３４３６４６７です。");
    CHECK(r.redacted_text == "カード番号は************６４６７です。");
    REQUIRE(r.findings.size() == 1);
    const auto& f = r.findings[0];
    CHECK(f.kind == PciKind::card_number);
    CHECK(f.text == "************６４６７");
    CHECK(f.last4 == "6467");
    CHECK(f.brand == "visa");
    CHECK(f.start == 6);
    CHECK(f.end == 22);
    CHECK(f.byte_start == 18);
    CHECK(f.byte_end == 18 + 12 + 12);

    // With ASCII separators, full-width ones (U+3000 ideographic space,
    // U+FF0D hyphen-minus, U+FF0E full stop), across a line break, and
    // mixed with ASCII digits.
    CHECK(redact_pci("card ４５３９ １４８８-０３４３ ６４６７ ok").redacted_text == "card **** ****-**** ６４６７ ok");
    CHECK(redact_pci("４５３９　１４８８　０３４３　６４６７").redacted_text == "****　****　****　６４６７");
    CHECK(redact_pci("４５３９－１４８８－０３４３－６４６７").redacted_text == "****－****－****－６４６７");
    CHECK(redact_pci("４０００．０５６６．５５６６．５５５６").redacted_text == "****．****．****．５５５６");
    CHECK(redact_pci("４５３９ １４８８\n０３４３ ６４６７").redacted_text == "**** ****\n**** ６４６７");
    CHECK(redact_pci("４５３９ 1488 ０３４３ 6467").redacted_text == "**** **** **** 6467");
    CHECK(redact_pci("４５３９1488０３４３6467").redacted_text == "************6467");
    // Next to CJK text, as next to spaces; next to Latin letters, part of a word.
    CHECK(redact_pci("番号4539148803436467です").redacted_text == "番号************6467です");
    CHECK(redact_pci("ref４５３９１４８８０３４３６４６７").findings.empty());
    CHECK(redact_pci("４５３９１４８８０３４３６４６８").findings.empty());  // fails Luhn

    // A security code in full-width digits is masked too.
    r = redact_pci("card ４５３９ １４８８ ０３４３ ６４６７, CVV １２３.");
    CHECK(r.redacted_text == "card **** **** **** ６４６７, CVV ***.");
    REQUIRE(of_kind(r, PciKind::security_code).size() == 1);
    CHECK(of_kind(r, PciKind::security_code)[0].text == "***");

    for (const auto& g : r.findings) {
        CHECK(r.redacted_text.substr(g.byte_start, g.byte_end - g.byte_start) == g.text);
        CHECK(texttest::cp_substr(r.redacted_text, g.start, g.end) == g.text);
    }
}

TEST_CASE("generated cards with dots, line breaks and full-width digits never survive", "[pci]") {
    static const char* const kFull[] = {"０", "１", "２", "３", "４", "５", "６", "７", "８", "９"};
    std::mt19937_64 rng(7);
    const std::vector<std::string> prefixes{"4", "51", "2221", "6011", "65", "3530", "36"};
    for (int i = 0; i < 300; ++i) {
        std::size_t len = 13 + rng() % 7;
        std::string card = texttest::luhn_card(prefixes[rng() % prefixes.size()], len, rng);
        // ASCII with dots; with spaces and one line break; full-width with
        // ideographic spaces; full-width with full-width full stops.
        const int style = static_cast<int>(rng() % 4);
        const std::size_t brk = 4 * (1 + rng() % ((len - 1) / 4));  // the group the line break comes before
        std::string written;
        std::size_t tail = 0;  // where the last four digits start in `written`
        for (std::size_t k = 0; k < card.size(); ++k) {
            if (k && k % 4 == 0)
                written += style == 0 ? "." : style == 1 ? (k == brk ? "\n" : " ") : style == 2 ? "　" : "．";
            if (k + 4 == card.size()) tail = written.size();
            bool full = style >= 2;
            written += full ? kFull[card[k] - '0'] : std::string(1, card[k]);
        }
        std::string text = "Zoë: sure, it's " + written + " — that's it.";
        auto r = redact_pci(text);
        INFO(text << "\n -> " << r.redacted_text);
        auto cards = of_kind(r, PciKind::card_number);
        REQUIRE(cards.size() == 1);
        CHECK(cards[0].last4 == card.substr(card.size() - 4));
        const std::string last4 = written.substr(tail);  // as written, with any separators among them
        CHECK(cards[0].text.substr(cards[0].text.size() - last4.size()) == last4);
        CHECK(std::count(cards[0].text.begin(), cards[0].text.end(), '*') == static_cast<long>(card.size() - 4));
        CHECK(count_digits(r.redacted_text) == 4);
        CHECK(r.redacted_text.substr(cards[0].byte_start, cards[0].byte_end - cards[0].byte_start) == cards[0].text);
        CHECK(texttest::cp_substr(r.redacted_text, cards[0].start, cards[0].end) == cards[0].text);
        CHECK(cards[0].start == 16);
        CHECK(cards[0].byte_start == 17);
    }
}

TEST_CASE("offsets point into the redacted text, in characters", "[pci]") {
    // A spoken number shortens the text; a non-ASCII prefix separates
    // characters from bytes.
    std::string text = "Zoë – my card: four five three nine one four eight eight oh three four three six four six "
                       "seven, CVV one two three.";
    auto r = redact_pci(text);
    REQUIRE(r.findings.size() == 2);
    for (const auto& f : r.findings) {
        CHECK(r.redacted_text.substr(f.byte_start, f.byte_end - f.byte_start) == f.text);
        CHECK(texttest::cp_substr(r.redacted_text, f.start, f.end) == f.text);
        CHECK(f.byte_start - f.start == 3);  // ë is two bytes, – three
    }
    CHECK(r.redacted_text == "Zoë – my card: ************6467, CVV ***.");
}
