/* SPDX-License-Identifier: MIT */
/* lgkit/ring.h — reading a legacy split ring through an image: its state, its outstanding
 * chains, and a chain walker for a device that serves the ring (lglaunch) or a tool that
 * shows it (lgcheck).
 *
 * Promise: every byte of the ring, of an indirect table and of nothing else is read through
 * lg_image_read(), copied once and only the copy used ("copy, then trust only the copy");
 * nothing is read outside the image; all index arithmetic is u16.  The walker follows the
 * rules of section C of docs/checks.md and stops at the first one a chain breaks, naming it
 * by its check id; lg_check_layout() runs the same walk to report every violation.
 */
#ifndef LGKIT_RING_H
#define LGKIT_RING_H

#include "lgkit/lgkit.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The header fields of one ring, as read from the image. */
struct lg_ring_state {
	uint16_t num;             /* ring entries (from the vqconfig) */
	struct lg_ring_geom geom; /* where desc, avail and used are */
	uint16_t avail_flags;     /* VRING_AVAIL_F_NO_INTERRUPT = 1 */
	uint16_t avail_idx;       /* free-running: next slot the driver fills */
	uint16_t used_event;      /* avail.ring[num] (EVENT_IDX) */
	uint16_t used_flags;      /* VRING_USED_F_NO_NOTIFY = 1 */
	uint16_t used_idx;        /* free-running: next slot the device fills */
	uint16_t avail_event;     /* used.ring[num] (EVENT_IDX) */
	uint16_t pending;         /* (u16)(avail_idx - used_idx): the outstanding window W */
};

/* Every function here takes err last (may be NULL): on failure it gets the code and a
 * sentence; for LG_ERR_RING the rule broken (names the field, the value and the limit), for
 * an image's read error the page that would not decode (lg_image_read()). */

/* Read the ring of num entries at pfn.  num must be a power of two in 1..32768 and pfn
 * non-zero.  Errors: LG_ERR_PARAM (num/pfn), LG_ERR_OVERFLOW, LG_ERR_NOT_IN_IMAGE (the ring
 * is not wholly in the image), and the image's own read errors. */
int lg_ring_read(const struct lg_image *img, uint16_t num, uint32_t pfn, struct lg_ring_state *rs,
		 struct lg_error *err);

/* avail.ring[idx % num] (idx is a free-running index).  Errors as lg_ring_read(). */
int lg_ring_avail_head(const struct lg_image *img, const struct lg_ring_state *rs, uint16_t idx,
		       uint16_t *head, struct lg_error *err);

/* Where buffers may point: RAM [0, mem_end) and the device area [area_start, area_end).
 * All zero: buffer ranges are not checked (only wrap-around is). */
struct lg_walk_opts {
	bool indirect_ok;    /* VIRTIO_RING_F_INDIRECT_DESC (28) offered and acked */
	uint64_t mem_end;    /* top of guest RAM */
	uint64_t area_start; /* the descriptor page */
	uint64_t area_end;   /* the pfn limit, or the end of the last ring */
	/* A device serves the ring (lglaunch): a device-writable buffer that overlaps the
	 * device area [area_start, area_end) is buf_into_rings, and the walk stops there (the
	 * device would write over the page or a ring).  lgcheck reports the same rule for
	 * every outstanding chain without this flag. */
	bool device_side;
};

/* One buffer of a chain, in chain order. */
struct lg_buf {
	uint64_t addr;
	uint32_t len;
	bool writable;     /* VRING_DESC_F_WRITE: the device writes it */
	uint16_t desc;     /* index in the ring's descriptor table */
	int32_t ind;       /* index in that descriptor's indirect table, or -1 */
};

/* Called for each buffer; return non-zero to stop the walk (lg_chain_walk returns 0). */
typedef int (*lg_buf_fn)(void *ctx, const struct lg_buf *b);

/* What a walk found. */
struct lg_chain {
	uint16_t head;
	uint32_t nbufs;       /* buffers delivered (INDIRECT descriptors are not buffers) */
	uint32_t ndesc;       /* descriptors visited, including INDIRECT ones and table entries */
	uint64_t out_bytes;   /* device-readable bytes */
	uint64_t in_bytes;    /* device-writable bytes */
	bool indirect;        /* the chain used an indirect table */
	int fault;            /* -1, or the enum lg_check_id of the first rule broken */
	uint64_t fault_addr;  /* guest-physical address of the offending field */
};

/* Walk the chain starting at descriptor head (< num) of the ring rs, calling fn (may be
 * NULL) for each buffer.  Stops at the first broken rule of section C that concerns one
 * chain (desc_next_range, desc_loop, desc_flags, desc_out_after_in, chain_len_overflow,
 * ind_len, ind_nested, ind_with_next, ind_not_negotiated, ind_too_long, buf_in_ram,
 * buf_32bit; a zero-length buffer is delivered, not a fault) and returns LG_ERR_RING
 * with out->fault and out->fault_addr set and err saying what is wrong.  Other errors:
 * LG_ERR_PARAM (head >= num), LG_ERR_NOT_IN_IMAGE (the descriptor table or an indirect
 * table is not in the image), LG_ERR_NOMEM, the image's read errors. */
int lg_chain_walk(const struct lg_image *img, const struct lg_ring_state *rs, uint16_t head,
		  const struct lg_walk_opts *opts, lg_buf_fn fn, void *ctx, struct lg_chain *out,
		  struct lg_error *err);

/* The device side of taking the next chain.  last_seen is the device's own count of the
 * chains it took (its copy; never re-read from the ring).  Reads avail.idx and
 * avail.ring[last_seen % num] once each and applies the rules lgcheck applies to the same
 * fields: idx_window (avail.idx more than num entries past last_seen) and head_range (a
 * head not below num).  Returns 1 with *head set when a chain is available, 0 when none
 * is, LG_ERR_RING with fault->fault and fault_addr set (err says what is wrong) when a
 * rule is broken, or the image's read errors.  Nothing is consumed: the device counts
 * last_seen on. */
int lg_ring_take(const struct lg_image *img, const struct lg_ring_state *rs, uint16_t last_seen,
		 uint16_t *head, struct lg_chain *fault, struct lg_error *err);

/* The outstanding chains: the heads avail.ring[used_idx .. avail_idx), walked without
 * stopping the listing at a bad chain (its fault is recorded in its entry; a head out of
 * range, a head seen again, or a descriptor an earlier chain reached gives head_range,
 * head_distinct or chain_disjoint).  Fills up to
 * max entries of chains and returns how many there are (min(pending, num)), or an error as
 * lg_ring_read().  A window wider than num (idx_window) gives LG_ERR_RING.  A chain's
 * own fault is no error: it is listed in its entry (fault, fault_addr). */
int lg_ring_outstanding(const struct lg_image *img, const struct lg_ring_state *rs,
			const struct lg_walk_opts *opts, struct lg_chain *chains, size_t max,
			struct lg_error *err);

/* The walk options the layout implies for device d (indirect_ok from its features,
 * RAM and device area from the layout). */
void lg_walk_opts_for(const struct lg_layout *l, size_t d, struct lg_walk_opts *opts);

#ifdef __cplusplus
}
#endif

#endif
