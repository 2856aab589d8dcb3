/* SPDX-License-Identifier: MIT */
/* ringsim.c — a simulated running guest and device over lguest rings (see ringsim.h). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lgkit/lgkit.h"
#include "ringsim.h"

#define DATA_START 0x10000u
#define DATA_END 0x80000u
#define TABLE_BASE 0x80000u

static uint32_t rnd(struct sim *s)
{
	s->rnd = s->rnd * 1103515245u + 12345u;
	return s->rnd >> 8;
}

uint8_t *sim_at(struct sim *s, uint64_t gpa)
{
	return s->m + gpa;
}

uint8_t *sim_desc(struct sim *s, unsigned v, uint16_t i)
{
	return s->m + s->vq[v].ring + 16u * i;
}

uint64_t sim_avail(const struct sim *s, unsigned v)
{
	struct lg_ring_geom g;
	lg_ring_geom(s->vq[v].num, (uint32_t)(s->vq[v].ring >> 12), &g);
	return g.avail;
}

uint64_t sim_used(const struct sim *s, unsigned v)
{
	struct lg_ring_geom g;
	lg_ring_geom(s->vq[v].num, (uint32_t)(s->vq[v].ring >> 12), &g);
	return g.used;
}

uint64_t sim_table(const struct sim *s, unsigned v, uint16_t head)
{
	(void)s;
	return TABLE_BASE + v * 0x10000u + head * 0x1000u;
}

uint32_t sim_guest_features_off(unsigned d)
{
	return d == 0 ? 5 + 8 + 4 : 0;
}

static uint64_t data_buf(struct sim *s, uint32_t len)
{
	if (s->data_next + len > DATA_END)
		s->data_next = DATA_START;
	uint64_t a = s->data_next;
	s->data_next = (s->data_next + len + 15) & ~15ull;
	return a;
}

static void put_desc(uint8_t *d, uint64_t addr, uint32_t len, uint16_t flags)
{
	lg_put64(d, addr);
	lg_put32(d + 8, len);
	lg_put16(d + 12, flags);
}

/* Linux virtqueue_add: take descriptors off the free list (or one for an indirect
 * table), publish the head.  Returns the head; *last is the chain's last descriptor. */
static uint16_t drv_add(struct sim *s, unsigned v, unsigned nout, unsigned nin, bool ind,
			uint16_t *last)
{
	struct sim_vq *q = &s->vq[v];
	unsigned total = nout + nin;
	uint16_t head = q->free_head;
	if (ind && q->indirect && total > 1) {
		uint64_t t = sim_table(s, v, head);
		for (unsigned k = 0; k < total; k++) {
			bool w = k >= nout;
			uint32_t len = w ? 64 + rnd(s) % 4033 : 16 + rnd(s) % 497;
			uint8_t *e = sim_at(s, t + 16u * k);
			put_desc(e, data_buf(s, len), len,
				 (uint16_t)((k + 1 < total ? LG_VRING_DESC_F_NEXT : 0) |
					    (w ? LG_VRING_DESC_F_WRITE : 0)));
			lg_put16(e + 14, (uint16_t)(k + 1 < total ? k + 1 : 0));
		}
		uint8_t *d = sim_desc(s, v, head);
		put_desc(d, t, 16u * total, LG_VRING_DESC_F_INDIRECT);
		q->free_head = lg_le16(d + 14);
		q->num_free--;
		*last = head;
	} else {
		uint16_t i = head, prev = head;
		for (unsigned k = 0; k < total; k++) {
			bool w = k >= nout;
			uint32_t len = w ? 64 + rnd(s) % 4033 : 16 + rnd(s) % 497;
			uint8_t *d = sim_desc(s, v, i);
			put_desc(d, data_buf(s, len), len,
				 (uint16_t)(LG_VRING_DESC_F_NEXT | (w ? LG_VRING_DESC_F_WRITE : 0)));
			prev = i;
			i = lg_le16(d + 14);
		}
		uint8_t *d = sim_desc(s, v, prev);
		lg_put16(d + 12, (uint16_t)(lg_le16(d + 12) & ~LG_VRING_DESC_F_NEXT));
		q->free_head = i;
		q->num_free = (uint16_t)(q->num_free - total);
		*last = prev;
	}
	uint64_t av = sim_avail(s, v);
	lg_put16(sim_at(s, av + 4 + 2u * (q->avail_idx % q->num)), head);
	q->avail_idx++;
	lg_put16(sim_at(s, av + 2), q->avail_idx);
	q->held[head] = true;
	return head;
}

