/* SPDX-License-Identifier: MIT */
/* check_priv.h — the check engine's interface to the files that implement checks. */
#ifndef LGKIT_CHECK_PRIV_H
#define LGKIT_CHECK_PRIV_H

#include "lgkit/lgkit.h"

struct lg_ckctx {
	const struct lg_layout *l;
	const struct lg_image *img; /* may be NULL */
	const struct lg_check_config *cfg;
	lg_sink_fn sink;
	void *sinkctx;
	struct lg_check_stats *st;
	bool stop; /* the sink asked to stop */
	struct lg_error *err; /* the caller's (may be NULL): why a check could not finish */
};

/* Deliver a finding (unless the check is off).  Returns true when it was reported. */
bool lg_report(struct lg_ckctx *c, enum lg_check_id id, uint64_t addr, const char *path,
	       const char *where, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Same, with an explicit severity (e.g. buf_into_rings: warning for readable buffers). */
bool lg_report_sev(struct lg_ckctx *c, enum lg_check_id id, enum lg_severity sev, uint64_t addr,
		   const char *path, const char *where, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* "device[2].vq[1]" + suffix into path; "device[2] (block) vq[1]" into where. */
void lg_vq_names(const struct lg_layout *l, size_t d, int vq, const char *field, char *path,
		 size_t plen, char *where, size_t wlen);

/* Guest-physical address of the ring of device d, vq q (prerequisites checked). */

/* Section C, implemented in ring.c: check the state of one ring that lies wholly in
 * the image and passed sections A/B's prerequisites. */
int lg_check_ring_state(struct lg_ckctx *c, size_t d, unsigned q);

#endif
