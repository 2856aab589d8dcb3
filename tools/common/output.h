/* SPDX-License-Identifier: MIT */
/* output.h — the one way the lgkit tools write an output file (lggen -o, lglaunch --dump).
 *
 * Rules:
 *  - "-" is standard output, written in order (holes become zeros).
 *  - An output that is the input (same device and inode, through any path, link or hard
 *    link) is refused before anything is touched.
 *  - A symbolic link is written through: the links are resolved and the target is
 *    replaced, never the link (as gcc -o and cp do).  A dangling link creates its target.
 *  - Anything else is written to a temporary file beside the target and renamed over it
 *    at the end, so a failure never leaves a partial file; a target that exists and is not
 *    a regular file (a FIFO, /dev/null) is refused, since the rename would replace it.
 * Every refusal prints one line "PROG: PATH: …" on stderr. */
#ifndef LGKIT_TOOLS_OUTPUT_H
#define LGKIT_TOOLS_OUTPUT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

struct lgt_out {
	const char *prog;
	const char *path;      /* as given, for messages */
	char target[PATH_MAX]; /* the file replaced: path with its links resolved */
	char tmp[PATH_MAX];    /* the temporary file beside target */
	int fd;                /* -1 when nothing is open */
	bool to_stdout;        /* path was "-" */
	uint64_t pos;          /* to_stdout: bytes written so far */
};

/* Prepare to write path.  input (may be NULL) is the file the tool reads: "-" for
 * standard input.  Returns 0, or -1 after printing why (nothing was created then). */
int lgt_out_open(struct lgt_out *o, const char *prog, const char *path, const char *input);

/* Write len bytes at offset off.  Offsets must not go back on standard output; the gap
 * before a later offset becomes zeros there and a hole in a file.  Returns 0, or -1
 * after printing why. */
int lgt_out_write(struct lgt_out *o, uint64_t off, const void *p, size_t len);

/* End the output at size bytes (zeros or a hole up to it) and put it in place.  Returns
 * 0, or -1 after printing why (the temporary file is removed then). */
int lgt_out_commit(struct lgt_out *o, uint64_t size);

/* Give up: remove the temporary file.  Safe to call twice. */
void lgt_out_abort(struct lgt_out *o);

/* write() all of buf to fd, retrying on EINTR and short writes; 0, or -1 with errno. */
int lgt_write_all(int fd, const void *buf, size_t len);

/* For a fatal signal handler: remove the temporary file of the output being written, if
 * any (async-signal-safe). */
void lgt_out_unlink_pending(void);

#endif
