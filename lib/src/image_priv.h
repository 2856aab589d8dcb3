/* SPDX-License-Identifier: MIT */
/* image_priv.h — what an image backend fills in.  Only lib/src/image*.c include it. */
#ifndef LGKIT_IMAGE_PRIV_H
#define LGKIT_IMAGE_PRIV_H

#include "err_priv.h"

struct lg_range {
	uint64_t gpa;        /* first guest-physical address */
	uint64_t len;        /* bytes */
	const uint8_t *data; /* mapped bytes, or NULL: the backend's read() decodes them */
	uint64_t aux;        /* backend's own (e.g. file offset) */
};

struct lg_image {
	enum lg_image_kind kind;
	struct lg_range *ranges; /* sorted by gpa, non-overlapping */
	size_t nranges, cap;
	void *map; /* munmap'd on close when non-NULL */
	size_t map_len;
	/* For ranges without data: copy [off, off+len) of range r into buf; on failure err (may
	 * be NULL) names the page and the file offset.  Not safe for two threads at once: a
	 * backend may keep a cache in priv (kdump does). */
	int (*read)(const struct lg_image *img, const struct lg_range *r, uint64_t off, void *buf,
		    size_t len, struct lg_error *err);
	void (*destroy)(struct lg_image *img); /* frees priv */
	void *priv;
	bool has_note;
	struct lg_note note;
	/* Where the mapped file holds data (SEEK_DATA/SEEK_HOLE), sorted file-offset extents;
	 * next_n 0 with ext_known false: unknown, everything may be data. */
	uint64_t (*ext)[2];
	size_t next_n;
	bool ext_known;
	int fd; /* the file, for sequential reads (lg_seq); -1: none (read the mapping) */
	/* Per-reader state for ranges without data, so that two threads may read one image at
	 * once (lg_seq); NULL: only read() reads them (one thread). */
	void *(*seq_new)(const struct lg_image *img);
	void (*seq_free)(void *st);
	/* As read(), with st's own state.  head: only these bytes of their page matter, a codec
	 * may stop decoding after them (damage past them then goes unseen). */
	int (*seq_read)(const struct lg_image *img, void *st, const struct lg_range *r,
			uint64_t off, void *buf, size_t len, bool head, struct lg_error *err);
};

/* Allocate an empty image. */
struct lg_image *lg_image_new(enum lg_image_kind kind);
/* Append a range (any order); lg_image_finish() sorts and rejects overlaps. */
int lg_image_add_range(struct lg_image *img, uint64_t gpa, uint64_t len, const uint8_t *data,
		       uint64_t aux);
/* Sort ranges, merge nothing, and fail with LG_ERR_BADFORMAT on overlap; err names both. */
int lg_image_finish(struct lg_image *img, const char *path, struct lg_error *err);

/* Backends (each returns LG_ERR_UNSUPPORTED when the bytes are not its kind). */
int lg_image_open_elf(const char *path, const uint8_t *map, size_t len, struct lg_image **out,
		      struct lg_error *err);
int lg_image_open_kdump(const char *path, const uint8_t *map, size_t len, struct lg_image **out,
			struct lg_error *err);

/* The lowest address from gpa on in range ri that may hold a non-zero byte: gpa itself
 * unless the file has a hole there (then where its data resumes, or the range's end). */
uint64_t lg_image_data_from(const struct lg_image *img, size_t ri, uint64_t gpa);

/* The end of the data that starts at gpa in range ri: where the file's next hole starts
 * (or the range's end).  With lg_image_data_from(), a pass reads only data extents. */
uint64_t lg_image_data_to(const struct lg_image *img, size_t ri, uint64_t gpa);

/* A sequential reader: whole-image passes (a scan) read large pieces of a file with pread
 * into one reused buffer instead of touching the mapping page by page (the first touch of
 * each mapped page costs more than reading it), and each reader has its own decoding state
 * for on-demand ranges, so two threads may read one image at once.  Random access
 * (lg_image_read) keeps the mapping. */
#define LG_SEQ_CHUNK (1u << 20)
struct lg_seq {
	const struct lg_image *img;
	uint8_t *buf; /* LG_SEQ_CHUNK bytes, allocated at the first pread */
	void *st;     /* the backend's (seq_new) */
};
int lg_seq_init(struct lg_seq *s, const struct lg_image *img);
void lg_seq_fini(struct lg_seq *s);
/* Whether range ri has its bytes (lg_seq_bytes) rather than decoding them (lg_seq_read). */
bool lg_seq_direct(const struct lg_seq *s, size_t ri);
/* [gpa, gpa+len) of range ri, wholly inside it, len <= LG_SEQ_CHUNK: *p points at them
 * (the caller's memory, or s->buf after pread).  Errors: LG_ERR_PARAM, LG_ERR_IO. */
int lg_seq_bytes(struct lg_seq *s, size_t ri, uint64_t gpa, size_t len, const uint8_t **p);
/* Copy [gpa, gpa+len) of range ri into buf; head: see seq_read.  err as lg_image_read(). */
int lg_seq_read(struct lg_seq *s, size_t ri, uint64_t gpa, void *buf, size_t len, bool head,
		struct lg_error *err);
/* Whether two lg_seq readers may read img at once. */
bool lg_seq_parallel(const struct lg_image *img);

#endif
