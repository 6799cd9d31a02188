/* sieve.h - Sieve mail filtering (RFC 5228), compiled once and run per message.
 *
 * The base language and the extensions fileinto, envelope, copy (RFC 3894),
 * imap4flags (RFC 5232), subaddress (RFC 5233), body (RFC 5173) and variables
 * (RFC 5229); comparators i;ascii-casemap and i;octet.
 * sieve_execute has no side effects: it returns the list of actions for the
 * delivery agent to carry out. */
#ifndef POCZTA_SIEVE_H
#define POCZTA_SIEVE_H
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"

struct sieve_script;

struct sieve_error {
	int line;		/* 1-based */
	int column;		/* 1-based */
	char message[256];
};

/* sieve_compile - parse and check a script; on failure returns NULL and fills
 * err with the position and a message.  The caller frees with sieve_free. */
struct sieve_script *sieve_compile(const char *text, size_t len, struct sieve_error *err);
void sieve_free(struct sieve_script *s);

struct sieve_message {
	const char *data;	/* the whole message, header and body (LF or CRLF) */
	size_t len;
	const char *env_from;	/* envelope sender, "" for the null sender */
	const char *env_to;	/* envelope recipient, user+detail@domain */
};

enum sieve_action_type {
	SIEVE_KEEP,		/* deliver to INBOX */
	SIEVE_FILEINTO,		/* deliver to folder target */
	SIEVE_REDIRECT,		/* send on to address target */
	SIEVE_DISCARD,		/* drop it (only when nothing else keeps it) */
};

struct sieve_action {
	enum sieve_action_type type;
	char *target;		/* folder (FILEINTO) or address (REDIRECT); NULL otherwise */
	char **flags;		/* imap4flags for KEEP/FILEINTO, e.g. "\\Seen"; NULL-terminated, may be NULL */
	int line;		/* the command that caused it; 0 for the implicit keep */
};

struct sieve_result {
	struct sieve_action *actions;	/* final list: duplicates merged, the
					 * implicit keep (RFC 5228 2.10.2) added */
	size_t n;
	bool implicit_keep;	/* whether the keep in actions is implicit */
	char error[256];	/* runtime error text ("" if none); on error the
				 * result is a single implicit keep */
};

/* sieve_execute - run s on m; returns 0, or -1 on a runtime error (then the
 * result holds just the implicit keep, RFC 5228 2.10.6).  The caller frees the
 * result with sieve_result_free. */
int sieve_execute(const struct sieve_script *s, const struct sieve_message *m,
		  struct sieve_result *r);
void sieve_result_free(struct sieve_result *r);
/* sieve_result_describe - what would happen, for "poczta-mda --test": one line
 * per action with the line of the rule that decided it */
void sieve_result_describe(const struct sieve_result *r, struct buf *out);

#endif
