/* SPDX-License-Identifier: MIT */
/* decode.c — E2 descriptor page bytes to the layout model, walking as scan_devices() did
 * (E0 and E1: decode_era.c). */
#include <stdlib.h>
#include <string.h>

#include "decode_priv.h"

/* How many descriptors lg_decode_page() will find: its walk without the decoding. */
static size_t count_e2(const struct lg_layout *l)
{
	size_t n = 0;
	for (uint32_t i = 0; i < l->page_len && l->page[i]; n++) {
		uint8_t hdr[LG_DESC_HDR_SIZE];
		lg_take(l, i, hdr, sizeof hdr);
		i += lg_desc_size(hdr[LG_DESC_NUM_VQ], hdr[LG_DESC_FEATURE_LEN],
				  hdr[LG_DESC_CONFIG_LEN]);
	}
	return n;
}

int lg_decode_page(const uint8_t *bytes, size_t len, uint64_t page_addr, struct lg_layout *out)
{
	int rc = lg_layout_load(out, bytes, len, page_addr, LG_ERA_E2);
	if (rc < 0)
		return rc;

	uint32_t i = 0;
	size_t cap = 0;
	/* One allocation of the devices (3.9 KB each), not one per doubling. */
	if (lg_layout_reserve(out, count_e2(out), &cap) < 0)
		return LG_ERR_NOMEM;
	/* The Guest bounds only the start offset by the page; we also stop where the
	 * image's bytes stop, so nothing is invented. */
	while (i < out->page_len) {
		if (out->page[i] == 0) {
			out->terminated = true;
			break;
		}
		struct lg_device *d = lg_layout_push(out, &cap);
		if (!d) {
			lg_layout_free(out);
			return LG_ERR_NOMEM;
		}
		d->offset = i;
		uint8_t hdr[LG_DESC_HDR_SIZE];
		lg_take(out, i, hdr, sizeof hdr);
		d->type = hdr[LG_DESC_TYPE];
		d->num_vq = hdr[LG_DESC_NUM_VQ];
		d->feature_len = hdr[LG_DESC_FEATURE_LEN];
		d->config_len = hdr[LG_DESC_CONFIG_LEN];
		d->status = hdr[LG_DESC_STATUS];
		uint32_t size = lg_desc_size(d->num_vq, d->feature_len, d->config_len);
		d->size = size;
		d->truncated = i + size > out->page_len;
		uint32_t p = i + LG_DESC_HDR_SIZE;
		for (unsigned q = 0; q < d->num_vq; q++, p += LG_VQC_SIZE) {
			uint8_t v[LG_VQC_SIZE];
			lg_take(out, p, v, sizeof v);
			d->vq_off[q] = (uint16_t)(p - i);
			d->vq[q].num = lg_le16(v + LG_VQC_NUM);
			d->vq[q].irq = lg_le16(v + LG_VQC_IRQ);
			d->vq[q].pfn = lg_le32(v + LG_VQC_PFN);
			if (p + LG_VQC_SIZE <= out->page_len)
				d->vqs_present = (uint8_t)(q + 1);
		}
		lg_take(out, p, d->host_features, d->feature_len);
		lg_take(out, p + d->feature_len, d->guest_features, d->feature_len);
		lg_take(out, p + 2u * d->feature_len, d->config, d->config_len);
		if (d->truncated) {
			out->overflowed = true;
			i += size;
			break;
		}
		i += size;
	}
	out->end = i < LG_PAGE_SIZE ? i : LG_PAGE_SIZE;
	return 0;
}

