/* SPDX-License-Identifier: MIT */
/* image.c — guest-physical views over mmap'd files or caller buffers; the raw backend. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image_priv.h"
#include "names_priv.h"

struct lg_image *lg_image_new(enum lg_image_kind kind)
{
	struct lg_image *img = calloc(1, sizeof *img);
	if (img) {
		img->kind = kind;
		img->fd = -1;
	}
	return img;
}

int lg_image_add_range(struct lg_image *img, uint64_t gpa, uint64_t len, const uint8_t *data,
		       uint64_t aux)
{
	if (len == 0)
		return 0;
	if (gpa + len < gpa)
		return LG_ERR_OVERFLOW;
	if (img->nranges == img->cap) {
		size_t cap = img->cap ? img->cap * 2 : 4;
		struct lg_range *n = realloc(img->ranges, cap * sizeof *n);
		if (!n)
			return LG_ERR_NOMEM;
		img->ranges = n;
		img->cap = cap;
	}
	img->ranges[img->nranges++] = (struct lg_range){gpa, len, data, aux};
	return 0;
}

static int range_cmp(const void *a, const void *b)
{
	const struct lg_range *x = a, *y = b;
	return x->gpa < y->gpa ? -1 : x->gpa > y->gpa;
}

int lg_image_finish(struct lg_image *img, const char *path, struct lg_error *err)
{
	qsort(img->ranges, img->nranges, sizeof *img->ranges, range_cmp);
	for (size_t i = 1; i < img->nranges; i++) {
		const struct lg_range *p = &img->ranges[i - 1], *r = &img->ranges[i];
		if (p->gpa + p->len > r->gpa)
			return lg_fail(err, LG_ERR_BADFORMAT,
				       "%s: memory ranges overlap: [%#llx, %#llx) and [%#llx, %#llx)",
				       path, (unsigned long long)p->gpa,
				       (unsigned long long)(p->gpa + p->len), (unsigned long long)r->gpa,
				       (unsigned long long)(r->gpa + r->len));
	}
	return 0;
}

void lg_image_close(struct lg_image *img)
{
	if (!img)
		return;
	if (img->destroy)
		img->destroy(img);
	if (img->map)
		munmap(img->map, img->map_len);
	if (img->fd >= 0)
		close(img->fd);
	free(img->ext);
	free(img->ranges);
	free(img);
}

enum lg_image_kind lg_image_kind(const struct lg_image *img)
{
	return img->kind;
}

const char *lg_image_kind_name(enum lg_image_kind kind)
{
	static const char *const names[] = {[LG_IMAGE_RAW] = "raw", [LG_IMAGE_ELF] = "elf",
					     [LG_IMAGE_KDUMP] = "kdump",
					     [LG_IMAGE_MEMORY] = "memory"};
	return LG_NAME_IN(names, kind, "unknown");
}

size_t lg_image_range_count(const struct lg_image *img)
{
	return img->nranges;
}

int lg_image_range(const struct lg_image *img, size_t i, uint64_t *gpa, uint64_t *len)
{
	if (i >= img->nranges)
		return LG_ERR_PARAM;
	*gpa = img->ranges[i].gpa;
	*len = img->ranges[i].len;
	return 0;
}

/* The range holding gpa, or NULL (binary search). */
static const struct lg_range *find_range(const struct lg_image *img, uint64_t gpa)
{
	size_t lo = 0, hi = img->nranges;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct lg_range *r = &img->ranges[mid];
		if (gpa < r->gpa)
			hi = mid;
		else if (gpa - r->gpa >= r->len)
			lo = mid + 1;
		else
			return r;
	}
	return NULL;
}

uint64_t lg_image_backed(const struct lg_image *img, uint64_t gpa, uint64_t max)
{
	uint64_t got = 0;
	while (got < max) {
		const struct lg_range *r = find_range(img, gpa + got);
		if (!r || gpa + got < gpa)
			break;
		got += r->len - (gpa + got - r->gpa);
	}
	return got < max ? got : max;
}

