/* C API: agent presence and call queues (switchboard_presence.h). */
#include "test_util.h"

int main(void) { return 0; }
