/* SPDX-License-Identifier: MIT */
/* check_priv.h — the check engine's interface to the files that implement checks. */
#ifndef LGKIT_CHECK_PRIV_H
#define LGKIT_CHECK_PRIV_H

#include <stdarg.h>

#include "lgkit/lgkit.h"

/* How many checks: ids are dense, 0 .. LG_CHK_N - 1 (tests/abi/check_ids.txt). */
enum {
#define LG_X_ONE(id, num, name, sect, sev, scope, eras, run, prereq, summary) +1
	LG_CHK_N = 0 LG_CHECKS(LG_X_ONE)
#undef LG_X_ONE
};

/* What a check looks at (checks.def, "scope").  A RING is the same item as its VQ. */
enum lg_ck_scope {
	LG_SCOPE_PAGE,
	LG_SCOPE_DEVICE,
	LG_SCOPE_FIELD,
	LG_SCOPE_VQ,
	LG_SCOPE_RING,
	LG_SCOPE_CHAIN,
	LG_SCOPE_USED,
};

/* A set of checks, a bit per id: the engine asks "did a prerequisite fail here?" with a
 * few AND operations rather than a walk of the prerequisites. */
#define LG_CKSET_W ((LG_CHK_N + 63) / 64)

/* The engine's bookkeeping (its loops over the fixed check table, the sets of what failed,
 * the names of what a finding is about) tells a coverage-guided fuzzer nothing about its
 * input, yet under -fsanitize=fuzzer every compare in it is a traced call: most of a fuzz
 * input's time (tests/fuzz/README.md).  Such functions are not instrumented for coverage;
 * ASan and UBSan still check them, and no other build sees a difference. */
#if defined(__clang__)
#define LG_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define LG_NO_COVERAGE
#endif
struct lg_ckset {
	uint64_t w[LG_CKSET_W];
};

/* Eras a check applies to (checks.def, "eras"): a bit per lg_era. */
#define LG_ERAS_E0 (1u << LG_ERA_E0)
#define LG_ERAS_E1 (1u << LG_ERA_E1)
#define LG_ERAS_E2 (1u << LG_ERA_E2)
#define LG_ERAS_E12 (LG_ERAS_E1 | LG_ERAS_E2)
#define LG_ERAS_E012 (LG_ERAS_E0 | LG_ERAS_E12)

struct lg_check_config {
	enum lg_severity sev[LG_CHK_N];
	bool user_set[LG_CHK_N]; /* set by lg_check_config_set() */
	bool image_has_area;
};

struct lg_ckctx {
	const struct lg_layout *l;
	const struct lg_image *img; /* may be NULL */
	const struct lg_check_config *cfg;
	lg_sink_fn sink;
	void *sinkctx;
	struct lg_check_stats *st;
	bool stop; /* the sink asked to stop */
	struct lg_error *err; /* the caller's (may be NULL): why a check could not finish */
	/* The item being checked (set by the engine): device d, its field fi (global f) or
	 * its vq q (global v).  Items a check function looks at besides its own (an
	 * earlier ring, say) are asked about with lg_ck_blocked_vq(). */
	size_t d, f, v;
	unsigned fi, q;
	bool rings_readable; /* img holds more than the page: ring contents can be read */
	/* The engine's record of which checks did not pass for which items (checks.c). */
	size_t ndev, nfield, nvq;
	size_t *fieldbase, *vqbase; /* ndev + 1 each: first field / vq of each device */
	size_t *vq_dev;             /* nvq: the device of each vq */
	struct lg_ckset *failed;    /* 1 + ndev + nfield + nvq items: what failed for each */
	struct lg_ckset *inside;    /* ndev: what failed for a field or vq of each device */
	struct lg_ckset anyfail;    /* failed for some item */
	struct lg_ckset subfail;    /* CHAIN/USED: the current chain or element */
	struct lg_ckset sub_key, sub_blocked; /* lg_ck_sub_begin's last answer, and for what */
	bool sub_known;
	struct lg_ckset pre[LG_CHK_N];               /* the prerequisites of each check */
	struct lg_ckset of_scope[LG_SCOPE_USED + 1]; /* the checks of each scope */
	struct view *view[5]; /* checks.c: its views of the current item, by kind (or NULL) */
	/* The names of the vq (or device) the last finding was about, without a field. */
	struct {
		bool ok;
		size_t d;
		int q;
		char path[64], where[64]; /* as lg_finding's */
		size_t plen, wlen;
	} names;
};

/* A check's function: runs it for the current item (c->d, c->f, c->v).  Returns 0 or a
 * negative LG_ERR_* that ends the run (no memory, an image read that failed). */
typedef int (*lg_ck_fn)(struct lg_ckctx *c);
#define LG_X_DECL(id, num, name, sect, sev, scope, eras, run, prereq, summary)                  \
	int run(struct lg_ckctx *c);
LG_CHECKS(LG_X_DECL)
#undef LG_X_DECL

/* Deliver a finding of check id for the current item, unless a prerequisite of id failed
 * for it (then nothing happens).  The check is recorded as failed for the item whether
 * or not its severity shows it.  Returns true when it was reported. */
bool lg_report(struct lg_ckctx *c, enum lg_check_id id, uint64_t addr, const char *path,
	       const char *where, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Same, about the current device (c->d) or, q >= 0, its vq q, or, fi >= 0, its E1 field
 * fi, and field of that (NULL: all of it): device[D].vq[Q].FIELD or device[D].field[FI],
 * named only when the finding is delivered.  Called as one of: */
bool lg_report_item(struct lg_ckctx *c, enum lg_check_id id, uint64_t addr, int q, int fi,
		    const char *field, const char *fmt, ...) __attribute__((format(printf, 7, 8)));
/* the current device, or its vq q (q >= 0), and field of it */
#define lg_report_dev(c, id, addr, q, field, ...)                                                  \
	lg_report_item(c, id, addr, q, -1, field, __VA_ARGS__)
/* the current device's E1 field (c->fi) */
#define lg_report_fld(c, id, addr, ...)                                                         \
	lg_report_item(c, id, addr, -1, (int)(c)->fi, NULL, __VA_ARGS__)

/* Same, about vq q of device d and field of it (section C's walker), with a severity: the
 * finding's own while the check keeps its default severity (buf_into_rings: a warning for
 * a readable buffer), else the configured one; LG_SEV_OFF: the check's. */
bool lg_vreport_vq(struct lg_ckctx *c, enum lg_check_id id, enum lg_severity sev, uint64_t addr,
		   size_t d, unsigned q, const char *field, const char *fmt, va_list ap)
	__attribute__((format(printf, 8, 0)));

/* A new CHAIN or USED item begins (section C's walker): forget what failed for the last. */
void lg_ck_sub_begin(struct lg_ckctx *c);

/* True when check id would be skipped for vq v (global index) of this layout: one of its
 * prerequisites failed for that vq, its device or the page. */
bool lg_ck_blocked_vq(const struct lg_ckctx *c, enum lg_check_id id, size_t v);

/* "device[2].vq[1]" into path, "device[2] (block) vq[1]" into where (vq < 0: the
 * device's names, "device[2]" and "device[2] (block)"). */
void lg_vq_names(const struct lg_layout *l, size_t d, int vq, char *path, size_t plen,
		 char *where, size_t wlen);

#endif
