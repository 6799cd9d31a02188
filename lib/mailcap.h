/* mailcap.h - RFC 1524 mailcap files: which program shows a MIME type.
 * Nothing from a message ever reaches a command line through here: %s is
 * only the caller's own file name, %t and %{param} are substituted only
 * when their value is made of safe characters, else the entry is refused. */
#ifndef POCZTA_MAILCAP_H
#define POCZTA_MAILCAP_H
#include <stdbool.h>
#include <stddef.h>

struct mailcap_entry {
	char *type;		/* lowercase "text/html", "text" or a wildcard subtype */
	char *view;		/* the view command, "\;" unescaped */
	char *test;		/* test= command, or NULL */
	char *nametemplate;	/* nametemplate= ("%s.html"), or NULL */
	bool copiousoutput;
	bool needsterminal;
};

struct mailcap {
	struct mailcap_entry *entries;
	size_t n;
};

/* mailcap_parse - the entries of one mailcap text, appended to mc; lines
 * that are not entries are skipped */
void mailcap_parse(struct mailcap *mc, const char *text, size_t len);
/* mailcap_load - every file of a ':'-separated list (missing ones are
 * skipped); NULL paths: $MAILCAPS, else ~/.mailcap:/etc/mailcap.  Newly
 * allocated, never NULL. */
struct mailcap *mailcap_load(const char *paths);
void mailcap_free(struct mailcap *mc);

/* mailcap_find - the first entry for type (RFC 1524: "text" and a wildcard
 * match any text subtype) with copiousoutput when copious, whose test=
 * passes; tests are run (with argv) only when run_tests, otherwise
 * entries with a test are skipped */
const struct mailcap_entry *mailcap_find(const struct mailcap *mc, const char *type,
					 bool copious, bool run_tests);

/* mailcap_safe - whether s is made only of characters that mean nothing
 * to a shell: letters, digits and "+-._/=@," */
bool mailcap_safe(const char *s);

/* mailcap_command - cmd with %s = file (shell-quoted when needed), %t =
 * type, %{name} = the value after name in params (a NULL-terminated list
 * of name, value pairs), "%%" = "%"; NULL when a value is not safe or a
 * % sequence is unknown.  Newly allocated. */
char *mailcap_command(const char *cmd, const char *type, const char *file,
		      const char *const *params);
/* mailcap_argv - the same command split into words as sh would (quotes
 * and backslashes), each substituted, so that it runs without a shell;
 * NULL when it needs a shell (| ; & < > ( ) $ ` outside quotes), quotes
 * are unbalanced or a substitution is refused.  *has_file tells whether
 * %s occurred (otherwise the data goes on standard input).  Free with
 * mailcap_argv_free. */
char **mailcap_argv(const char *cmd, const char *type, const char *file,
		    const char *const *params, bool *has_file);
void mailcap_argv_free(char **argv);

/* mailcap_run - run argv with stdin from the file in, capturing at most
 * max bytes of standard output into out (appended);
 * killed after timeout_ms.  0 when it exited with status 0, else -1. */
struct buf;
int mailcap_run(char *const *argv, const char *in, size_t max, int timeout_ms, struct buf *out);

#endif