bool lg_image_covers(const struct lg_image *img, uint64_t gpa, uint64_t len)
{
	if (gpa + len < gpa)
		return false;
	return lg_image_backed(img, gpa, len) == len;
}

int lg_image_read(const struct lg_image *img, uint64_t gpa, void *buf, size_t len,
		  struct lg_error *err)
{
	uint8_t *out = buf;
	if (gpa + len < gpa)
		return lg_fail(err, LG_ERR_OVERFLOW, "%zu bytes at %#llx run past 2^64", len,
			       (unsigned long long)gpa);
	while (len) {
		const struct lg_range *r = find_range(img, gpa);
		if (!r)
			return lg_fail(err, LG_ERR_NOT_IN_IMAGE, "address %#llx is not in the image",
				       (unsigned long long)gpa);
		uint64_t off = gpa - r->gpa;
		uint64_t n = r->len - off;
		if (n > len)
			n = len;
		if (r->data) {
			memcpy(out, r->data + off, (size_t)n);
		} else {
			int rc = img->read ? img->read(img, r, off, out, (size_t)n, err)
					   : lg_fail(err, LG_ERR_INTERNAL, "no reader for %#llx",
						     (unsigned long long)gpa);
			if (rc < 0)
				return rc;
		}
		out += n;
		gpa += n;
		len -= (size_t)n;
	}
	return 0;
}

bool lg_image_note(const struct lg_image *img, struct lg_note *note)
{
	if (img->has_note && note)
		*note = img->note;
	return img->has_note;
}

void lg_note_encode(const struct lg_note *note, uint8_t out[LG_NOTE_DESC_SIZE])
{
	lg_put32(out, LG_NOTE_VERSION);
	lg_put32(out + 4, 0);
	lg_put64(out + 8, note->page_addr);
	lg_put64(out + 16, note->mem);
	lg_put64(out + 24, note->pfn_limit);
}

void lg_note_record(const struct lg_note *note, uint8_t out[LG_NOTE_SIZE])
{
	static const char name[8] = LG_NOTE_NAME; /* "LGKIT", NUL, padded to 4 */
	lg_put32(out, sizeof LG_NOTE_NAME);
	lg_put32(out + 4, LG_NOTE_DESC_SIZE);
	lg_put32(out + 8, LG_NOTE_TYPE);
	memcpy(out + 12, name, sizeof name);
	lg_note_encode(note, out + 12 + sizeof name);
}

int lg_note_decode(const uint8_t *desc, size_t len, struct lg_note *note)
{
	if (len < LG_NOTE_DESC_SIZE)
		return LG_ERR_TRUNCATED;
	if (lg_le32(desc) != LG_NOTE_VERSION)
		return LG_ERR_UNSUPPORTED;
	note->page_addr = lg_le64(desc + 8);
	note->mem = lg_le64(desc + 16);
	note->pfn_limit = lg_le64(desc + 24);
	if (note->page_addr % LG_PAGE_SIZE)
		return LG_ERR_BADFORMAT;
	return 0;
}

int lg_image_from_memory(const void *buf, size_t len, uint64_t base, struct lg_image **out)
{
	*out = NULL;
	if (!buf && len)
		return LG_ERR_PARAM;
	if (base + len < base)
		return LG_ERR_OVERFLOW;
	struct lg_image *img = lg_image_new(LG_IMAGE_MEMORY);
	if (!img)
		return LG_ERR_NOMEM;
	int rc = lg_image_add_range(img, base, len, buf, 0);
	if (rc < 0) {
		lg_image_close(img);
		return rc;
	}
	*out = img;
	return 0;
}

static bool is_elf(const uint8_t *p, size_t len)
{
	return len >= 4 && p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F';
}

static bool is_kdump(const uint8_t *p, size_t len)
{
	return (len >= 8 && memcmp(p, "KDUMP   ", 8) == 0) ||
	       (len >= 16 && memcmp(p, "makedumpfile", 12) == 0);
}

/* Formats that are not guest memory as lgkit reads it, by their magic: read as raw bytes
 * they would be judged as a page full of invented errors. */
