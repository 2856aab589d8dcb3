/* SPDX-License-Identifier: MIT */
/* output.c — write an output file through a temporary file and a rename (output.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"

/* The temporary file being written, for lgt_out_unlink_pending() (one output at a time). */
static char pending[PATH_MAX];

#define MAX_LINKS 40 /* as the kernel's ELOOP limit */

/* Follow the symbolic links of path to the name of the file they lead to (which need not
 * exist: a dangling link names the file to create).  Returns 0 or an errno value. */
static int resolve(const char *path, char *out, size_t n)
{
	char cur[PATH_MAX], link[PATH_MAX];
	if (snprintf(cur, sizeof cur, "%s", path) >= (int)sizeof cur)
		return ENAMETOOLONG;
	for (int hops = 0; hops <= MAX_LINKS; hops++) {
		struct stat ls;
		if (lstat(cur, &ls) < 0) {
			if (errno != ENOENT)
				return errno;
			break; /* a new file */
		}
		if (!S_ISLNK(ls.st_mode))
			break;
		if (hops == MAX_LINKS)
			return ELOOP;
		ssize_t k = readlink(cur, link, sizeof link - 1);
		if (k < 0)
			return errno;
		link[k] = 0;
		if (link[0] == '/') {
			memcpy(cur, link, (size_t)k + 1);
		} else {
			/* Relative to the folder holding the link. */
			char *slash = strrchr(cur, '/');
			size_t dl = slash ? (size_t)(slash - cur) + 1 : 0;
			if (dl + (size_t)k >= sizeof cur)
				return ENAMETOOLONG;
			memmove(cur + dl, link, (size_t)k + 1);
		}
	}
	if (snprintf(out, n, "%s", cur) >= (int)n)
		return ENAMETOOLONG;
	return 0;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static int refuse_input(struct lgt_out *o, const char *input)
{
	fprintf(stderr, "%s: %s: is the input %s; refusing to overwrite it\n", o->prog,
		o->to_stdout ? "standard output" : o->path,
		strcmp(input, "-") ? input : "(standard input)");
	return -1;
}

int lgt_out_open(struct lgt_out *o, const char *prog, const char *path, const char *input)
{
	struct stat in, st;
	bool have_in = false;
	memset(o, 0, sizeof *o);
	o->prog = prog;
	o->path = path;
	o->fd = -1;
	if (input)
		have_in = strcmp(input, "-") ? stat(input, &in) == 0 : fstat(STDIN_FILENO, &in) == 0;
	if (have_in && !S_ISREG(in.st_mode) && !S_ISBLK(in.st_mode))
		have_in = false; /* a pipe or a terminal: nothing to destroy */

	if (strcmp(path, "-") == 0) {
		o->to_stdout = true;
		o->fd = STDOUT_FILENO;
		if (have_in && fstat(STDOUT_FILENO, &st) == 0 && same_file(&st, &in))
			return refuse_input(o, input);
		return 0;
	}
	bool exists = stat(path, &st) == 0;
	if (exists && have_in && same_file(&st, &in))
		return refuse_input(o, input);
	/* rename() would replace a FIFO or a device (/dev/null, as root) with a file. */
	if (exists && !S_ISREG(st.st_mode)) {
		fprintf(stderr,
			"%s: %s: exists and is not a regular file; not replaced (the output is "
			"written to a temporary file and renamed over it)\n",
			prog, path);
		return -1;
	}
	int e = resolve(path, o->target, sizeof o->target);
	if (e) {
		fprintf(stderr, "%s: %s: cannot follow its links: %s\n", prog, path, strerror(e));
		return -1;
	}
	struct stat ts;
	if (exists && (stat(o->target, &ts) < 0 || !same_file(&ts, &st))) {
		/* /proc/self/fd/N of a deleted file, say: no name to rename over. */
		fprintf(stderr, "%s: %s: leads to %s, which is not a file that can be replaced\n",
			prog, path, o->target);
		return -1;
	}
	char dir[PATH_MAX];
	memcpy(dir, o->target, sizeof dir);
	char *slash = strrchr(dir, '/');
	const char *d = ".";
	if (slash == dir)
		d = "/";
	else if (slash) {
		*slash = 0;
		d = dir;
	}
	if (snprintf(o->tmp, sizeof o->tmp, "%s/.%s-XXXXXX", d, prog) >= (int)sizeof o->tmp) {
		fprintf(stderr, "%s: %s: path too long\n", prog, path);
		return -1;
	}
	o->fd = mkstemp(o->tmp);
	if (o->fd < 0) {
		fprintf(stderr, "%s: %s: cannot create a temporary file beside it: %s\n", prog, path,
			strerror(errno));
		return -1;
	}
	memcpy(pending, o->tmp, sizeof pending);
	mode_t um = umask(0);
	umask(um);
	if (fchmod(o->fd, 0666 & ~um) < 0) {
		fprintf(stderr, "%s: %s: %s\n", prog, o->tmp, strerror(errno));
		lgt_out_abort(o);
		return -1;
	}
	return 0;
}

static int write_fail(struct lgt_out *o)
{
	fprintf(stderr, "%s: %s: cannot write: %s\n", o->prog, o->path, strerror(errno));
	return -1;
}

int lgt_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *b = buf;
	while (len) {
		ssize_t k = write(fd, b, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			return -1;
		}
		b += k;
		len -= (size_t)k;
	}
	return 0;
}

