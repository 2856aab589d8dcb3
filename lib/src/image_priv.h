/* SPDX-License-Identifier: MIT */
/* image_priv.h — what an image backend fills in.  Only lib/src/image*.c include it. */
#ifndef LGKIT_IMAGE_PRIV_H
#define LGKIT_IMAGE_PRIV_H

#include "lgkit/lgkit.h"

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
	/* For ranges without data: copy [off, off+len) of range r into buf. */
	int (*read)(const struct lg_image *img, const struct lg_range *r, uint64_t off, void *buf,
		    size_t len);
	void (*destroy)(struct lg_image *img); /* frees priv */
	void *priv;
	bool has_note;
	struct lg_note note;
	/* Where the mapped file holds data (SEEK_DATA/SEEK_HOLE), sorted file-offset extents;
	 * next_n 0 with ext_known false: unknown, everything may be data. */
	uint64_t (*ext)[2];
	size_t next_n;
	bool ext_known;
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

/* Fill err (when non-NULL) and return code. */
int lg_fail(struct lg_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