static const struct {
	size_t off, len;
	const char *magic, *name, *hint;
} foreign[] = {
	{0, 8, "PAGEDU64", "a Windows crash dump (PAGEDU64)", "lgkit does not read it"},
	{0, 8, "PAGEDUMP", "a Windows crash dump (PAGEDUMP)", "lgkit does not read it"},
	{0, 8, "DISKDUMP", "an old-style diskdump core (DISKDUMP)", "lgkit does not read it"},
	{0, 4, "EMiL", "a LiME memory dump", "lgkit does not read it"},
	{0, 4, "QEVM", "a QEMU saved VM state (QEVM)", "lgkit does not read it"},
	{0, 2, "\x1f\x8b", "a gzip-compressed file", "decompress it first"},
	{0, 6, "\xfd" "7zXZ\0", "an xz-compressed file", "decompress it first"},
	{0, 4, "\x28\xb5\x2f\xfd", "a zstd-compressed file", "decompress it first"},
	{0, 3, "BZh", "a bzip2-compressed file", "decompress it first"},
	{0, 4, "\x04\x22\x4d\x18", "an lz4-compressed file", "decompress it first"},
};

static int refuse_foreign(const char *path, const uint8_t *p, size_t len, struct lg_error *err)
{
	for (size_t i = 0; i < sizeof foreign / sizeof foreign[0]; i++)
		if (len >= foreign[i].off + foreign[i].len &&
		    memcmp(p + foreign[i].off, foreign[i].magic, foreign[i].len) == 0 &&
		    (foreign[i].magic[0] != 'B' || (len > 3 && p[3] >= '1' && p[3] <= '9')))
			return lg_fail(err, LG_ERR_UNSUPPORTED,
				       "%s: %s, not raw memory, an ELF core or a kdump; %s "
				       "(--raw reads its bytes as memory anyway)",
				       path, foreign[i].name, foreign[i].hint);
	return 0;
}

#define EXTENTS_MAX 65536u /* beyond: treat the whole file as data */

/* The data extents of a regular file, so that a scan costs what the file holds, not its
 * size (a 1 TiB sparse dump).  Returns the count, or -1 when unknown. */
static long file_extents(int fd, uint64_t size, uint64_t (**out)[2])
{
	uint64_t (*ext)[2] = NULL;
	size_t n = 0, cap = 0;
	off_t pos = 0;
	*out = NULL;
	while ((uint64_t)pos < size) {
		off_t d = lseek(fd, pos, SEEK_DATA);
		if (d < 0 && errno == ENXIO)
			break; /* only a hole from pos on */
		off_t h = d < 0 ? -1 : lseek(fd, d, SEEK_HOLE);
		if (d < 0 || h < d || n == EXTENTS_MAX) {
			free(ext);
			return -1;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			uint64_t (*e)[2] = realloc(ext, cap * sizeof *e);
			if (!e) {
				free(ext);
				return -1;
			}
			ext = e;
		}
		ext[n][0] = (uint64_t)d;
		ext[n][1] = (uint64_t)h;
		n++;
		pos = h;
	}
	*out = ext;
	return (long)n;
}

/* For gpa in range ri: its file offset *fo, and the index of the first data extent that
 * ends after it (next_n when none does).  false when the extents are not known for it. */
static bool extent_after(const struct lg_image *img, size_t ri, uint64_t gpa, uint64_t *fo,
			 size_t *idx)
{
	const struct lg_range *r = &img->ranges[ri];
	if (!img->ext_known || !r->data || !img->map)
		return false;
	uintptr_t base = (uintptr_t)img->map, at = (uintptr_t)r->data;
	if (at < base || at - base > img->map_len)
		return false;
	*fo = (uint64_t)(at - base) + (gpa - r->gpa);
	size_t lo = 0, hi = img->next_n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (img->ext[mid][1] <= *fo)
			lo = mid + 1;
		else
			hi = mid;
	}
	*idx = lo;
	return true;
}