/* Sequential bytes to standard output. */
static int put(struct lgt_out *o, const void *p, size_t len)
{
	if (lgt_write_all(o->fd, p, len) < 0)
		return write_fail(o);
	o->pos += len;
	return 0;
}

static int zeros_to(struct lgt_out *o, uint64_t off)
{
	static const uint8_t zero[65536];
	while (o->pos < off) {
		uint64_t n = off - o->pos;
		if (put(o, zero, n < sizeof zero ? (size_t)n : sizeof zero) < 0)
			return -1;
	}
	return 0;
}

int lgt_out_write(struct lgt_out *o, uint64_t off, const void *p, size_t len)
{
	if (o->to_stdout) {
		if (off < o->pos) {
			fprintf(stderr, "%s: standard output cannot go back to offset %#llx\n",
				o->prog, (unsigned long long)off);
			return -1;
		}
		return zeros_to(o, off) < 0 ? -1 : put(o, p, len);
	}
	const uint8_t *b = p;
	while (len) {
		ssize_t k = pwrite(o->fd, b, len, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			return write_fail(o);
		}
		b += k;
		off += (uint64_t)k;
		len -= (size_t)k;
	}
	return 0;
}

int lgt_out_commit(struct lgt_out *o, uint64_t size)
{
	if (o->to_stdout)
		return zeros_to(o, size);
	if (o->fd < 0)
		return -1;
	if (ftruncate(o->fd, (off_t)size) < 0) {
		fprintf(stderr, "%s: %s: cannot size the output to %llu bytes: %s\n", o->prog,
			o->path, (unsigned long long)size, strerror(errno));
		lgt_out_abort(o);
		return -1;
	}
	int rc = close(o->fd);
	o->fd = -1;
	if (rc < 0) {
		write_fail(o);
		unlink(o->tmp);
		pending[0] = 0;
		return -1;
	}
	if (rename(o->tmp, o->target) < 0) {
		fprintf(stderr, "%s: %s: cannot rename the temporary file into place: %s\n", o->prog,
			o->path, strerror(errno));
		unlink(o->tmp);
		pending[0] = 0;
		return -1;
	}
	pending[0] = 0;
	return 0;
}

void lgt_out_abort(struct lgt_out *o)
{
	if (o->to_stdout || o->fd < 0)
		return;
	close(o->fd);
	o->fd = -1;
	unlink(o->tmp);
	pending[0] = 0;
}

void lgt_out_unlink_pending(void)
{
	if (pending[0])
		unlink(pending);
}
