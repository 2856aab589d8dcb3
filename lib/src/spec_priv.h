/* SPDX-License-Identifier: MIT */
/* spec_priv.h — where each value of a parsed spec is in its text.
 *
 * cJSON keeps no positions, so after a parse the text is walked once more beside the tree
 * (both in document order) and each node's key and value get a line and column.  The
 * index is built only when a position is wanted: on the first error, or for a
 * struct lg_spec_map. */
#ifndef LGKIT_SPEC_PRIV_H
#define LGKIT_SPEC_PRIV_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

/* A line and column, both from 1; the column counts characters (UTF-8 sequences, a tab as
 * one), as editors count them. */
struct lg_text_pos {
	unsigned line, col;
};

struct lg_spec_ixrec {
	const cJSON *node;
	struct lg_text_pos key; /* the member's key; the value's position for array items */
	struct lg_text_pos val;
};

struct lg_spec_ix {
	struct lg_spec_ixrec *rec; /* sorted by node */
	size_t n;
};

/* The position of byte off of text (off may be len: just past the end). */
struct lg_text_pos lg_text_pos_at(const char *text, size_t len, size_t off);

/* Index every node of root, which cJSON parsed from text[0..len).  LG_ERR_NOMEM; 0. */
int lg_spec_ix_build(struct lg_spec_ix *ix, const char *text, size_t len, const cJSON *root);
void lg_spec_ix_free(struct lg_spec_ix *ix);
/* Where node (or, with key, its key) is; 1:1 when the index does not hold it (it always
 * should). */
struct lg_text_pos lg_spec_ix_find(const struct lg_spec_ix *ix, const cJSON *node, bool key);

#endif