uint64_t lg_image_data_from(const struct lg_image *img, size_t ri, uint64_t gpa)
{
	const struct lg_range *r = &img->ranges[ri];
	uint64_t fo, end = r->gpa + r->len;
	size_t lo;
	if (!extent_after(img, ri, gpa, &fo, &lo))
		return gpa;
	if (lo == img->next_n)
		return end;
	if (img->ext[lo][0] <= fo)
		return gpa;
	uint64_t skip = img->ext[lo][0] - fo;
	return skip >= end - gpa ? end : gpa + skip;
}

uint64_t lg_image_data_to(const struct lg_image *img, size_t ri, uint64_t gpa)
{
	const struct lg_range *r = &img->ranges[ri];
	uint64_t fo, end = r->gpa + r->len;
	size_t lo;
	if (!extent_after(img, ri, gpa, &fo, &lo) || lo == img->next_n)
		return end;
	uint64_t run = img->ext[lo][1] - fo;
	return run >= end - gpa ? end : gpa + run;
}

/* ---------------------------------------------------------------- sequential readers */

int lg_seq_init(struct lg_seq *s, const struct lg_image *img)
{
	s->img = img;
	s->buf = NULL;
	s->st = NULL;
	if (img->seq_new && !(s->st = img->seq_new(img)))
		return LG_ERR_NOMEM;
	return 0;
}

void lg_seq_fini(struct lg_seq *s)
{
	if (s->st && s->img->seq_free)
		s->img->seq_free(s->st);
	free(s->buf);
	s->buf = NULL;
	s->st = NULL;
}

bool lg_seq_direct(const struct lg_seq *s, size_t ri)
{
	return ri < s->img->nranges && s->img->ranges[ri].data;
}

bool lg_seq_parallel(const struct lg_image *img)
{
	for (size_t i = 0; i < img->nranges; i++)
		if (!img->ranges[i].data && !img->seq_new)
			return false;
	return true;
}

int lg_seq_bytes(struct lg_seq *s, size_t ri, uint64_t gpa, size_t len, const uint8_t **p)
{
	const struct lg_image *img = s->img;
	if (ri >= img->nranges || len > LG_SEQ_CHUNK)
		return LG_ERR_PARAM;
	const struct lg_range *r = &img->ranges[ri];
	if (!r->data || gpa < r->gpa || gpa - r->gpa > r->len || len > r->len - (gpa - r->gpa))
		return LG_ERR_PARAM;
	const uint8_t *src = r->data + (gpa - r->gpa);
	uint64_t fo;
	if (img->fd < 0 || !lg_image_map_offset(img, src, &fo)) {
		*p = src; /* the caller's memory: nothing to gain by copying */
		return 0;
	}
	if (!s->buf && !(s->buf = malloc(LG_SEQ_CHUNK)))
		return LG_ERR_NOMEM;
	size_t got = 0;
	while (got < len) {
		ssize_t n = pread(img->fd, s->buf + got, len - got, (off_t)(fo + got));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return LG_ERR_IO; /* the file shrank under us, or an I/O error */
		got += (size_t)n;
	}
	*p = s->buf;
	return 0;
}

int lg_seq_read(struct lg_seq *s, size_t ri, uint64_t gpa, void *buf, size_t len, bool head,
		struct lg_error *err)
{
	const struct lg_image *img = s->img;
	if (ri >= img->nranges)
		return LG_ERR_PARAM;
	const struct lg_range *r = &img->ranges[ri];
	if (gpa < r->gpa || gpa - r->gpa > r->len || len > r->len - (gpa - r->gpa))
		return LG_ERR_PARAM;
	if (r->data) {
		const uint8_t *p;
		int rc = lg_seq_bytes(s, ri, gpa, len, &p);
		if (rc == 0)
			memcpy(buf, p, len);
		return rc;
	}
	if (s->st && img->seq_read)
		return img->seq_read(img, s->st, r, gpa - r->gpa, buf, len, head, err);
	return img->read ? img->read(img, r, gpa - r->gpa, buf, len, err) : LG_ERR_INTERNAL;
}

/* ---------------------------------------------------------------- streams */

#define SPOOL_CHUNK (1u << 20) /* read this much, then write its non-zero pages */

