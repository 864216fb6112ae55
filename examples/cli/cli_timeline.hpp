// switchboard: the readable timeline `switchboard analyze` prints for a call.
#pragma once

#include <ostream>
#include <string>

#include "switchboard/analysis.hpp"
#include "switchboard/speech.hpp"

namespace switchboard::cli {

// A time from the start of the call as mm:ss.mmm (h:mm:ss.mmm when `hours`).
std::string clock_time(double seconds, bool hours = false);

// The timeline of one call, in four parts:
//   NAME: mm:ss.mmm (S s), RATE Hz, N channels (labels)
//   events:   one line per event in time order (start, then end):
//             "  mm:ss.mmm-mm:ss.mmm  LABEL  KIND  D.DDD s  detail"
//             silences, noise, interruptions (under the interrupter's label,
//             "X interrupted Y") and escalations ("pitch x1.41, level +9.8 dB");
//             speech spans only when `with_speech`
//   stats:    one line per channel, then one for the call
//   skipped:  the detectors that did not run, with why (omitted when none)
void write_timeline(std::ostream& out, const std::string& name, const CallAnalysis& analysis, bool with_speech);

// A transcribed call (analyze --transcribe):
//   NAME: mm:ss.mmm (S s), N channels (labels), transcribed by ENGINE (settings)
//   dialogue: the turns and the events in time order, one line each:
//             "  mm:ss.mmm  SPEAKER  | words of the turn"
//             "  mm:ss.mmm  SPEAKER  > TYPE detail (D.DDD s)"   (an event;
//             SPEAKER "call" for both parties: a hold, a shared silence)
//   stats:    per channel (talk, silence, noise, overtalk, words, words per
//             minute, longest monologue), then the call; flags; skipped
void write_dialogue(std::ostream& out, const std::string& name, const SpokenCall& call);

}  // namespace switchboard::cli
