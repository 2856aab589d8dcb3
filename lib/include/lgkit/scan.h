/* SPDX-License-Identifier: MIT */
/* lgkit/scan.h — find descriptor pages in an image that carries no hint (no note, no
 * zero page, no --page-addr): look at every page-aligned page and rank the plausible ones.
 *
 * Promise: looks at 16 bytes of most pages (a whole page only when its first
 * descriptor header looks like one), reading files in large pieces (1 MiB per thread, not
 * through the mapping) and decoding of a kdump zlib page only its first bytes; memory
 * independent of the image's size (peak RSS under 32 MiB, bench/scan/run.sh); never prints;
 * a caller's progress callback (always called from the caller's thread) may show progress
 * and cancel.
 */
#ifndef LGKIT_SCAN_H
#define LGKIT_SCAN_H

#include "lgkit/lgkit.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lg_scan_candidate {
	uint64_t page_addr;
	long score;             /* higher is better (see lg_scan) */
	unsigned ndev;          /* devices on the page */
	unsigned nvq;           /* virtqueues */
	unsigned rings_checked; /* rings wholly in the image, their contents checked */
	unsigned errors, warnings, notes; /* lg_check_layout() over the candidate */
};

/* Called now and then with the bytes looked at so far and the total; return non-zero to
 * cancel the scan (lg_scan then returns the candidates found so far). */
typedef int (*lg_scan_progress_fn)(void *ctx, uint64_t done, uint64_t total);

struct lg_scan_opts {
	lg_scan_progress_fn progress; /* may be NULL */
	void *ctx;
	const struct lg_check_config *cfg; /* severities for ranking; NULL: defaults */
};

/* A page that walks only by the loose rule loses this much score: it ranks below every
 * page that walks by the strict rule (whose score lg_scan keeps above -LG_SCAN_LOOSE / 2). */
#define LG_SCAN_LOOSE 1000000L
/* The loose rule's irq limit (the strict rule's is LG_IRQS). */
#define LG_SCAN_LOOSE_IRQS 256u

/* Scan img.  A page is a candidate when it walks like the Guest's scan_devices() by the
 * loose rule: known virtio types, at least one virtqueue each, every descriptor inside the
 * page, every vqconfig with num 1..32768, irq 1..255 and a non-zero pfn, a type-0
 * terminator (or an exactly full page) and zeros after it.  It is clean when it walks by
 * the strict rule too: status bits only in ACKNOWLEDGE|DRIVER|DRIVER_OK|FAILED, every num
 * a power of two, every irq 1..31.  Candidates are then decoded and checked; the score is
 *   100 * devices + 100 * rings found in the image - 200 * errors - 20 * warnings - notes
 * (+50 when the first ring starts right after the page, as the Launcher places it), at
 * least -LG_SCAN_LOOSE / 2 + 1, and LG_SCAN_LOOSE less when the page is not clean.
 * Fills out[0..max) best first (ties: lower address) and returns how many candidates
 * there were (which may exceed max).  Errors: LG_ERR_PARAM, LG_ERR_NOMEM, LG_ERR_IO (the
 * file shrank or could not be read), and decode errors of on-demand images (err names the
 * page). */
int lg_scan(const struct lg_image *img, const struct lg_scan_opts *opts,
	    struct lg_scan_candidate *out, size_t max, struct lg_error *err);

/* lg_scan with the image cut into `threads` parts of about equal data, each read by a thread
 * of its own (at most 8).  0, what lg_scan does: one per CPU the process may run on
 * (sched_getaffinity: taskset limits it), up to 4; one for less than 16 MiB of data.  The
 * result is the same whatever the number: the same candidates in the same order, the same
 * count, the same error (and message).  A kdump image is read by each thread with its own
 * decoding state; checking a candidate takes a lock.  The progress callback runs in the
 * caller's thread. */
int lg_scan_threads(const struct lg_image *img, const struct lg_scan_opts *opts,
		    unsigned threads, struct lg_scan_candidate *out, size_t max,
		    struct lg_error *err);

#ifdef __cplusplus
}
#endif

#endif
