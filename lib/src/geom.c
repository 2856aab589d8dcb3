/* SPDX-License-Identifier: MIT */
/* geom.c — legacy vring geometry: the one place addresses and sizes are computed. */
#include "lgkit/lgkit.h"

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

uint64_t lg_vring_size(uint32_t num)
{
	if (num == 0)
		return 0;
	/* 3.0+ headers: desc table, avail {flags, idx, ring[num], used_event}, pad to the
	 * alignment, used {flags, idx, ring[num], avail_event}. */
	return align_up(16ull * num + 2ull * (3 + num), LG_VRING_ALIGN) + 6ull + 8ull * num;
}

void lg_ring_geom(uint16_t num, uint32_t pfn, struct lg_ring_geom *g)
{
	g->desc = (uint64_t)pfn << LG_PAGE_SHIFT;
	g->avail = g->desc + 16ull * num;
	g->used = g->desc + align_up(16ull * num + 2ull * (3 + num), LG_VRING_ALIGN);
	g->size = lg_vring_size(num);
	g->end = g->desc + g->size;
	g->pages = (g->size + LG_PAGE_SIZE - 1) / LG_PAGE_SIZE;
	g->next = g->desc + g->pages * LG_PAGE_SIZE;
}

void lg_vq_alloc_init(struct lg_vq_alloc *a, uint64_t page_addr)
{
	a->next_pfn = (page_addr >> LG_PAGE_SHIFT) + 1;
	a->next_irq = 1;
}

void lg_vq_alloc_placed(struct lg_vq_alloc *a, uint16_t num, uint64_t pfn, uint64_t irq)
{
	struct lg_ring_geom g;
	lg_ring_geom(num, 0, &g);
	a->next_pfn = pfn + g.pages;
	a->next_irq = irq + 1;
}
