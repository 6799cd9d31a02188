/* crashpoint.c - kill the program at a named point, for crash-consistency tests. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "crashpoint.h"

void crash_point(const char *name)
{
	static const char *want;
	static long want_n = 1, seen;
	static int init;
	size_t len;

	if (!init) {
		const char *colon;
		init = 1;
		want = getenv("POCZTA_CRASH_AT");
		if (want && (colon = strchr(want, ':')) != NULL)
			want_n = atol(colon + 1);
	}
	if (want == NULL)
		return;
	if (getenv("POCZTA_CRASH_LIST"))	/* list the points passed, for the test */
		fprintf(stderr, "crash-point: %s\n", name);
	len = strcspn(want, ":");
	if (strlen(name) == len && strncmp(name, want, len) == 0 && ++seen == want_n)
		kill(getpid(), SIGKILL);
}
