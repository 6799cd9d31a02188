/* crashpoint.h - named places where a test may kill the program.
 *
 * When the environment has POCZTA_CRASH_AT=NAME (or NAME:N for the N-th time
 * the point is passed), crash_point(NAME) sends SIGKILL to the program itself
 * there, as a power cut or kill -9 would: no cleanup, no atexit.  The
 * crash-consistency tests walk every point a delivery passes and check that
 * nothing partial or duplicated is visible afterwards.  Costs one getenv when
 * unset. */
#ifndef POCZTA_CRASHPOINT_H
#define POCZTA_CRASHPOINT_H

void crash_point(const char *name);

#endif