static bool page_is_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* An unlinked file to spool into: O_TMPFILE in $TMPDIR (or /tmp), so that the data
 * lives on disk when it can; else an anonymous memory file. */
static int spool_file(void)
{
	const char *dir = secure_getenv("TMPDIR");
	int fd = open(dir && *dir ? dir : "/tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	return fd >= 0 ? fd : memfd_create("lgkit-stream", MFD_CLOEXEC);
}

/* Write [p, p+n) at off, all of it. */
static int spool_write(int fd, const uint8_t *p, size_t n, uint64_t off)
{
	while (n) {
		ssize_t k = pwrite(fd, p, n, (off_t)off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		p += k;
		n -= (size_t)k;
		off += (uint64_t)k;
	}
	return 0;
}

/* Copy the stream in (to its end) into out, leaving a hole for each page that is all
 * zero.  Memory: one chunk, whatever the stream's length. */
static int spool_copy(int in, int out, uint8_t *buf, const char *name, struct lg_error *err)
{
	uint64_t off = 0;
	for (;;) {
		size_t got = 0;
		while (got < SPOOL_CHUNK) {
			ssize_t k = read(in, buf + got, SPOOL_CHUNK - got);
			if (k < 0 && errno == EINTR)
				continue;
			if (k < 0)
				return lg_fail(err, LG_ERR_IO, "%s: cannot read at offset %#llx: %s",
					       name, (unsigned long long)(off + got), strerror(errno));
			if (k == 0)
				break;
			got += (size_t)k;
		}
		for (size_t i = 0; i < got;) {
			size_t n = got - i < LG_PAGE_SIZE ? got - i : LG_PAGE_SIZE;
			if (page_is_zero(buf + i, n)) {
				i += n;
				continue;
			}
			size_t j = i + n; /* the run of non-zero pages from i */
			while (j < got) {
				size_t m = got - j < LG_PAGE_SIZE ? got - j : LG_PAGE_SIZE;
				if (page_is_zero(buf + j, m))
					break;
				j += m;
			}
			if (spool_write(out, buf + i, j - i, off + i) < 0)
				return lg_fail(err, LG_ERR_IO, "%s: cannot keep a copy of it: %s",
					       name, strerror(errno));
			i = j;
		}
		off += got;
		if (got < SPOOL_CHUNK)
			break;
	}
	if (ftruncate(out, (off_t)off) < 0)
		return lg_fail(err, LG_ERR_IO, "%s: cannot keep a copy of it: %s", name,
			       strerror(errno));
	return 0;
}

int lg_spool_stream(int in, const char *name, struct lg_error *err)
{
	if (in < 0 || !name)
		return lg_fail(err, LG_ERR_PARAM, "no stream given");
	if (isatty(in))
		return lg_fail(err, LG_ERR_IO,
			       "%s: is a terminal, expected guest memory (redirect or pipe a dump "
			       "into it)",
			       name);
	int fl = fcntl(in, F_GETFL);
	if (fl >= 0 && (fl & O_NONBLOCK))
		fcntl(in, F_SETFL, fl & ~O_NONBLOCK);
	int out = spool_file();
	if (out < 0)
		return lg_fail(err, LG_ERR_IO, "%s: cannot keep a copy of it: %s", name,
			       strerror(errno));
	uint8_t *buf = malloc(SPOOL_CHUNK);
	int rc = buf ? spool_copy(in, out, buf, name, err)
		     : lg_fail(err, LG_ERR_NOMEM, "%s: %s", name, lg_strerror(LG_ERR_NOMEM));
	free(buf);
	if (rc < 0) {
		close(out);
		return rc;
	}
	return out;
}

int lg_image_open(const char *path, const struct lg_image_opts *opts, struct lg_image **out,
		  struct lg_error *err)
{
	struct lg_image_opts dflt = {0};
	struct stat st;
	int rc;

	if (!out || !path)
		return lg_fail(err, LG_ERR_PARAM, "no file given");
	*out = NULL;
	if (!opts)
		opts = &dflt;
	const char *name = opts->name ? opts->name : path; /* for messages */
	/* O_NONBLOCK: a FIFO without a writer is refused below instead of waited on. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return lg_fail(err, LG_ERR_IO, "%s: cannot open: %s", name, strerror(errno));
	if (fstat(fd, &st) < 0) {
		rc = lg_fail(err, LG_ERR_IO, "%s: cannot stat: %s", name, strerror(errno));
		close(fd);
		return rc;
	}
	if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) || S_ISSOCK(st.st_mode)) {
		/* A pipe, a socket, a terminal or /dev/stdin on one: no size, no mapping.  Read it
		 * once into a file (holes for zero pages), then read that as usual. */
		int copy = lg_spool_stream(fd, name, err);
		close(fd);
		if (copy < 0)
			return copy;
		fd = copy;
		if (fstat(fd, &st) < 0) {
			rc = lg_fail(err, LG_ERR_IO, "%s: cannot stat its copy: %s", name,
				     strerror(errno));
			close(fd);
			return rc;
		}
	}
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		close(fd);
		return lg_fail(err, LG_ERR_IO, "%s: not a regular file", name);
	}
	if (S_ISBLK(st.st_mode)) {
		/* A block device (a dump on a partition): its size is where it ends. */
		off_t end = lseek(fd, 0, SEEK_END);
		st.st_size = end > 0 ? end : 0;
	}
	if (st.st_size == 0) {
		close(fd);
		return lg_fail(err, LG_ERR_TRUNCATED, "%s: file is empty, expected guest memory",
			       name);
	}
	if ((uint64_t)st.st_size > SIZE_MAX) {
		close(fd);
		return lg_fail(err, LG_ERR_UNSUPPORTED, "%s: too large to map", name);
	}
	size_t len = (size_t)st.st_size;
	uint64_t (*ext)[2] = NULL;
	long next = S_ISREG(st.st_mode) ? file_extents(fd, (uint64_t)st.st_size, &ext) : -1;
	uint8_t *map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		free(ext);
		close(fd);
	}
	if (map == MAP_FAILED)
		return lg_fail(err, LG_ERR_IO, "%s: cannot map %zu bytes: %s", name, len,
			       strerror(errno));
	madvise(map, len, MADV_SEQUENTIAL);
	posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

	if (!opts->force_raw && (rc = refuse_foreign(name, map, len, err)) < 0) {
		free(ext);
		close(fd);
		munmap(map, len);
		return rc;
	}
	struct lg_image *img = NULL;
	if (!opts->force_raw && is_elf(map, len))
		rc = lg_image_open_elf(name, map, len, &img, err);
	else if (!opts->force_raw && is_kdump(map, len))
		rc = lg_image_open_kdump(name, map, len, &img, err);
	else {
		if (opts->base + len < opts->base) {
			free(ext);
			close(fd);
			munmap(map, len);
			return lg_fail(err, LG_ERR_OVERFLOW,
				       "%s: base %#llx + size %zu passes the end of the 64-bit "
				       "address space",
				       name, (unsigned long long)opts->base, len);
		}
		img = lg_image_new(LG_IMAGE_RAW);
		rc = img ? lg_image_add_range(img, opts->base, len, map, 0) : LG_ERR_NOMEM;
		if (rc < 0)
			lg_fail(err, rc, "%s: %s", name, lg_strerror(rc));
	}
	if (rc < 0) {
		free(ext);
		lg_image_close(img);
		close(fd);
		munmap(map, len);
		return rc;
	}
	img->map = map;
	img->fd = fd;
	img->map_len = len;
	img->ext = ext;
	img->next_n = next > 0 ? (size_t)next : 0;
	img->ext_known = next >= 0;
	*out = img;
	return 0;
}

bool lg_image_map_offset(const struct lg_image *img, const void *addr, uint64_t *off)
{
	uintptr_t a = (uintptr_t)addr, base = (uintptr_t)(img ? img->map : NULL);
	if (!base || a < base || a - base >= img->map_len)
		return false;
	*off = a - base;
	return true;
}
