// switchboard: the whole C++ API.
#pragma once

#include "switchboard/accounts.hpp"
#include "switchboard/analysis.hpp"
#include "switchboard/activity.hpp"
#include "switchboard/calls.hpp"
#include "switchboard/cases.hpp"
#include "switchboard/error.hpp"
#include "switchboard/events.hpp"
#include "switchboard/facade.hpp"
#include "switchboard/files.hpp"
#include "switchboard/interactions.hpp"
#include "switchboard/jobs.hpp"
#include "switchboard/json.hpp"
#include "switchboard/list.hpp"
#include "switchboard/store.hpp"
#include "switchboard/text.hpp"
#include "switchboard/version.hpp"
