/* One public header on its own, included twice, as strict C (and, compiled
 * with -x c++, as strict C++). tests/capi/CMakeLists.txt compiles this file
 * once per header with SB_HEADERTEST_HEADER set to <that header> and
 * SB_HEADERTEST_FN to a function it declares: the header must bring
 * everything that declaration needs (switchboard_base.h) by itself. */
#include SB_HEADERTEST_HEADER
#include SB_HEADERTEST_HEADER

int sb_headertest_alone(void);

int sb_headertest_alone(void) {
    (void)&SB_HEADERTEST_FN;
    return SB_OK + SB_VERSION_MAJOR;
}
