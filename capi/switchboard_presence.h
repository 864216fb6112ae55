/* switchboard C API: agent presence and call queues. Included by
 * switchboard.h; includable on its own. docs/c-api.md ("Presence and
 * queues") describes them; the C++ side is include/switchboard/presence.hpp.
 *
 * Ownership: every char** output is NULL on failure and, on success, a
 * string from the library that the caller frees with sb_free(). */
#ifndef SWITCHBOARD_PRESENCE_H
#define SWITCHBOARD_PRESENCE_H

#include <stdint.h>

#include "switchboard_base.h"

#ifdef __cplusplus
extern "C" {
#endif

#ifdef __cplusplus
}
#endif

#endif /* SWITCHBOARD_PRESENCE_H */
