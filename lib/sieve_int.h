/* sieve_int.h - the compiled form of a Sieve script, shared by the sieve_*.c
 * modules and no one else.  sieve_parse.c builds it, sieve_exec.c runs it.
 * Every pointer in these structs is owned by the node that holds it and is
 * freed by sieve_free. */
#ifndef POCZTA_SIEVE_INT_H
#define POCZTA_SIEVE_INT_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sieve.h"

/* Limits on the work one script can ask for.  Each can be changed at build
 * time with -DSIEVE_MAX_...=n. */
#ifndef SIEVE_MAX_SCRIPT
#define SIEVE_MAX_SCRIPT (1024 * 1024)	/* bytes of script text */
#endif
#ifndef SIEVE_MAX_DEPTH
#define SIEVE_MAX_DEPTH 100		/* nested blocks and tests */
#endif
#ifndef SIEVE_MAX_REDIRECTS
#define SIEVE_MAX_REDIRECTS 50		/* redirect actions per message */
#endif
#ifndef SIEVE_MAX_ACTIONS
#define SIEVE_MAX_ACTIONS 250		/* all actions per message */
#endif
#ifndef SIEVE_MAX_VARLEN
#define SIEVE_MAX_VARLEN 4096		/* bytes in one variable (RFC 5229 3) */
#endif
#ifndef SIEVE_MAX_VARS
#define SIEVE_MAX_VARS 255		/* distinct variables in one run */
#endif

/* Capabilities a script can require (RFC 5228 3.2). */
enum sieve_cap {
	SIEVE_CAP_FILEINTO = 1 << 0,
	SIEVE_CAP_ENVELOPE = 1 << 1,
	SIEVE_CAP_COPY = 1 << 2,
	SIEVE_CAP_IMAP4FLAGS = 1 << 3,
	SIEVE_CAP_SUBADDRESS = 1 << 4,
	SIEVE_CAP_BODY = 1 << 5,
	SIEVE_CAP_VARIABLES = 1 << 6,
};

enum sieve_mt { SIEVE_MT_IS, SIEVE_MT_CONTAINS, SIEVE_MT_MATCHES };
enum sieve_cmp { SIEVE_CMP_CASEMAP, SIEVE_CMP_OCTET };
enum sieve_part {
	SIEVE_PART_ALL, SIEVE_PART_LOCAL, SIEVE_PART_DOMAIN,
	SIEVE_PART_USER, SIEVE_PART_DETAIL,
};
enum sieve_bodytf { SIEVE_BODY_TEXT, SIEVE_BODY_RAW, SIEVE_BODY_CONTENT };

/* set modifiers (RFC 5229 4.1) */
enum sieve_mod {
	SIEVE_MOD_LOWER = 1 << 0,
	SIEVE_MOD_UPPER = 1 << 1,
	SIEVE_MOD_LOWERFIRST = 1 << 2,
	SIEVE_MOD_UPPERFIRST = 1 << 3,
	SIEVE_MOD_QUOTEWILDCARD = 1 << 4,
	SIEVE_MOD_LENGTH = 1 << 5,
};

struct sieve_strlist {
	char **v;
	size_t n;
};

enum sieve_test_kind {
	SIEVE_T_TRUE, SIEVE_T_FALSE, SIEVE_T_NOT, SIEVE_T_ALLOF, SIEVE_T_ANYOF,
	SIEVE_T_HEADER, SIEVE_T_ADDRESS, SIEVE_T_ENVELOPE, SIEVE_T_EXISTS,
	SIEVE_T_SIZE, SIEVE_T_BODY, SIEVE_T_HASFLAG, SIEVE_T_STRING,
};

struct sieve_test {
	enum sieve_test_kind kind;
	int line;
	enum sieve_mt mt;
	enum sieve_cmp cmp;
	enum sieve_part part;
	enum sieve_bodytf bodytf;
	struct sieve_strlist types;	/* body :content types */
	bool over;			/* size :over (else :under) */
	uint64_t limit;			/* size */
	struct sieve_strlist names;	/* headers, envelope parts, sources, variables */
	struct sieve_strlist keys;
	struct sieve_test *kids;	/* not, allof, anyof */
	size_t nkids;
};

enum sieve_cmd_kind {
	SIEVE_C_IF, SIEVE_C_KEEP, SIEVE_C_DISCARD, SIEVE_C_STOP,
	SIEVE_C_REDIRECT, SIEVE_C_FILEINTO, SIEVE_C_SETFLAG, SIEVE_C_ADDFLAG,
	SIEVE_C_REMOVEFLAG, SIEVE_C_SET, SIEVE_C_REQUIRE,
};

struct sieve_cmd;

struct sieve_block {
	struct sieve_cmd *v;
	size_t n;
};

struct sieve_cmd {
	enum sieve_cmd_kind kind;
	int line;
	struct sieve_test *test;	/* if/elsif; NULL for else */
	struct sieve_block body;	/* if/elsif/else */
	struct sieve_cmd *orelse;	/* the next elsif/else, or NULL */
	char *target;			/* folder, address, set or flag variable name */
	char *value;			/* set value */
	struct sieve_strlist flags;	/* :flags, or the flag list of setflag & co */
	bool has_flags;
	bool copy;
	unsigned mods;			/* enum sieve_mod */
};

struct sieve_script {
	struct sieve_block top;
	unsigned caps;			/* enum sieve_cap */
};

/* sieve.c */
/* sieve_grow - v resized, if needed, to take element n (of size bytes):
 * capacity doubles, so appending n elements costs O(n) */
void *sieve_grow(void *v, size_t n, size_t size);
void sieve_block_free(struct sieve_block *b);
void sieve_test_free(struct sieve_test *t);

/* sieve_check.c: rules shared by compile and run time */
bool sieve_check_folder(const char *name);
/* sieve_check_address - the addr-spec of a mailbox (RFC 5322 3.4) in text,
 * newly allocated, or NULL when text is not one mailbox */
char *sieve_check_address(const char *text);
bool sieve_check_varname(const char *name);
bool sieve_check_header_name(const char *name);
void sieve_strlist_free(struct sieve_strlist *l);

#endif
