/* settings.h - values derived from poczta.conf that more than one program
 * needs: defaults that depend on other keys or on the system.  The schema
 * itself, poczta_conf_schema, is declared in conf.h. */
#ifndef POCZTA_SETTINGS_H
#define POCZTA_SETTINGS_H
#include "conf.h"

/* settings_load - locate (conf_locate) and load poczta.conf with the whole
 * schema; every error is printed on stderr and then the program ends with
 * msg_fatal (its status as the caller set it).  *path, when path is not
 * NULL, gets the file's name (newly allocated). */
struct conf *settings_load(const char *cmdline, char **path);
/* settings_domains - the local mail domains ([global] domains), or the host
 * name alone when none are set, as Postfix's mydestination defaults to
 * $myhostname: never empty.  Free with strlist_free. */
char **settings_domains(const struct conf *c);
/* settings_hostname - [global] hostname, else the system's host name;
 * newly allocated */
char *settings_hostname(const struct conf *c);
/* settings_data_dir - [global] data_dir resolved; newly allocated */
char *settings_data_dir(const struct conf *c);
/* settings_run_dir - DATA_DIR/run, where pid files live; newly allocated */
char *settings_run_dir(const struct conf *c);
/* settings_users_file - [global] users_file, else DATA_DIR/users; newly
 * allocated */
char *settings_users_file(const struct conf *c);
/* settings_user_path - a PATH key in which "%u" stands for user ("%%" for
 * "%"), resolved like conf_get_path; newly allocated, NULL when unset.
 * user must be a valid user name (users_name_ok): it may not hold '/'. */
char *settings_user_path(const struct conf *c, const char *section,
			 const char *key, const char *user);

/* settings_tls_server - the server TLS context from [global] tls_cert and
 * tls_key: NULL with *configured false when they are unset, NULL with err
 * set when they are set but cannot be loaded */
struct tls_server;
struct buf;
struct tls_server *settings_tls_server(const struct conf *c, bool *configured, struct buf *err);

#endif
