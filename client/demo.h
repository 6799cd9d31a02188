/* demo.h - poczta --demo: a sandbox filled with generated sample mail. */
#ifndef POCZTA_CLIENT_DEMO_H
#define POCZTA_CLIENT_DEMO_H
#include <stddef.h>
#include <time.h>
#include "buf.h"

/* One generated message and the Maildir++ folder it belongs in. */
struct demo_message {
	const char *folder;	/* NULL: INBOX */
	const char *flags;	/* Maildir flags ("S" read), "" for new mail */
	struct buf text;	/* the whole message, LF line ends */
};

/* demo_mail - the sample mail, dated back from now: threads with
 * References and In-Reply-To, MIME multipart with attachments, HTML,
 * Polish, Russian and Swedish text in several charsets and RFC 2047
 * encoded headers.  Returns how many; free with demo_mail_free. */
size_t demo_mail(struct demo_message **out, time_t now);
void demo_mail_free(struct demo_message *m, size_t n);
/* demo_write - put the messages into the Maildir root (it and folders created);
 * 0, or -1 with err */
int demo_write(const char *root, struct demo_message *m, size_t n, struct buf *err);
/* demo_run - the whole demo: sandbox, mail, stack up, the client, stack
 * down; the exit status */
int demo_run(const char *argv0);
/* main_client (main.c) - the client on the configuration at path (NULL:
 * the usual places); the exit status */
int main_client(const char *path);

#endif
