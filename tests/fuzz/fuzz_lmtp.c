/* fuzz_lmtp.c - libFuzzer target for the engine in LMTP mode only: the
 * harness of fuzz_smtpd.c with the mode fixed, so that the whole corpus
 * goes to LHLO and the per-recipient replies of RFC 2033 4.2. */
#define FUZZ_LMTP 1
#include "fuzz_smtpd.c"