int lg_decode_image(const struct lg_image *img, uint64_t page_addr, struct lg_layout *out,
		    struct lg_error *err)
{
	return lg_decode_image_era(img, page_addr, LG_ERA_E2, out, err);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static bool num_ok(uint16_t num)
{
	return num && num <= LG_VQ_NUM_MAX && !(num & (num - 1));
}

/* E0: device memory follows the page in slot order, as the later eras' rings do; each
 * device with pages votes (q is 0 in the list of those that disagree). */
static int infer_base_e0(const struct lg_layout *l, struct lg_base_guess *g)
{
	uint64_t off = 1, win = 0;
	for (size_t d = 0; d < l->ndev; d++) {
		const struct lg_e0_slot *s = &l->dev[d].e0;
		if (!s->num_pages || !s->pfn)
			continue;
		uint64_t vote = s->pfn > off ? s->pfn - off : 0;
		off += s->num_pages;
		if (g->rings++ == 0)
			win = vote;
		if (vote && vote == win) {
			g->agree++;
		} else {
			if (g->ndisagree < LG_GUESS_LIST) {
				g->disagree[g->ndisagree].d = d;
				g->disagree[g->ndisagree].pfn = s->pfn;
			}
			g->ndisagree++;
		}
	}
	g->page_addr = win << LG_PAGE_SHIFT;
	return g->agree && g->agree == g->rings ? 0 : LG_ERR_NOTFOUND;
}

int lg_infer_base(const struct lg_layout *l, struct lg_base_guess *g)
{
	memset(g, 0, sizeof *g);
	if (l->era == LG_ERA_E0)
		return infer_base_e0(l, g);
	/* The pages of the most common valid ring size stand in for an invalid one. */
	unsigned count[16] = {0}, best = 0;
	for (size_t d = 0; d < l->ndev; d++)
		for (unsigned q = 0; q < l->dev[d].vqs_present; q++) {
			uint16_t num = l->dev[d].vq[q].num;
			if (num_ok(num)) {
				unsigned b = (unsigned)__builtin_ctz(num);
				count[b]++;
				unsigned cb = count[b], cbest = count[best];
				if (cb > cbest || (cb == cbest && b > best))
					best = b;
			}
		}
	struct lg_ring_geom tg;
	lg_ring_geom((uint16_t)(1u << best), 0, &tg);
	uint64_t typical = tg.pages;

	/* Each ring's vote: the page's pfn if the ring is where the Launcher put it. */
	size_t n = 0;
	for (size_t d = 0; d < l->ndev; d++)
		n += l->dev[d].vqs_present;
	uint64_t *vote = n ? malloc(n * sizeof *vote) : NULL;
	if (n && !vote)
		return LG_ERR_NOMEM;
	uint64_t off = 1; /* pages from the page to the next ring */
	size_t k = 0;
	for (size_t d = 0; d < l->ndev; d++)
		for (unsigned q = 0; q < l->dev[d].vqs_present; q++) {
			const struct lg_vq *v = &l->dev[d].vq[q];
			vote[k++] = v->pfn > off ? v->pfn - off : 0; /* 0: no page there */
			if (num_ok(v->num)) {
				struct lg_ring_geom rg;
				lg_ring_geom(v->num, v->pfn, &rg);
				off += rg.pages;
			} else {
				off += typical;
			}
		}
	/* The winner: most votes (the lower address on a tie, which then is no agreement).
	 * The votes are counted in a sorted copy, runs of equal votes in ascending order: a
	 * page of 500 rings costs n log n comparisons, not n^2. */
	unsigned top = 0, second = 0;
	uint64_t win = 0;
	uint64_t *sorted = n ? malloc(n * sizeof *sorted) : NULL;
	if (n && !sorted) {
		free(vote);
		return LG_ERR_NOMEM;
	}
	if (n) {
		memcpy(sorted, vote, n * sizeof *sorted);
		qsort(sorted, n, sizeof *sorted, cmp_u64);
	}
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && sorted[j] == sorted[i]; j++)
			;
		unsigned c = (unsigned)(j - i);
		if (sorted[i] == 0)
			continue;
		if (c > top) {
			second = top;
			top = c;
			win = sorted[i];
		} else if (c > second) {
			second = c;
		}
	}
	free(sorted);
	for (size_t d = 0; d < l->ndev; d++)
		for (unsigned q = 0; q < l->dev[d].vqs_present; q++)
			g->rings += l->dev[d].vq[q].pfn != 0;
	/* Agreement: one address named more often than any other, and by two rings at least
	 * unless there is only one.  Without it every voting ring is listed. */
	bool agreed = top && top != second && (g->rings == 1 || top >= 2);
	g->agree = top;
	k = 0;
	for (size_t d = 0; d < l->ndev; d++)
		for (unsigned q = 0; q < l->dev[d].vqs_present; q++, k++) {
			const struct lg_vq *v = &l->dev[d].vq[q];
			if (!v->pfn || (agreed && vote[k] == win))
				continue;
			{
				if (g->ndisagree < LG_GUESS_LIST) {
					g->disagree[g->ndisagree].d = d;
					g->disagree[g->ndisagree].q = q;
					g->disagree[g->ndisagree].pfn = v->pfn;
				}
				g->ndisagree++;
			}
		}
	free(vote);
	g->page_addr = win << LG_PAGE_SHIFT;
	if (!agreed)
		return LG_ERR_NOTFOUND;
	return 0;
}

int lg_infer_page_addr(const struct lg_layout *l, uint64_t *page_addr)
{
	struct lg_base_guess g;
	int rc = lg_infer_base(l, &g);
	if (rc == 0)
		*page_addr = g.page_addr;
	return rc;
}
