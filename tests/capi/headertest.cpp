/* The public header compiles on its own, twice included, as strict C++;
 * switchboard_analysis.h also compiles when it is included first. The body
 * is the C test's, compiled as C++. */
#include "switchboard_analysis.h"

#include "headertest.c"
