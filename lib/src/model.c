/* SPDX-License-Identifier: MIT */
/* model.c — the layout model (struct lg_layout, lgkit.h): making one, adding devices,
 * freeing it, and the facts every user of the model derives the same way (a descriptor's
 * size, a feature bit, where the device area ends).  The decoders (decode.c,
 * decode_era.c), the spec loader (spec.c), the emitters (emit.c) and the checks build on
 * these; ring geometry is geom.c's. */
#include <stdlib.h>
#include <string.h>

#include "decode_priv.h"
#include "lgkit/emit.h"

uint32_t lg_desc_size(uint8_t num_vq, uint8_t feature_len, uint8_t config_len)
{
	return LG_DESC_HDR_SIZE + LG_VQC_SIZE * (uint32_t)num_vq + 2u * feature_len + config_len;
}

bool lg_feature_test(const uint8_t *bits, uint8_t len, unsigned bit)
{
	return bit / 8 < len && (bits[bit / 8] >> (bit % 8)) & 1;
}

int lg_feature_next(const uint8_t *bits, uint8_t len, unsigned from)
{
	for (unsigned b = from; b < len * 8u; b++)
		if ((bits[b / 8] >> (b % 8)) & 1)
			return (int)b;
	return -1;
}

void lg_layout_init(struct lg_layout *l, uint64_t page_addr)
{
	memset(l, 0, sizeof *l);
	l->page_addr = page_addr;
	l->mem = page_addr;
	l->page_len = LG_PAGE_SIZE;
	l->era = LG_ERA_E2;
}

int lg_layout_reserve(struct lg_layout *l, size_t n, size_t *cap)
{
	if (n <= *cap)
		return 0;
	/* The room beyond ndev is kept zeroed, so that a device pushed there needs no memset
	 * of its 3.9 KB: a fresh array comes from calloc (memory the system gives zeroed is
	 * not written, so the pages of devices never used are never touched), and only what a
	 * realloc adds is cleared.  A random page decodes to up to 1365 E1 devices: clearing
	 * each, page faults included, was a fifth of fuzz_decode's time. */
	struct lg_device *d;
	if (!l->dev) {
		d = calloc(n, sizeof *d);
	} else {
		d = realloc(l->dev, n * sizeof *d);
		if (d)
			memset(d + *cap, 0, (n - *cap) * sizeof *d);
	}
	if (!d)
		return LG_ERR_NOMEM;
	l->dev = d;
	*cap = n;
	return 0;
}

struct lg_device *lg_layout_push(struct lg_layout *l, size_t *cap)
{
	/* Doubling when full: n devices added one by one cost log n reallocs of the 3.9 KB
	 * devices, not n (each copying all before it). */
	if (l->ndev >= *cap && lg_layout_reserve(l, 2 * l->ndev + 4, cap) < 0)
		return NULL;
	return &l->dev[l->ndev++]; /* zero: lg_layout_reserve keeps the room so */
}

struct lg_device *lg_layout_add(struct lg_layout *l)
{
	/* The caller may have sized dev itself: assume no room to spare. */
	size_t cap = l->ndev;
	return lg_layout_push(l, &cap);
}

void lg_layout_free(struct lg_layout *l)
{
	free(l->dev);
	l->dev = NULL;
	l->ndev = 0;
}

/* Copy up to n bytes at page offset off into dst, as far as they are present. */
void lg_take(const struct lg_layout *l, uint32_t off, uint8_t *dst, uint32_t n)
{
	size_t have = off < l->page_len ? l->page_len - off : 0;
	if (have > n)
		have = n;
	if (have)
		memcpy(dst, l->page + off, have);
	memset(dst + have, 0, n - have);
}

/* Set up out with the page bytes (as far as present); every era's decoder starts here. */
int lg_layout_load(struct lg_layout *out, const uint8_t *bytes, size_t len, uint64_t page_addr,
		   enum lg_era era)
{
	if (!out || (!bytes && len))
		return LG_ERR_PARAM;
	lg_layout_init(out, page_addr);
	if (len > LG_PAGE_SIZE)
		len = LG_PAGE_SIZE;
	if (len)
		memcpy(out->page, bytes, len);
	out->page_len = len;
	out->era = era;
	return 0;
}

uint64_t lg_layout_area_end(const struct lg_layout *l)
{
	if (l->pfn_limit && l->pfn_limit <= (UINT64_MAX >> LG_PAGE_SHIFT))
		return l->pfn_limit << LG_PAGE_SHIFT;
	uint64_t end = l->page_addr + LG_PAGE_SIZE;
	for (size_t d = 0; d < l->ndev; d++)
		for (unsigned q = 0; q < l->dev[d].num_vq; q++) {
			struct lg_ring_geom g;
			const struct lg_vq *v = &l->dev[d].vq[q];
			if (!v->num || !v->pfn)
				continue;
			lg_ring_geom(v->num, v->pfn, &g);
			if (g.next > end)
				end = g.next;
		}
	/* E0: the device pages the Launcher allocated after the descriptor page. */
	for (size_t d = 0; l->era == LG_ERA_E0 && d < l->ndev; d++) {
		const struct lg_e0_slot *s = &l->dev[d].e0;
		uint64_t e = ((uint64_t)s->pfn + s->num_pages) << LG_PAGE_SHIFT;
		if (s->num_pages && s->pfn && e > end)
			end = e;
	}
	return end;
}
