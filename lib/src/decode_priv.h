/* SPDX-License-Identifier: MIT */
/* decode_priv.h — what the era decoders (decode.c, decode_era.c) share with the model (model.c). */
#ifndef LGKIT_DECODE_PRIV_H
#define LGKIT_DECODE_PRIV_H

#include "err_priv.h"

/* Reset out and copy the page bytes (at most 4096; len may be shorter). */
int lg_layout_load(struct lg_layout *out, const uint8_t *bytes, size_t len, uint64_t page_addr,
		   enum lg_era era);
/* Copy n bytes at page offset off into dst, as far as they are present (0 beyond). */
void lg_take(const struct lg_layout *l, uint32_t off, uint8_t *dst, uint32_t n);

/* Make room for n devices in dev (*cap: the room there is, 0 for a fresh layout); the room
 * beyond ndev is zero. */
int lg_layout_reserve(struct lg_layout *l, size_t n, size_t *cap);
/* Append a zeroed device, growing dev geometrically; *cap (0 for a fresh layout) is how
 * many devices dev has room for.  The decoders' lg_layout_add. */
struct lg_device *lg_layout_push(struct lg_layout *l, size_t *cap);

#endif
