/* SPDX-License-Identifier: MIT */
/* ringsim.h — builds guest memory holding an lguest device area whose rings were filled
 * by a simulated running guest (Linux virtio_ring's free list, detach and event index
 * habits) and device (pops, out-of-order completion).  Tests mangle one field of it.
 *
 * Memory is [0, page_addr + area) in an anonymous MAP_NORESERVE mapping: only the pages
 * written are ever touched, so a page at 2 GiB costs nothing.
 *
 * Layout: RAM [0, page_addr); the page at page_addr; device[0] block (features 28
 * INDIRECT_DESC and 29 EVENT_IDX offered and acked), vq[0] num 16 at page+1;
 * device[1] rng, vq[0] num 8 at page+3.  Data buffers live at [0x10000, 0x80000) and the
 * indirect table of the chain at head h of device d at 0x80000 + d*0x10000 + h*0x1000.
 */
#ifndef LGKIT_RINGSIM_H
#define LGKIT_RINGSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_NVQ 2

struct sim_vq {
	uint16_t num;
	uint64_t ring; /* desc table address */
	bool indirect, event_idx;
	/* driver */
	uint16_t free_head, num_free, avail_idx, last_used;
	bool held[32];    /* head is a live chain (added, not detached) */
	/* device */
	uint16_t last_avail, used_idx;
	uint16_t inflight[32];
	unsigned ninflight;
};

/* Chains the tests mangle (heads in the device[0].vq[0] ring). */
struct sim_marks {
	uint16_t a, b, c, d;     /* outstanding, in window order: A direct out+in,
				    B direct out+in+in, C indirect out+in+in, D direct in */
	uint16_t a_last, b_last; /* last descriptor of A and B */
	uint16_t e1, e2;         /* completed, not reclaimed: E1 direct, E2 indirect (newest) */
	uint16_t free_desc;      /* a descriptor on the free list */
};

struct sim {
	uint8_t *m;
	uint64_t size;
	uint64_t page_addr;
	uint64_t pfn_limit; /* the area's end in pages (page + 5 ring pages) */
	struct sim_vq vq[SIM_NVQ];
	uint64_t data_next;
	uint32_t rnd;
	struct sim_marks mk;
};

/* Build the page and run the simulation (deterministic for a seed).  0 or -1. */
int sim_build(struct sim *s, uint64_t page_addr, uint32_t seed);
void sim_free(struct sim *s);

/* Pointers into memory. */
uint8_t *sim_at(struct sim *s, uint64_t gpa);
uint8_t *sim_desc(struct sim *s, unsigned v, uint16_t i);     /* 16-byte descriptor */
uint64_t sim_avail(const struct sim *s, unsigned v);          /* avail ring address */
uint64_t sim_used(const struct sim *s, unsigned v);           /* used ring address */
uint64_t sim_table(const struct sim *s, unsigned v, uint16_t head);
/* Byte offset in the page of device d's guest feature bytes. */
uint32_t sim_guest_features_off(unsigned d);

/* Write memory as a sparse raw file (only non-zero pages are written).  0 or -1. */
int sim_write_raw(const struct sim *s, const char *path);

#endif
