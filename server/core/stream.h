/* stream.h -- moving large things without holding them: request bodies
 * streamed to a temporary file and hashed on the way (the body sink), and
 * replies pulled piece by piece by the HTTP layer (the reply producer).
 * No MHD here: http.c drives both. */
#ifndef REGISTRY_STREAM_H
#define REGISTRY_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sodium.h>

/* A body on its way to disk. The file is 0600 in a 0700 folder, and is
 * removed by stream_sink_discard() whatever became of the request. */
struct body_sink {
	int fd;                  /* -1 when closed */
	char path[512];
	uint64_t size;
	crypto_hash_sha256_state sha;
	char sha256[65];         /* hex, set by stream_sink_finish() */
};

/* Creates dir (0700) if missing, makes it 0700, and removes files left in
 * it by a process that died mid-upload. 0 or -1 with errno. */
int stream_dir_prepare(const char *dir);

/* Opens a new file in dir. 0 or -1 with errno. */
int stream_sink_open(struct body_sink *s, const char *dir);

/* Appends len bytes and hashes them. 0 or -1 (disk full, I/O error). */
int stream_sink_write(struct body_sink *s, const char *data, size_t len);

/* Completes the hash; the file stays for the handler to read. */
void stream_sink_finish(struct body_sink *s);

/* Closes and removes the file; safe to call twice or unopened (fd -1). */
void stream_sink_discard(struct body_sink *s);

/* Counts line ends (LF, or CR not followed by LF) in a file without
 * holding it, stopping once past max. 0 or -1 with errno. */
int stream_file_lines(const char *path, uint64_t max, uint64_t *lines);

/* Reads a whole file of size bytes into a new NUL-terminated buffer
 * (caller frees). 0 or -1 with errno. */
int stream_file_read(const char *path, size_t size, char **out);

/* Keeps the finished upload at src for good as dir/name (0600): a hard
 * link when both are on one file system, a copy otherwise; the file and
 * the folder are synced before it returns, so that a record committed
 * afterwards never names a file a crash lost. An existing dir/name is
 * refused (EEXIST). 0 or -1 with errno. */
int stream_file_keep(const char *src, const char *dir, const char *name);

/* Writes len bytes as dir/name (0600) through a temporary name, synced;
 * an existing file of that name is replaced. 0 or -1 with errno. */
int stream_file_write(const char *dir, const char *name, const void *buf, size_t len);

/* A reply produced piece by piece: read() writes up to max bytes into
 * buf and returns how many, 0 at the end, or -1 when the reply cannot go
 * on (the client then sees the connection cut, since the status line has
 * gone). read() must not return 0 before the end: it may block instead.
 * release() is called exactly once, at the end, on an error, or when the
 * client went away, and frees cls. */
struct reply_producer {
	ssize_t (*read)(void *cls, char *buf, size_t max);
	void (*release)(void *cls);
	void *cls;
};

#endif