static uint32_t chain_in_bytes(struct sim *s, unsigned v, uint16_t head)
{
	uint32_t in = 0;
	uint16_t i = head;
	for (;;) {
		uint8_t *d = sim_desc(s, v, i);
		uint16_t f = lg_le16(d + 12);
		if (f & LG_VRING_DESC_F_INDIRECT) {
			uint64_t t = lg_le64(d);
			uint32_t n = lg_le32(d + 8) / 16;
			for (uint32_t k = 0; k < n; k++) {
				uint8_t *e = sim_at(s, t + 16u * k);
				if (lg_le16(e + 12) & LG_VRING_DESC_F_WRITE)
					in += lg_le32(e + 8);
			}
		} else if (f & LG_VRING_DESC_F_WRITE) {
			in += lg_le32(d + 8);
		}
		if (!(f & LG_VRING_DESC_F_NEXT))
			return in;
		i = lg_le16(d + 14);
	}
}

static bool dev_pop(struct sim *s, unsigned v)
{
	struct sim_vq *q = &s->vq[v];
	if (q->last_avail == q->avail_idx)
		return false;
	uint64_t av = sim_avail(s, v);
	q->inflight[q->ninflight++] = lg_le16(sim_at(s, av + 4 + 2u * (q->last_avail % q->num)));
	q->last_avail++;
	if (q->event_idx)
		lg_put16(sim_at(s, sim_used(s, v) + 4 + 8u * q->num), q->last_avail);
	return true;
}

static bool dev_push(struct sim *s, unsigned v, bool random_order)
{
	struct sim_vq *q = &s->vq[v];
	if (!q->ninflight)
		return false;
	unsigned k = random_order ? rnd(s) % q->ninflight : 0;
	uint16_t head = q->inflight[k];
	memmove(&q->inflight[k], &q->inflight[k + 1], (q->ninflight - k - 1) * sizeof q->inflight[0]);
	q->ninflight--;
	uint32_t in = chain_in_bytes(s, v, head);
	uint32_t len = rnd(s) % ((in < 64 ? in : 64) + 1);
	uint64_t u = sim_used(s, v);
	uint8_t *e = sim_at(s, u + 4 + 8u * (q->used_idx % q->num));
	lg_put32(e, head);
	lg_put32(e + 4, len);
	q->used_idx++;
	lg_put16(sim_at(s, u + 2), q->used_idx);
	return true;
}

/* Linux detach_buf after virtqueue_get_buf. */
static bool drv_get(struct sim *s, unsigned v)
{
	struct sim_vq *q = &s->vq[v];
	if (q->last_used == q->used_idx)
		return false;
	uint8_t *e = sim_at(s, sim_used(s, v) + 4 + 8u * (q->last_used % q->num));
	uint16_t id = (uint16_t)lg_le32(e), i = id;
	unsigned n = 1;
	if (!(lg_le16(sim_desc(s, v, i) + 12) & LG_VRING_DESC_F_INDIRECT))
		while (lg_le16(sim_desc(s, v, i) + 12) & LG_VRING_DESC_F_NEXT) {
			i = lg_le16(sim_desc(s, v, i) + 14);
			n++;
		}
	lg_put16(sim_desc(s, v, i) + 14, q->free_head);
	q->free_head = id;
	q->num_free = (uint16_t)(q->num_free + n);
	q->held[id] = false;
	q->last_used++;
	if (q->event_idx)
		lg_put16(sim_at(s, sim_avail(s, v) + 4 + 2u * q->num), q->last_used);
	return true;
}

static void init_vq(struct sim *s, unsigned v, uint16_t num, uint64_t ring, bool ind, bool ev)
{
	struct sim_vq *q = &s->vq[v];
	memset(q, 0, sizeof *q);
	q->num = num;
	q->ring = ring;
	q->indirect = ind;
	q->event_idx = ev;
	q->num_free = num;
	for (uint16_t i = 0; i + 1 < num; i++)
		lg_put16(sim_desc(s, v, i) + 14, (uint16_t)(i + 1));
	/* A guest that has been running a while: indices about to wrap. */
	q->avail_idx = q->last_used = q->last_avail = q->used_idx = 65530;
	lg_put16(sim_at(s, sim_avail(s, v) + 2), q->avail_idx);
	lg_put16(sim_at(s, sim_used(s, v) + 2), q->used_idx);
}

