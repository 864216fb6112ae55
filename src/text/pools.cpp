// The built-in phrase pools, written for an English-speaking helpline or
// support desk. Each organisation starts from these and edits its own copy;
// docs/text.md lists them. They hold phrases only: a regular expression
// entry costs a second pass over the text (docs/text.md has the figures),
// and the fillers and profanity a regular expression would catch are
// short lists of words ("f*ck" is the words "f" and "ck", which match
// "f*ck", "f-ck" and "f ck").
#include "switchboard/text.hpp"

namespace switchboard {

std::vector<PhrasePool> default_phrase_pools() {
    return {
        {"Critical Info",
         {"card number", "long number", "credit card", "debit card", "card details", "security code",
          "security number", "cvv", "cvc", "cv2", "three digit code", "expiry date", "expiration date",
          "valid from", "pin number", "my pin", "sort code", "account number", "bank details", "routing number",
          "iban", "social security number", "national insurance number", "date of birth",
          "mother's maiden name", "password", "passcode", "verification code", "one time code"},
         {}},
        {"Competitor Mention",
         {"your competitor", "your competitors", "another provider", "another company", "other provider",
          "a different provider", "other company", "switch provider", "switching provider", "switch to another",
          "move to another", "going elsewhere", "go elsewhere", "take my business elsewhere", "cheaper elsewhere",
          "better deal elsewhere", "better offer", "they offered me", "they are cheaper", "their price",
          "price match", "the competition", "other networks", "leave for", "moving my account"},
         {}},
        {"Legal Action Mention",
         {"legal action", "lawyer", "lawyers", "attorney", "solicitor", "solicitors", "sue you", "sue the company",
          "going to sue", "lawsuit", "take you to court", "see you in court", "small claims", "class action",
          "ombudsman", "trading standards", "consumer protection", "legal department", "my legal rights",
          "breach of contract", "formal complaint", "report you to", "regulator", "court"},
         {}},
        {"Call for Action",
         {"i want a refund", "give me a refund", "refund me", "i demand", "cancel my account", "cancel my order",
          "cancel my subscription", "close my account", "speak to a manager", "speak to your manager",
          "speak to a supervisor", "speak to your supervisor", "talk to a manager", "escalate this",
          "fix this", "sort this out", "sort it out", "i need this resolved", "do something about",
          "call me back", "send me", "i want to complain", "make a complaint", "i want an engineer",
          "send an engineer", "replace it", "i want my money back", "as soon as possible"},
         {}},
        {"Lack of Understanding",
         {"i don't understand", "i do not understand", "i don't get it", "what do you mean", "i'm confused",
          "i am confused", "that doesn't make sense", "makes no sense", "could you repeat", "can you repeat",
          "say that again", "i didn't catch that", "not sure what you mean", "can you explain",
          "could you explain", "explain that again", "i'm not following", "i am not following", "you lost me",
          "i'm lost", "slow down", "what does that mean", "i have no idea", "pardon", "come again", "sorry what"},
         {}},
        {"Profanity",
         {"fuck", "fucking", "fuckin", "fucked", "fucker", "fucks", "motherfucker", "f*ck", "f**k", "f***ing",
          "shit", "sh*t", "bullshit", "damn", "goddamn", "bastard", "bitch", "son of a bitch", "asshole",
          "arsehole", "crap", "bloody hell", "piss off", "pissed off", "dickhead", "wanker", "bollocks",
          "screw you", "wtf", "for god's sake"},
         {}},
        {"Insignificant Talk",
         {"you know", "i mean", "kind of", "sort of", "basically", "actually", "literally", "to be honest",
          "anyway", "whatever", "so yeah", "like i said", "let me see", "you see", "at the end of the day",
          "needless to say", "more or less", "and so on", "blah blah", "um", "umm", "ummm", "uh", "uhh", "uhm",
          "er", "erm", "errm", "hmm", "hmmm", "ah", "ahh", "mm", "mmm"},
         {}},
        {"Client Hold Request",
         {"hold on", "hang on", "one moment", "one second", "one sec", "just a second", "just a sec",
          "just a minute", "give me a minute", "give me a second", "bear with me", "wait a moment",
          "wait a second", "wait a minute", "can you hold", "could you hold", "please hold", "hold the line",
          "let me check", "let me grab", "let me find", "let me get my", "be right back",
          "let me just"},
         {}},
    };
}

}  // namespace switchboard
