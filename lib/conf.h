/* conf.h - the poczta.conf reader.
 *
 * One file, INI-like, a section per agent and per remote account:
 *
 *   # comment
 *   [global]
 *   hostname = mail.example.org
 *   [mda]
 *   maildir = /home/%u/Maildir
 *   [account work]          <- a named section: type "account", name "work"
 *   url = imaps://me@imap.example.org/INBOX
 *
 * Every section type and key is declared in a typed table (struct conf_option);
 * unknown sections and keys are errors.  Values are checked against their type
 * when the file is loaded.  Every error is one line "file:line: key: what is
 * wrong" and loading goes on so that all are reported (isync's config.c). */
#ifndef POCZTA_CONF_H
#define POCZTA_CONF_H
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"

enum conf_type {
	CONF_STRING,	/* any text */
	CONF_PATH,	/* a path: "~/" is the home directory; a relative path is
			 * relative to the configuration file's directory */
	CONF_INT,	/* a decimal integer, >= 0 */
	CONF_BOOL,	/* yes/no, true/false, on/off, 1/0 */
	CONF_SIZE,	/* bytes with an optional k, m or g suffix (powers of 1024) */
	CONF_DURATION,	/* seconds with an optional s, m, h, d suffix */
	CONF_ENDPOINT,	/* host:port, [v6addr]:port, or unix:/path */
	CONF_LIST,	/* comma-separated words; empty items are errors */
	CONF_ENUM,	/* one of choices, "a|b|c" */
};

struct conf_option {
	const char *name;
	enum conf_type type;
	const char *def;	/* default as text; NULL: no default (unset) */
	const char *doc;	/* one line, for poczta.conf(5) and --help */
	const char *choices;	/* for CONF_ENUM: "a|b|c" */
};

struct conf_section_def {
	const char *name;		/* "global", "mda", "account" */
	bool named;			/* [account NAME] takes a name, [mda] does not */
	const struct conf_option *options;	/* ends with a {NULL} entry */
	const char *doc;
};

/* The whole poczta.conf schema, every section of every agent (lib/settings.c);
 * ends with a {NULL} entry. */
extern const struct conf_section_def poczta_conf_schema[];

struct conf;

/* conf_locate - the configuration file to use: cmdline (-c FILE) if not NULL,
 * else $POCZTA_CONFIG, else $XDG_CONFIG_HOME/poczta/poczta.conf (or
 * ~/.config/poczta/poczta.conf) when it exists, else /etc/poczta/poczta.conf.
 * Returns a newly allocated path. */
char *conf_locate(const char *cmdline);

/* conf_load - read and check path against schema.  Errors are appended to
 * errors, one "file:line: key: what is wrong" line each.  Returns NULL only
 * when the file cannot be read (errors says why); otherwise a configuration,
 * possibly with errors (conf_error_count). The caller frees it with conf_free. */
struct conf *conf_load(const char *path, const struct conf_section_def *schema,
		       struct buf *errors);
/* conf_parse - the same from text in memory; name is used in messages */
struct conf *conf_parse(const char *name, const char *text, size_t len,
			const struct conf_section_def *schema, struct buf *errors);
int conf_error_count(const struct conf *c);
void conf_free(struct conf *c);
const char *conf_path(const struct conf *c);	/* the file it was read from */
const char *conf_dir(const struct conf *c);	/* that file's directory */

/* Getters.  section is the section type ("mda"); name is NULL for an unnamed
 * section or the account's name.  A key not set in the file gives the default
 * from the schema; asking for a key the schema does not declare is a bug
 * (msg_panic).  Returned strings belong to c. */
const char *conf_get(const struct conf *c, const char *section, const char *name,
		     const char *key);
long long conf_get_int(const struct conf *c, const char *section, const char *name,
		       const char *key);
bool conf_get_bool(const struct conf *c, const char *section, const char *name,
		   const char *key);
unsigned long long conf_get_size(const struct conf *c, const char *section,
				 const char *name, const char *key);
long long conf_get_duration(const struct conf *c, const char *section,
			    const char *name, const char *key);
/* conf_get_path - the path with ~ and relative paths resolved; newly allocated
 * (NULL when unset) */
char *conf_get_path(const struct conf *c, const char *section, const char *name,
		    const char *key);
/* conf_is_set - whether the file itself sets the key */
bool conf_is_set(const struct conf *c, const char *section, const char *name,
		 const char *key);

/* Named sections: how many [section NAME] there are, and the i-th's name. */
size_t conf_count(const struct conf *c, const char *section);
const char *conf_name(const struct conf *c, const char *section, size_t i);

/* Value parsers shared with the command line; return false on a bad value. */
bool conf_parse_bool(const char *s, bool *out);
bool conf_parse_size(const char *s, unsigned long long *out);
bool conf_parse_duration(const char *s, long long *out);
bool conf_parse_int(const char *s, long long *out);

/* An ENDPOINT value: host:port, [v6addr]:port (host without brackets), or
 * unix:/path. */
struct conf_endpoint {
	bool is_unix;
	char host[256];		/* "127.0.0.1", "::1", "mail.example.org", "*" */
	unsigned port;		/* 1..65535 */
	char path[108];		/* for unix: */
};
bool conf_parse_endpoint(const char *s, struct conf_endpoint *out);

/* conf_check_value - whether value suits opt's type; if not, why (one short
 * phrase, translated) is appended to why when why is not NULL */
bool conf_check_value(const struct conf_option *opt, const char *value,
		      struct buf *why);

/* conf_get_list - a LIST value split into its items: a newly allocated
 * NULL-terminated array of newly allocated strings (conf_list_free frees it);
 * *n is set to the count when n is not NULL.  An unset key gives an empty list. */
char **conf_get_list(const struct conf *c, const char *section, const char *name,
		     const char *key, size_t *n);
char **conf_split_list(const char *s, size_t *n);
void conf_list_free(char **list);
/* conf_resolve_path - raw as a PATH value is resolved: "~" and "~/..." against
 * $HOME, a relative path against conf_dir(c); newly allocated */
char *conf_resolve_path(const struct conf *c, const char *raw);
/* conf_line - the line of the file that sets key, 0 when it is not set */
int conf_line(const struct conf *c, const char *section, const char *name,
	      const char *key);
/* conf_find_option - the schema's entry for section.key, NULL if none */
const struct conf_option *conf_find_option(const struct conf_section_def *schema,
					   const char *section, const char *key);
const char *conf_type_name(enum conf_type t);

#endif