static void warmup(struct sim *s, unsigned v, unsigned steps)
{
	struct sim_vq *q = &s->vq[v];
	uint16_t last;
	for (unsigned k = 0; k < steps; k++) {
		switch (rnd(s) % 4) {
		case 0: {
			unsigned nout = v == 0 ? rnd(s) % 3 : 0, nin = 1 + rnd(s) % 2;
			bool ind = rnd(s) % 2;
			unsigned need = ind && q->indirect && nout + nin > 1 ? 1 : nout + nin;
			if (q->num_free >= need)
				drv_add(s, v, nout, nin, ind, &last);
			break;
		}
		case 1:
			dev_pop(s, v);
			break;
		case 2:
			dev_push(s, v, true);
			break;
		default:
			drv_get(s, v);
		}
	}
	while (dev_pop(s, v))
		;
	while (dev_push(s, v, true))
		;
	while (drv_get(s, v))
		;
}

int sim_build(struct sim *s, uint64_t page_addr, uint32_t seed)
{
	memset(s, 0, sizeof *s);
	s->page_addr = page_addr;
	s->size = page_addr + 5 * 4096ull;
	s->pfn_limit = s->size >> 12;
	s->rnd = seed;
	s->data_next = DATA_START;
	void *m = mmap(NULL, s->size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m == MAP_FAILED)
		return -1;
	s->m = m;
	uint32_t pfn = (uint32_t)(page_addr >> 12);
	uint8_t *p = sim_at(s, page_addr);
	/* device[0]: block, 1 vq, features 4 bytes, config 16 bytes, DRIVER_OK. */
	static const uint8_t blk[] = {2, 1, 4, 16, 7};
	memcpy(p, blk, 5);
	lg_put16(p + 5, 16);
	lg_put16(p + 7, 1);
	lg_put32(p + 9, pfn + 1);
	static const uint8_t hf[4] = {0x04, 0, 0, 0x30}, gf[4] = {0, 0, 0, 0x30};
	memcpy(p + 13, hf, 4);
	memcpy(p + 17, gf, 4);
	lg_put64(p + 21, 2048);
	lg_put32(p + 21 + 12, 254);
	/* device[1]: rng, 1 vq of 8. */
	static const uint8_t rng[] = {4, 1, 0, 0, 7};
	memcpy(p + 37, rng, 5);
	lg_put16(p + 42, 8);
	lg_put16(p + 44, 2);
	lg_put32(p + 46, pfn + 3);

	/* The zero page's e820 map, as the Launcher writes it: one RAM entry [0, page). */
	s->m[LG_BP_E820_ENTRIES] = 1;
	lg_put64(sim_at(s, LG_BP_E820_MAP), 0);
	lg_put64(sim_at(s, LG_BP_E820_MAP + 8), page_addr);
	lg_put32(sim_at(s, LG_BP_E820_MAP + 16), LG_E820_RAM);

	init_vq(s, 0, 16, page_addr + 0x1000, true, true);
	init_vq(s, 1, 8, page_addr + 0x3000, false, false);
	warmup(s, 0, 400);
	warmup(s, 1, 100);

	struct sim_marks *mk = &s->mk;
	uint16_t last;
	/* Two completions the driver has not collected yet: their chains are intact. */
	mk->e1 = drv_add(s, 0, 1, 1, false, &last);
	dev_pop(s, 0);
	dev_push(s, 0, false);
	mk->e2 = drv_add(s, 0, 1, 1, true, &last);
	dev_pop(s, 0);
	dev_push(s, 0, false);
	/* The outstanding window. */
	mk->a = drv_add(s, 0, 1, 1, false, &mk->a_last);
	mk->b = drv_add(s, 0, 1, 2, false, &mk->b_last);
	mk->c = drv_add(s, 0, 1, 2, true, &last);
	mk->d = drv_add(s, 0, 0, 1, false, &last);
	dev_pop(s, 0); /* the device has seen A: avail_event moves, the window does not */
	mk->free_desc = s->vq[0].free_head;
	drv_add(s, 1, 0, 1, false, &last);
	drv_add(s, 1, 0, 1, false, &last);
	return 0;
}

void sim_free(struct sim *s)
{
	if (s->m)
		munmap(s->m, s->size);
	s->m = NULL;
}

int sim_write_raw(const struct sim *s, const char *path)
{
	static const uint8_t zero[4096];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return -1;
	int rc = ftruncate(fd, (off_t)s->size);
	for (uint64_t a = 0; rc == 0 && a < s->size; a += 4096) {
		if (memcmp(s->m + a, zero, 4096) == 0)
			continue;
		if (pwrite(fd, s->m + a, 4096, (off_t)a) != 4096)
			rc = -1;
	}
	if (close(fd) != 0)
		rc = -1;
	return rc;
}
