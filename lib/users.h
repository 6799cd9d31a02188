/* users.h - the users file: who has mail here, their password and addresses.
 *
 * One user a line, "#" starts a comment line:
 *
 *   name:password-hash:address,address
 *
 * The addresses are optional.  The hash is
 * "$pbkdf2-sha256$ITERATIONS$SALT_BASE64$HASH_BASE64" (PBKDF2-HMAC-SHA-256 with
 * a random 16-byte salt; the count of iterations is read back from the hash),
 * or "*" for a user who has mail but cannot log in.  Comments and lines in
 * error are kept as they are when the file is saved again. */
#ifndef POCZTA_USERS_H
#define POCZTA_USERS_H
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"

#define USERS_ITERATIONS 100000		/* PBKDF2 iterations for new hashes */
#define USERS_NAME_MAX 64

struct user {
	char *name;		/* [a-z0-9._-], 1..USERS_NAME_MAX */
	char *hash;
	char **addresses;	/* NULL-terminated, never NULL */
	size_t naddresses;
};

struct users;

/* users_load - read the users file at path; each bad line appends
 * "file:line: what is wrong" to errors and is skipped (kept for users_save).
 * A missing file is an empty list.  NULL (errors says why) only when the file
 * exists but cannot be read.  The caller frees with users_free. */
struct users *users_load(const char *path, struct buf *errors);
/* users_parse - the same from text in memory; name is used in messages */
struct users *users_parse(const char *name, const char *text, size_t len,
			  struct buf *errors);
/* users_new - an empty list */
struct users *users_new(void);
void users_free(struct users *u);

size_t users_count(const struct users *u);
/* The users returned below belong to u and stay valid until the next
 * users_set or users_free. */
/* users_at - the i-th user in file order, NULL past the end */
const struct user *users_at(const struct users *u, size_t i);
/* users_find - the user called name, NULL if none */
const struct user *users_find(const struct users *u, const char *name);
/* users_find_address - the user who lists addr (compared without regard to
 * case), NULL if none */
const struct user *users_find_address(const struct users *u, const char *addr);

/* users_verify - whether password matches user's hash, compared in constant
 * time.  user may be NULL (no such user): the same work is done and the
 * answer is false, so timing does not tell which names exist. */
bool users_verify(const struct user *user, const char *password);
/* users_hash_password - a new salted hash of password with USERS_ITERATIONS;
 * newly allocated */
char *users_hash_password(const char *password);
/* users_hash_password_iter - the same with a chosen count of iterations */
char *users_hash_password_iter(const char *password, unsigned iterations);

/* users_set - add the user name or change it: hash NULL keeps the old hash
 * ("*" for a new user), addresses (NULL-terminated) NULL keeps the old list.
 * Returns false and appends why to err (without changing u) when the name,
 * the hash or an address is not valid or an address belongs to someone else. */
bool users_set(struct users *u, const char *name, const char *hash,
	       const char *const *addresses, struct buf *err);
/* users_save - write u to path durably (atomic_write_file, mode 0600);
 * 0 or -1 with errno */
int users_save(const struct users *u, const char *path);

/* users_name_ok - whether name is a valid user name */
bool users_name_ok(const char *name);
/* users_address_ok - whether addr may be listed: local@domain, no spaces,
 * commas, colons or control characters */
bool users_address_ok(const char *addr);

#endif
