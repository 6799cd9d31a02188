/* authcache.h - passwords that verified, remembered for a while, as
 * Dovecot's auth cache does.  The users file's hashes are PBKDF2 with
 * 100,000 rounds (some 30 ms on purpose); a client that opens a connection
 * per message (git send-email, cron, a phone checking mail) would pay that
 * every time.  The cache is a table mapped MAP_SHARED, made before a server
 * forks its sessions, holding per user an HMAC-SHA256, under a key drawn
 * when it is made, of (user, the stored hash, the password): never the
 * password; a changed password (another stored hash) misses.  Only
 * successes are cached: a wrong password always takes the full check. */
#ifndef POCZTA_AUTHCACHE_H
#define POCZTA_AUTHCACHE_H
#include <stdbool.h>
#include "users.h"

#define AUTHCACHE_TTL 3600	/* seconds: Dovecot's auth_cache_ttl default */

struct authcache;

/* authcache_new - an empty cache shared with the processes forked after;
 * NULL with errno set */
struct authcache *authcache_new(void);
void authcache_free(struct authcache *c);
/* authcache_verify - users_verify (u NULL: the same work, false), through
 * the cache; *cached says whether the cache answered.  c may be NULL. */
bool authcache_verify(struct authcache *c, const struct user *u, const char *pass, bool *cached);

#endif
