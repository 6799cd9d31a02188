/* mua-gen.c - a Maildir of COUNT generated messages and its notmuch index,
 * for the client's benchmark (tests/bench/mua) and tests: threads whose
 * replies come later and interleave with other threads, so a thread's
 * newest message decides its place, as notmuch orders threads.
 *
 *   mua-gen [--folders] ROOT COUNT [SEED]
 *
 * The files are written without fsync (they are throw-away), then indexed
 * as poczta-ctl reindex would (index_rescan, tags inbox and unread for mail
 * without the S flag).  Message i is dated one minute after message i-1, the
 * newest a minute ago.  With --folders every tenth thread goes to the
 * folder .Lists, else all to INBOX. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "buf.h"
#include "index.h"
#include "strlist.h"
#include "xalloc.h"

#define GEN_OPEN_THREADS 64	/* replies go to one of the last threads started */

struct gen_thread {
	long topic;		/* the thread's number, for its subject */
	long last;		/* its newest message, which the next reply answers */
	int len;
};

static unsigned long gen_seed;
static bool gen_folders;

static unsigned long gen_rand(void)
{
	gen_seed = gen_seed * 6364136223846793005UL + 1442695040888963407UL;
	return gen_seed >> 33;
}

static void gen_mkdirs(const char *root)
{
	static const char *const sub[] = {
		"", "/tmp", "/new", "/cur", "/.Lists", "/.Lists/tmp", "/.Lists/new", "/.Lists/cur"
	};
	size_t i;

	for (i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		char *p = xasprintf("%s%s", root, sub[i]);
		if (mkdir(p, 0700) < 0 && errno != EEXIST) {
			perror(p);
			exit(1);
		}
		free(p);
	}
}

/* gen_write - message i of thread t (a reply when t->len > 0) */
static void gen_write(const char *root, long i, struct gen_thread *t, time_t date, bool seen)
{
	struct buf b = BUF_INIT;
	char d[64], *path;
	struct tm tm;
	FILE *f;

	gmtime_r(&date, &tm);
	strftime(d, sizeof(d), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	buf_printf(&b, "From: Sender %lu <s%lu@example.org>\nTo: user@poczta.test\n"
		   "Subject: %stopic %ld\nDate: %s\nMessage-ID: <%ld@bench.example>\n",
		   (unsigned long)(i * 7 % 97), (unsigned long)(i * 7 % 97),
		   t->len ? "Re: " : "", t->topic, d, i);
	if (t->len)
		buf_printf(&b, "In-Reply-To: <%ld@bench.example>\nReferences: <%ld@bench.example>\n",
			   t->last, t->last);
	buf_printf(&b, "\nbody of message %ld in topic %ld\n", i, t->topic);
	path = xasprintf("%s%s/cur/%ld.%ld.gen:2,%s", root,
			 gen_folders && t->topic % 10 == 9 ? "/.Lists" : "",
			 (long)date, i, seen ? "S" : "");
	f = fopen(path, "w");
	if (f == NULL || fwrite(b.data, 1, b.len, f) != b.len || fclose(f) != 0) {
		perror(path);
		exit(1);
	}
	free(path);
	buf_free(&b);
}

int main(int argc, char **argv)
{
	struct gen_thread open[GEN_OPEN_THREADS];
	long count, i, topics = 0;
	time_t now = time(NULL);
	struct buf err = BUF_INIT;
	char **tags;
	int n;

	if (argc > 1 && strcmp(argv[1], "--folders") == 0) {
		gen_folders = true;
		argc--;
		argv++;
	}
	if (argc < 3 || (count = atol(argv[2])) <= 0) {
		fprintf(stderr, "usage: mua-gen [--folders] ROOT COUNT [SEED]\n");
		return 2;
	}
	gen_seed = argc > 3 ? strtoul(argv[3], NULL, 10) : 7;
	gen_mkdirs(argv[1]);
	memset(open, 0, sizeof(open));
	for (i = 0; i < count; i++) {
		struct gen_thread *t = &open[gen_rand() % GEN_OPEN_THREADS];

		if (t->len == 0 || gen_rand() % 3 == 0 || t->len > 40) {	/* a new thread */
			t->topic = topics++;
			t->len = 0;
		}
		gen_write(argv[1], i, t, now - (count - i) * 60, gen_rand() % 10 != 0);
		t->last = i;
		t->len++;
	}
	/* index_rescan commits every 1,000 messages inside notmuch's atomic
	 * sections, which Xapian does not write out until the database closes
	 * (600 MB held at 1,000,000 messages); notmuch writes out at the end of
	 * each section when this is 1 (lib/database.cc, notmuch_database_end_atomic) */
	setenv("XAPIAN_FLUSH_THRESHOLD", "1", 1);
	tags = strlist_split("inbox,unread", ",");
	n = index_rescan(argv[1], tags, &err);
	strlist_free(tags);
	if (n < 0) {
		fprintf(stderr, "mua-gen: %s\n", buf_cstr(&err));
		return 1;
	}
	printf("%ld messages in %ld threads, %d indexed\n", count, topics, n);
	buf_free(&err);
	return 0;
}
