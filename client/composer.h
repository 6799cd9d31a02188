/* composer.h - the client's side of writing mail, with no curses in it:
 * lib/compose's options from the settings, the editor's command line and
 * its temporary file, and postponed messages in the Drafts folder. */
#ifndef POCZTA_CLIENT_COMPOSER_H
#define POCZTA_CLIENT_COMPOSER_H
#include <stdbool.h>
#include <stddef.h>
#include "buf.h"
#include "compose.h"
#include "config.h"

/* composer_signature - the text of the signature file (a leading "-- "
 * line and trailing empty lines dropped: compose_new puts the separator);
 * newly allocated, NULL when path is NULL or unreadable */
char *composer_signature(const char *path);
/* composer_opts - compose options from cfg; signature as composer_signature
 * gave it (borrowed, like every string in o) */
void composer_opts(struct compose_opts *o, const struct client_config *cfg, const char *signature);

/* composer_editor_argv - the editor's argv: setting, else $VISUAL, else
 * $EDITOR, else "vi", split on spaces and tabs (no shell), with file as the
 * last argument; free with strlist_free */
char **composer_editor_argv(const char *setting, const char *file);
/* composer_tmp - text into a new file made by mkstemp(3) (mode 0600) under
 * $TMPDIR, else /tmp; its path in *path (newly allocated); 0, or -1 with err */
int composer_tmp(const char *text, size_t len, char **path, struct buf *err);
/* composer_run - run argv (execvp, no shell) and wait for it; its exit
 * status, or -1 when it could not run or was killed */
int composer_run(char *const *argv);

/* composer_draft_save - msg (LF line ends) durably into the Maildir++
 * folder of root as a draft (tmp, fsync, link into cur/ with flags D and S,
 * fsync cur/), then noted for the indexer in spool (NULL: not) with the tag
 * draft; *final gets its path (newly allocated); 0, or -1 with err */
int composer_draft_save(const char *root, const char *folder, const char *spool,
			const char *msg, size_t len, char **final, struct buf *err);
/* composer_draft_list - the drafts in folder of root, newest first:
 * a strlist of paths (free with strlist_free), never NULL */
char **composer_draft_list(const char *root, const char *folder);
/* composer_draft_remove - remove a draft's file (the directory fsync'ed)
 * and take it out of root's notmuch index when there is one; 0, or -1
 * with err when the file could not be removed */
int composer_draft_remove(const char *root, const char *path, struct buf *err);

#endif
