/* fsutil.h - durable file operations: the write-tmp, fsync, rename, fsync-dir
 * sequence every agent uses (notmuch-insert.c, OpenSMTPD queue_fs.c). */
#ifndef POCZTA_FSUTIL_H
#define POCZTA_FSUTIL_H
#include <stddef.h>
#include <sys/types.h>

/* fsync_path - open path (not following a final link) and fsync it; 0 or
 * -1 with errno */
int fsync_path(const char *path);
/* fsync_dir - fsync the directory path; 0 or -1 with errno */
int fsync_dir(const char *path);
/* fsync_parent - fsync the directory that holds path */
int fsync_parent(const char *path);
/* write_all - write n bytes, retrying on EINTR and short writes; 0 or -1 */
int write_all(int fd, const void *p, size_t n);
/* atomic_write_file - replace path with data durably: write path.tmp.PID,
 * fsync it, rename over path, fsync the directory.  A crash leaves the old
 * file or the new one.  0 or -1 with errno. */
int atomic_write_file(const char *path, const void *data, size_t len, mode_t mode);
/* mkdir_p - create path and its parents with mode; existing ones are fine */
int mkdir_p(const char *path, mode_t mode);
/* read_file - the whole of a small file, NUL-terminated, newly allocated;
 * NULL with errno on failure; *len set when len is not NULL */
char *read_file(const char *path, size_t *len);
/* read_fd - everything until EOF on fd, NUL-terminated, newly allocated;
 * NULL with errno on a read error */
char *read_fd(int fd, size_t *len);

#endif
