/* SPDX-License-Identifier: MIT */
/* checks.c — the check table, the engine that runs it, and the checks of sections A
 * (device page), B (virtqueue configuration and placement) and D (eras before E2).
 * Section C is lg_check_ring_state() in ring.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_priv.h"
#include "devtype_priv.h"
#include "err_priv.h"
#include "names_priv.h"

/* ---------------------------------------------------------------- the table */

struct entry {
	struct lg_check_info info;
	enum lg_ck_scope scope;
	unsigned eras;
	lg_ck_fn run;
	const int16_t *prereq; /* ids, ending with -1 */
};

#define LG_PRE(id) id,
#define LG_PRE_END (-1)
/* By id (a number given twice is an "initialized field overwritten" warning). */
static const struct entry table[LG_CHK_N] = {
#define LG_X_ENTRY(id, num, name, sect, sev, scope, eras, run, prereq, summary)                 \
	[id] = {{name, sect, sev, summary}, LG_SCOPE_##scope, LG_ERAS_##eras, run,              \
		(const int16_t[]){prereq LG_PRE_END}},
	LG_CHECKS(LG_X_ENTRY)
#undef LG_X_ENTRY
};
/* The order they run in: the table's. */
static const enum lg_check_id order[LG_CHK_N] = {
#define LG_X_ORDER(id, num, name, sect, sev, scope, eras, run, prereq, summary) id,
	LG_CHECKS(LG_X_ORDER)
#undef LG_X_ORDER
};
#undef LG_PRE
#undef LG_PRE_END

unsigned lg_check_count(void)
{
	return LG_CHK_N;
}

const struct lg_check_info *lg_check_info(enum lg_check_id id)
{
	return (unsigned)id < LG_CHK_N ? &table[id].info : NULL;
}

int lg_check_lookup(const char *name)
{
	for (int i = 0; name && i < LG_CHK_N; i++)
		if (strcmp(table[i].info.name, name) == 0)
			return i;
	return LG_ERR_NOTFOUND;
}

int lg_check_prereq(enum lg_check_id id, unsigned i)
{
	if ((unsigned)id >= LG_CHK_N)
		return LG_ERR_PARAM;
	for (unsigned k = 0; table[id].prereq[k] >= 0; k++)
		if (k == i)
			return table[id].prereq[k];
	return LG_ERR_NOTFOUND;
}

const char *lg_severity_name(enum lg_severity s)
{
	static const char *const names[] = {[LG_SEV_OFF] = "off", [LG_SEV_NOTE] = "note",
					     [LG_SEV_WARNING] = "warning",
					     [LG_SEV_ERROR] = "error"};
	return LG_NAME_IN(names, s, "unknown");
}

/* ---------------------------------------------------------------- configuration */

static void config_defaults(struct lg_check_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (int i = 0; i < LG_CHK_N; i++)
		cfg->sev[i] = table[i].info.severity;
}

struct lg_check_config *lg_check_config_new(void)
{
	struct lg_check_config *cfg = malloc(sizeof *cfg);
	if (cfg)
		config_defaults(cfg);
	return cfg;
}

void lg_check_config_free(struct lg_check_config *cfg)
{
	free(cfg);
}

int lg_check_config_set(struct lg_check_config *cfg, enum lg_check_id id, enum lg_severity sev)
{
	if (!cfg || (unsigned)id >= LG_CHK_N || (unsigned)sev > LG_SEV_ERROR)
		return LG_ERR_PARAM;
	cfg->sev[id] = sev;
	cfg->user_set[id] = true;
	return 0;
}

enum lg_severity lg_check_config_get(const struct lg_check_config *cfg, enum lg_check_id id)
{
	if ((unsigned)id >= LG_CHK_N)
		return LG_SEV_OFF;
	return cfg ? cfg->sev[id] : table[id].info.severity;
}

void lg_check_config_set_image_has_area(struct lg_check_config *cfg, bool has_area)
{
	if (cfg)
		cfg->image_has_area = has_area;
}

/* ---------------------------------------------------------------- the engine's record */

/* The engine's smallest steps (a set's bit, a scope's rank, "is it blocked here?") run
 * for every entry of every item: a random page's 255 vqs make thousands per input, and
 * a call each was a fifth of fuzz_elf's time under ASan.  They are always inlined. */
#define LG_ENGINE_STEP LG_NO_COVERAGE __attribute__((always_inline))

/* An item: device d (SIZE_MAX: none), its global field f or vq v. */
struct item {
	size_t d, f, v;
};

/* Each scope's rank (0 the page, 1 a device, 2 a field, vq or ring, 3 a chain or used
 * element) and the kind of its view of an item (view_of): scopes whose views are the same
 * share one, as a RING is its VQ, and a chain and a used element are both "the current
 * element". */
static const struct {
	uint8_t rank, kind;
} scope_row[LG_SCOPE_USED + 1] = {
	[LG_SCOPE_PAGE] = {0, 0}, [LG_SCOPE_DEVICE] = {1, 1}, [LG_SCOPE_FIELD] = {2, 2},
	[LG_SCOPE_VQ] = {2, 3},   [LG_SCOPE_RING] = {2, 3},   [LG_SCOPE_CHAIN] = {3, 4},
	[LG_SCOPE_USED] = {3, 4},
};

LG_ENGINE_STEP
static inline int rank(enum lg_ck_scope s)
{
	return scope_row[s].rank;
}

LG_ENGINE_STEP
static inline unsigned view_kind(enum lg_ck_scope s)
{
	return scope_row[s].kind;
}

LG_NO_COVERAGE
static size_t nitems(const struct lg_ckctx *c)
{
	return 1 + c->ndev + c->nfield + c->nvq;
}

LG_ENGINE_STEP
static inline void add(struct lg_ckset *s, unsigned id)
{
	s->w[id / 64] |= 1ull << (id % 64);
}

static const struct lg_ckset no_checks;

/* Where the engine looks for one item of one scope.  A prerequisite of scope sp counts
 * where it failed for:
 *  - the item of scope sp that holds or is the item (the page, its device, its field, its
 *    vq: a RING is the same item as its VQ), when sp is not below the item's scope;
 *  - any item of scope sp inside the item's device (or, for the page, anywhere) when sp
 *    is below the item's scope (a field and a vq are both inside their device);
 *  - the current chain or used element, when both are CHAIN or USED.
 * So a prerequisite failed here when it is in at[0..3] or in `in` masked by in_mask; a
 * check of this scope that fails here is added to *self (NULL: c->subfail) and *self_in. */
struct view {
	const struct lg_ckset *at[4], *in;
	struct lg_ckset in_mask;
	struct lg_ckset *self, *self_in;
	struct lg_ckset scratch; /* self_in where nothing holds the item */
};

LG_NO_COVERAGE
static void view_of(const struct lg_ckctx *c, enum lg_ck_scope s, const struct item *it,
		    struct view *v)
{
	const struct lg_ckset *sets = c->of_scope;
	bool dev = it->d < c->ndev;
	size_t fs = 1 + c->ndev + it->f, vs = 1 + c->ndev + c->nfield + it->v;
	v->at[0] = &c->failed[0];
	v->at[1] = v->at[2] = v->at[3] = v->in = &no_checks;
	v->self = &c->failed[0];
	v->scratch = no_checks;
	v->self_in = &v->scratch;
	for (size_t w = 0; w < LG_CKSET_W; w++)
		v->in_mask.w[w] = ~(uint64_t)0;
	if (rank(s) > 0 && dev)
		v->at[1] = &c->failed[1 + it->d];
	switch (rank(s)) {
	case 0: /* below the page: anywhere */
		v->in = &c->anyfail;
		for (size_t w = 0; w < LG_CKSET_W; w++)
			v->in_mask.w[w] = ~(sets[LG_SCOPE_CHAIN].w[w] | sets[LG_SCOPE_USED].w[w]);
		return;
	case 1:
		if (dev) {
			v->in = &c->inside[it->d];
			v->self = &c->failed[1 + it->d];
		}
		return;
	case 2:
		v->self = &c->failed[s == LG_SCOPE_FIELD ? fs : vs];
		v->at[2] = v->self;
		if (dev)
			v->in = v->self_in = &c->inside[it->d];
		for (size_t w = 0; w < LG_CKSET_W; w++)
			v->in_mask.w[w] = s == LG_SCOPE_FIELD
						  ? sets[LG_SCOPE_VQ].w[w] | sets[LG_SCOPE_RING].w[w]
						  : sets[LG_SCOPE_FIELD].w[w];
		return;
	default: /* a chain or used element, in its ring */
		v->at[2] = &c->failed[vs];
		v->at[3] = &c->subfail;
		if (it->f < c->nfield)
			v->in = &c->failed[fs];
		v->self = NULL; /* c->subfail */
		return;
	}
}

/* What failed where the view looks. */
LG_ENGINE_STEP
static inline struct lg_ckset view_failed(const struct view *v)
{
	struct lg_ckset u;
	for (size_t w = 0; w < LG_CKSET_W; w++)
		u.w[w] = v->at[0]->w[w] | v->at[1]->w[w] | v->at[2]->w[w] | v->at[3]->w[w] |
			 (v->in->w[w] & v->in_mask.w[w]);
	return u;
}

/* Is a prerequisite of check id in u (what failed where it looks)? */
LG_ENGINE_STEP
static inline bool blocked_by(const struct lg_ckctx *c, const struct lg_ckset *u,
			      enum lg_check_id id)
{
	uint64_t hit = 0;
	for (size_t w = 0; w < LG_CKSET_W; w++)
		hit |= c->pre[id].w[w] & u->w[w];
	return hit != 0;
}

LG_NO_COVERAGE
static bool blocked_in(const struct lg_ckctx *c, const struct view *v, enum lg_check_id id)
{
	struct lg_ckset u = view_failed(v);
	return blocked_by(c, &u, id);
}

/* Record that check id (of the view's scope) did not pass for the view's item. */
LG_ENGINE_STEP
static inline void mark_in(struct lg_ckctx *c, struct view *v, enum lg_check_id id)
{
	add(&c->anyfail, id);
	add(v->self ? v->self : &c->subfail, id);
	add(v->self_in, id);
}

/* Record that the checks in s (of the view's scope) did not pass for the view's item. */
LG_ENGINE_STEP
static inline void mark_set(struct lg_ckctx *c, struct view *v, struct lg_ckset *s)
{
	struct lg_ckset *self = v->self ? v->self : &c->subfail;
	for (size_t w = 0; w < LG_CKSET_W; w++) {
		c->anyfail.w[w] |= s->w[w];
		self->w[w] |= s->w[w];
		v->self_in->w[w] |= s->w[w];
		s->w[w] = 0;
	}
}

LG_ENGINE_STEP
static inline struct item current(const struct lg_ckctx *c)
{
	return (struct item){c->d, c->f, c->v};
}

/* Asked for every earlier vq by the checks that compare a vq with all before it, so the
 * view of a vq (view_of, case 2) is read here without being built. */
LG_NO_COVERAGE
bool lg_ck_blocked_vq(const struct lg_ckctx *c, enum lg_check_id id, size_t v)
{
	enum lg_ck_scope s = table[id].scope;
	if (s != LG_SCOPE_VQ && s != LG_SCOPE_RING) {
		struct item it = {c->vq_dev[v], 0, v};
		struct view w;
		view_of(c, s, &it, &w);
		return blocked_in(c, &w, id);
	}
	size_t d = c->vq_dev[v];
	const struct lg_ckset *dev = &c->failed[1 + d], *vq = &c->failed[1 + c->ndev + c->nfield + v];
	const struct lg_ckset *fields = &c->of_scope[LG_SCOPE_FIELD];
	uint64_t hit = 0;
	for (size_t w = 0; w < LG_CKSET_W; w++)
		hit |= c->pre[id].w[w] & (c->failed[0].w[w] | dev->w[w] | vq->w[w] |
					  (c->inside[d].w[w] & fields->w[w]));
	return hit != 0;
}

/* A chain or used element begins: nothing failed for it yet, but the CHAIN and USED
 * checks whose prerequisites failed for its ring (or above) count as not passed.  Which
 * those are depends only on what failed above the element, so the answer is kept for the
 * next element while that stays the same (a ring's chains usually share it). */
LG_NO_COVERAGE
void lg_ck_sub_begin(struct lg_ckctx *c)
{
	struct item it = current(c);
	struct view v;
	bool same = c->sub_known;
	memset(&c->subfail, 0, sizeof c->subfail);
	view_of(c, LG_SCOPE_CHAIN, &it, &v);
	struct lg_ckset key = view_failed(&v), u = key;
	for (size_t w = 0; w < LG_CKSET_W; w++)
		same = same && key.w[w] == c->sub_key.w[w];
	if (same) {
		c->subfail = c->sub_blocked;
		return;
	}
	for (size_t k = 0; k < LG_CHK_N; k++)
		if (rank(table[order[k]].scope) == 3 && blocked_by(c, &u, order[k])) {
			mark_in(c, &v, order[k]);
			add(&u, order[k]);
		}
	c->sub_key = key;
	c->sub_blocked = c->subfail;
	c->sub_known = true;
}

/* ---------------------------------------------------------------- reporting */

/* Append s at dst[at] (dst holds cap bytes), cut as snprintf cuts, NUL-terminated; returns
 * the new end.  The names of what a finding is about are built by hand: snprintf cost the
 * fuzz targets half their time under ASan.  A byte loop, not strlen and memcpy: the names'
 * pieces are a few bytes, and under ASan each of those is a call that checks a range. */
LG_NO_COVERAGE
static size_t put_str(char *dst, size_t cap, size_t at, const char *s)
{
	if (at + 1 >= cap) {
		dst[cap - 1] = 0;
		return at;
	}
	while (*s && at + 1 < cap)
		dst[at++] = *s++;
	dst[at] = 0;
	return at;
}

LG_NO_COVERAGE
static size_t put_uint(char *dst, size_t cap, size_t at, uint64_t v)
{
	char digits[21];
	size_t n = sizeof digits - 1;
	digits[n] = 0;
	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return put_str(dst, cap, at, digits + n);
}

/* What a finding is about: the names given (path, where), or, when path is NULL, device d
 * of the layout, its vq q (q < 0: none) or E1 field fi (fi < 0: none), and field (NULL:
 * all of it), named only now that the finding is delivered. */
struct about {
	const char *path, *where;
	size_t d;
	int q, fi;
	const char *field;
};

/* Name what a is about into f: device[D].vq[Q].FIELD or device[D].field[FI].FIELD, and
 * device[D] (TYPE) vq[Q].  A random page's vq draws several findings, so the names of the
 * last vq (or device) are kept (c->names) and only the field is added to them. */
LG_NO_COVERAGE
static void name_item(struct lg_ckctx *c, const struct about *a, struct lg_finding *f)
{
	if (!c->names.ok || c->names.d != a->d || c->names.q != a->q) {
		lg_vq_names(c->l, a->d, a->q, c->names.path, sizeof c->names.path,
			    c->names.where, sizeof c->names.where);
		c->names.ok = true;
		c->names.d = a->d;
		c->names.q = a->q;
		c->names.plen = strlen(c->names.path);
		c->names.wlen = strlen(c->names.where);
	}
	memcpy(f->where, c->names.where, c->names.wlen + 1);
	memcpy(f->path, c->names.path, c->names.plen + 1);
	size_t p = c->names.plen;
	if (a->fi >= 0)
		p = put_str(f->path, sizeof f->path,
			    put_uint(f->path, sizeof f->path,
				     put_str(f->path, sizeof f->path, p, ".field["), (unsigned)a->fi),
			    "]");
	if (a->field)
		put_str(f->path, sizeof f->path, put_str(f->path, sizeof f->path, p, "."), a->field);
}

LG_NO_COVERAGE
__attribute__((format(printf, 5, 0))) static bool vreport(struct lg_ckctx *c, enum lg_check_id id,
							   enum lg_severity sev, uint64_t addr,
							   const char *fmt, va_list ap,
							   const struct about *a)
{
	/* Every member is written (the strings up to their NUL): no memset of 400 bytes per
	 * finding. */
	struct lg_finding f;
	if (sev == LG_SEV_OFF)
		return false;
	if (sev == LG_SEV_ERROR)
		c->st->errors++;
	else if (sev == LG_SEV_WARNING)
		c->st->warnings++;
	else
		c->st->notes++;
	if (c->stop || !c->sink)
		return true; /* counted; built only for a sink that takes it */
	f.check = id;
	f.name = table[id].info.name;
	f.severity = sev;
	f.addr = addr;
	if (a->path) {
		put_str(f.path, sizeof f.path, 0, a->path);
		put_str(f.where, sizeof f.where, 0, a->where ? a->where : "");
	} else {
		name_item(c, a, &f);
	}
	vsnprintf(f.msg, sizeof f.msg, fmt, ap);
	if (c->sink(c->sinkctx, &f))
		c->stop = true;
	return true;
}

/* The gate every finding passes: skipped when a prerequisite failed, else recorded.  The
 * engine's view of the current item serves when it is of the check's kind. */
LG_NO_COVERAGE
static bool gate(struct lg_ckctx *c, enum lg_check_id id)
{
	struct item it = current(c);
	struct view own, *v = c->view[view_kind(table[id].scope)];
	if (!v) {
		view_of(c, table[id].scope, &it, &own);
		v = &own;
	}
	if (blocked_in(c, v, id))
		return false;
	mark_in(c, v, id);
	return true;
}

/* A finding's severity: its own (sev, LG_SEV_OFF: the check's) while the check keeps its
 * default; a severity the user chose (or a changed default) applies to all its findings. */
LG_NO_COVERAGE
static enum lg_severity severity(const struct lg_ckctx *c, enum lg_check_id id,
				 enum lg_severity sev)
{
	enum lg_severity cfg = c->cfg->sev[id];
	if (sev == LG_SEV_OFF || cfg == LG_SEV_OFF || c->cfg->user_set[id] ||
	    cfg != table[id].info.severity)
		return cfg;
	return sev;
}

/* Every finding: through the gate, then delivered about a. */
LG_NO_COVERAGE __attribute__((format(printf, 6, 0))) static bool
report(struct lg_ckctx *c, enum lg_check_id id, enum lg_severity sev, uint64_t addr,
       const struct about *a, const char *fmt, va_list ap)
{
	if (!gate(c, id))
		return false;
	return vreport(c, id, severity(c, id, sev), addr, fmt, ap, a);
}

LG_NO_COVERAGE
bool lg_report(struct lg_ckctx *c, enum lg_check_id id, uint64_t addr, const char *path,
	       const char *where, const char *fmt, ...)
{
	struct about a = {.path = path ? path : "", .where = where};
	va_list ap;
	va_start(ap, fmt);
	bool r = report(c, id, LG_SEV_OFF, addr, &a, fmt, ap);
	va_end(ap);
	return r;
}

LG_NO_COVERAGE
bool lg_report_item(struct lg_ckctx *c, enum lg_check_id id, uint64_t addr, int q, int fi,
		    const char *field, const char *fmt, ...)
{
	struct about a = {.d = c->d, .q = q, .fi = fi, .field = field};
	va_list ap;
	va_start(ap, fmt);
	bool r = report(c, id, LG_SEV_OFF, addr, &a, fmt, ap);
	va_end(ap);
	return r;
}

LG_NO_COVERAGE
bool lg_vreport_vq(struct lg_ckctx *c, enum lg_check_id id, enum lg_severity sev, uint64_t addr,
		   size_t d, unsigned q, const char *field, const char *fmt, va_list ap)
{
	struct about a = {.d = d, .q = (int)q, .fi = -1, .field = field};
	return report(c, id, sev, addr, &a, fmt, ap);
}

LG_NO_COVERAGE
void lg_vq_names(const struct lg_layout *l, size_t d, int vq, char *path, size_t plen,
		 char *where, size_t wlen)
{
	/* path: device[D].vq[Q]; where: device[D] (TYPE) vq[Q] (no vq when vq < 0). */
	const char *tn = lg_type_name(l->dev[d].type);
	size_t p = put_uint(path, plen, put_str(path, plen, 0, "device["), d);
	size_t w = put_uint(where, wlen, put_str(where, wlen, 0, "device["), d);
	p = put_str(path, plen, p, "]");
	w = put_str(where, wlen, w, "] (");
	if (tn)
		w = put_str(where, wlen, w, tn);
	else
		w = put_uint(where, wlen, put_str(where, wlen, w, "type "), l->dev[d].type);
	w = put_str(where, wlen, w, ")");
	if (vq >= 0) {
		p = put_uint(path, plen, put_str(path, plen, p, ".vq["), (uint64_t)vq);
		put_str(path, plen, p, "]");
		w = put_uint(where, wlen, put_str(where, wlen, w, " vq["), (uint64_t)vq);
		put_str(where, wlen, w, "]");
	}
}

/* ---------------------------------------------------------------- section A: the page */

LG_NO_COVERAGE
static uint64_t dev_addr(const struct lg_layout *l, size_t d, uint32_t off)
{
	return l->page_addr + l->dev[d].offset + off;
}

/* Bytes of descriptor d: set by the decoders; a layout built by hand (a spec) is E2. */
LG_NO_COVERAGE
static uint32_t dev_size(const struct lg_layout *l, size_t d)
{
	const struct lg_device *dv = &l->dev[d];
	return dv->size ? dv->size : lg_desc_size(dv->num_vq, dv->feature_len, dv->config_len);
}

/* Compared with a page's tail, which is usually zero: one memcmp instead of a loop over
 * up to 4096 bytes (each a traced compare under the fuzzers). */
static const uint8_t zero_page[LG_PAGE_SIZE];

int lg_ck_page_truncated(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	if (l->page_len < LG_PAGE_SIZE)
		lg_report(c, LG_CHK_PAGE_TRUNCATED, l->page_addr + l->page_len, "page", "page",
			  "only %zu of the page's 4096 bytes are in the image", l->page_len);
	return 0;
}

int lg_ck_page_no_device(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	if (l->ndev)
		return 0;
	size_t nz = 0;
	for (size_t i = 0; i < l->page_len; i++)
		nz += l->page[i] != 0;
	lg_report(c, LG_CHK_PAGE_NO_DEVICE, l->page_addr, "page", "page",
		  "no device: %s, but every lguest Launcher added at least a console (is this the "
		  "page?)",
		  nz ? "the first byte is 0, the terminator" : "every byte of the page is 0");
	return 0;
}

/* The descriptor the walk stopped at because it crosses the page (or image) end. */
static bool is_overflow(const struct lg_ckctx *c)
{
	return c->l->overflowed && c->d == c->l->ndev - 1;
}

int lg_ck_desc_header_in_page(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	const struct lg_device *dv = &l->dev[c->d];
	uint32_t hdr = l->era == LG_ERA_E1 ? LG_E1_HDR_SIZE : LG_DESC_HDR_SIZE;
	if (!is_overflow(c) || dv->offset + hdr <= LG_PAGE_SIZE)
		return 0;
	lg_report_dev(c, LG_CHK_DESC_HEADER_IN_PAGE, dev_addr(l, c->d, 0), -1, NULL,
		      "%u-byte header at page offset %u crosses the page end at 4096", hdr,
		      dv->offset);
	return 0;
}

int lg_ck_desc_fits_page(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	const struct lg_device *dv = &l->dev[c->d];
	uint32_t size = dev_size(l, c->d);
	if (!is_overflow(c) || dv->offset + size <= LG_PAGE_SIZE)
		return 0;
	if (l->era == LG_ERA_E1)
		lg_report_dev(
		    c, LG_CHK_DESC_FITS_PAGE, dev_addr(l, c->d, 0), -1, NULL,
		    "descriptor of %u bytes (3 + config_len %u) at page offset %u ends at %u, "
		    "past the page end at 4096",
		    size, dv->config_len, dv->offset, dv->offset + size);
	else
		lg_report_dev(
		    c, LG_CHK_DESC_FITS_PAGE, dev_addr(l, c->d, 0), -1, NULL,
		    "descriptor of %u bytes at page offset %u ends at %u, past the page end at "
		    "4096 (num_vq %u, feature_len %u, config_len %u)",
		    size, dv->offset, dv->offset + size, dv->num_vq, dv->feature_len,
		    dv->config_len);
	return 0;
}

int lg_ck_page_terminated(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	if (l->terminated)
		return 0;
	/* Exactly full is legal; a walk that ended on the bound is what we flag. */
	const struct lg_device *last = l->ndev ? &l->dev[l->ndev - 1] : NULL;
	uint32_t last_end = last ? last->offset + dev_size(l, l->ndev - 1) : 0;
	if (last_end != LG_PAGE_SIZE)
		lg_report(c, LG_CHK_PAGE_TERMINATED, l->page_addr + LG_PAGE_SIZE - 1, "page", "page",
			  "no type-0 terminator before the page end: %zu descriptors, the last "
			  "ends at page offset %u, not at 4096",
			  l->ndev, last_end);
	return 0;
}

int lg_ck_page_tail_zero(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	if (!l->terminated)
		return 0;
	if (l->end + 1 < LG_PAGE_SIZE &&
	    memcmp(l->page + l->end + 1, zero_page, LG_PAGE_SIZE - (l->end + 1)) == 0)
		return 0;
	for (uint32_t i = l->end + 1; i < LG_PAGE_SIZE; i++) {
		if (l->page[i]) {
			unsigned nz = 0;
			for (uint32_t j = i; j < LG_PAGE_SIZE; j++)
				nz += l->page[j] != 0;
			lg_report(c, LG_CHK_PAGE_TAIL_ZERO, l->page_addr + i, "page", "page",
				  "byte at page offset %u after the terminator at %u is 0x%02x, "
				  "expected 0 (%u non-zero bytes in the tail)",
				  i, l->end, l->page[i], nz);
			break;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- section A: a descriptor */

int lg_ck_desc_type_known(struct lg_ckctx *c)
{
	const struct lg_device *dv = &c->l->dev[c->d];
	if (lg_type_name(dv->type))
		return 0;
	lg_report_dev(c, LG_CHK_DESC_TYPE_KNOWN, dev_addr(c->l, c->d, LG_DESC_TYPE), -1, "type",
		      "type %u is not a known virtio device id", dv->type);
	return 0;
}

int lg_ck_desc_num_vq(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	const struct lg_device *dv = &l->dev[c->d];
	bool e1 = l->era == LG_ERA_E1;
	const struct lg_devtype *t = lg_devtype(dv->type); /* known: desc_type_known passed */
	const char *need = !t || lg_devtype_vq_ok(t, dv->num_vq) ? NULL : t->vq_need;
	/* A header cut by the page (or image) end: num_vq was not read, only filled in. */
	if (need && (e1 ? !dv->truncated : dv->offset + LG_DESC_NUM_VQ < l->page_len)) {
		lg_report_dev(c, LG_CHK_DESC_NUM_VQ, dev_addr(l, c->d, e1 ? 0 : LG_DESC_NUM_VQ), -1,
			      "num_vq", "%s %u does not suit a %s device: expected %s",
			      e1 ? "the number of virtqueue fields" : "num_vq", dv->num_vq,
			      lg_type_name(dv->type), need);
	}
	return 0;
}

int lg_ck_desc_config_len(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	const struct lg_device *dv = &l->dev[c->d];
	const char *why = "";
	const struct lg_devtype *t = lg_devtype(dv->type);
	if (!t || dv->truncated || l->era == LG_ERA_E1)
		return 0;
	unsigned min = lg_devtype_config_min(t, dv->host_features,
					     dv->feature_len, &why);
	if (dv->config_len < min) {
		lg_report_dev(c, LG_CHK_DESC_CONFIG_LEN, dev_addr(l, c->d, LG_DESC_CONFIG_LEN), -1,
			      "config_len", "config_len %u is below %u: %s", dv->config_len, min,
			      why);
	}
	return 0;
}

/* Offset of the offered feature bytes in an E2 descriptor. */
static uint32_t feat_off(const struct lg_device *dv)
{
	return LG_DESC_HDR_SIZE + LG_VQC_SIZE * dv->num_vq;
}

int lg_ck_feat_acked_subset(struct lg_ckctx *c)
{
	const struct lg_device *dv = &c->l->dev[c->d];
	if (dv->truncated)
		return 0;
	for (unsigned i = 0; i < dv->feature_len; i++) {
		uint8_t extra = dv->guest_features[i] & (uint8_t)~dv->host_features[i];
		if (!extra)
			continue;
		unsigned bit = i * 8;
		while (!((extra >> (bit % 8)) & 1))
			bit++;
		lg_report_dev(c, LG_CHK_FEAT_ACKED_SUBSET,
			      dev_addr(c->l, c->d, feat_off(dv) + dv->feature_len + i), -1,
			      "guest_features",
			      "acked feature byte %u is 0x%02x but offered is 0x%02x: bit %u acked "
			      "without being offered",
			      i, dv->guest_features[i], dv->host_features[i], bit);
		break;
	}
	return 0;
}

int lg_ck_feat_high_bits(struct lg_ckctx *c)
{
	const struct lg_device *dv = &c->l->dev[c->d];
	if (dv->truncated)
		return 0;
	for (unsigned i = 4; i < dv->feature_len; i++) {
		if (!dv->host_features[i])
			continue;
		unsigned bit = i * 8;
		while (!((dv->host_features[i] >> (bit % 8)) & 1))
			bit++;
		lg_report_dev(
		    c, LG_CHK_FEAT_HIGH_BITS, dev_addr(c->l, c->d, feat_off(dv) + i), -1,
		    "host_features",
		    "offered feature bit %u is 32 or above: the lguest Guest reads only bits "
		    "0..31",
		    bit);
		break;
	}
	return 0;
}

static uint64_t status_addr(const struct lg_ckctx *c)
{
	return dev_addr(c->l, c->d, c->l->era == LG_ERA_E1 ? 2 : LG_DESC_STATUS);
}

int lg_ck_status_bits(struct lg_ckctx *c)
{
	uint8_t s = c->l->dev[c->d].status;
	if (!(s & ~LG_S_VALID_MASK))
		return 0;
	lg_report_dev(
	    c, LG_CHK_STATUS_BITS, status_addr(c), -1, "status",
	    "status 0x%02x has bits 0x%02x outside ACKNOWLEDGE|DRIVER|DRIVER_OK|FAILED (0x87)", s,
	    s & ~LG_S_VALID_MASK);
	return 0;
}

int lg_ck_status_order(struct lg_ckctx *c)
{
	uint8_t s = c->l->dev[c->d].status;
	if ((s & LG_S_DRIVER_OK) && !(s & LG_S_DRIVER))
		lg_report_dev(c, LG_CHK_STATUS_ORDER, status_addr(c), -1, "status",
			      "status 0x%02x has DRIVER_OK (4) without DRIVER (2)", s);
	else if ((s & LG_S_DRIVER) && !(s & LG_S_ACKNOWLEDGE))
		lg_report_dev(c, LG_CHK_STATUS_ORDER, status_addr(c), -1, "status",
			      "status 0x%02x has DRIVER (2) without ACKNOWLEDGE (1)", s);
	return 0;
}

int lg_ck_status_failed(struct lg_ckctx *c)
{
	uint8_t s = c->l->dev[c->d].status;
	if (!(s & LG_S_FAILED))
		return 0;
	lg_report_dev(c, LG_CHK_STATUS_FAILED, status_addr(c), -1, "status",
		      "status 0x%02x has FAILED (0x80) set: the driver gave up on the device", s);
	return 0;
}

/* ---------------------------------------------------------------- section D: E0 */

int lg_ck_e0_slot_zero(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	uint32_t slots = LG_E0_SLOTS * LG_E0_SLOT_SIZE, stop = LG_PAGE_SIZE;
	if (memcmp(l->page + slots, zero_page, LG_PAGE_SIZE - slots) == 0)
		stop = slots; /* nothing to find after the slots */
	for (uint32_t i = 0; i < stop; i++) {
		uint32_t s = i / LG_E0_SLOT_SIZE;
		if (!l->page[i] ||
		    (s < LG_E0_SLOTS && lg_le16(l->page + s * LG_E0_SLOT_SIZE + LG_E0_TYPE)))
			continue;
		char path[64];
		if (s < LG_E0_SLOTS)
			snprintf(path, sizeof path, "slot[%u]", s);
		else
			snprintf(path, sizeof path, "page");
		lg_report(c, LG_CHK_E0_SLOT_ZERO, l->page_addr + i, path, path,
			  s < LG_E0_SLOTS ? "empty slot %u (type 0) has byte 0x%02x at page offset %u"
					  : "byte %u at page offset %u after the 16 slots is 0x%02x, "
					    "expected 0",
			  s < LG_E0_SLOTS ? s : l->page[i], s < LG_E0_SLOTS ? l->page[i] : i,
			  s < LG_E0_SLOTS ? i : l->page[i]);
		break;
	}
	return 0;
}

int lg_ck_e0_slot_type(struct lg_ckctx *c)
{
	const struct lg_device *dv = &c->l->dev[c->d];
	if (dv->type)
		return 0;
	lg_report_dev(c, LG_CHK_E0_SLOT_TYPE, dev_addr(c->l, c->d, LG_E0_TYPE), -1, "type",
		      "slot %u has type %u: 2.6.23 knows 1 console, 2 net and 3 block", dv->e0.slot,
		      dv->e0.type);
	return 0;
}

int lg_ck_e0_status_bits(struct lg_ckctx *c)
{
	const struct lg_e0_slot *s = &c->l->dev[c->d].e0;
	if (!(s->status & ~LG_E0_S_VALID_MASK))
		return 0;
	lg_report_dev(c, LG_CHK_E0_STATUS_BITS, dev_addr(c->l, c->d, LG_E0_STATUS), -1, "status",
		      "status %#06x has bits %#x outside ACK|DRIVER|DRIVER_OK|REMOVED|REMOVED_ACK|"
		      "FAILED (0x9f)",
		      s->status, s->status & ~LG_E0_S_VALID_MASK);
	return 0;
}

int lg_ck_e0_pfn_no_pages(struct lg_ckctx *c)
{
	const struct lg_e0_slot *s = &c->l->dev[c->d].e0;
	if (s->num_pages || !s->pfn)
		return 0;
	lg_report_dev(
	    c, LG_CHK_E0_PFN_NO_PAGES, dev_addr(c->l, c->d, LG_E0_PFN), -1, "pfn",
	    "pfn %#x with num_pages 0: the Launcher sets the pfn only when it allocates pages",
	    s->pfn);
	return 0;
}

/* E0 device memory: after the page, inside the pfn limit, not shared. */
int lg_ck_e0_pages_above_ram(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	const struct lg_e0_slot *s = &l->dev[c->d].e0;
	uint64_t page_pfn = l->page_addr >> LG_PAGE_SHIFT;
	if (!s->num_pages || ((uint64_t)s->pfn << LG_PAGE_SHIFT >= l->mem && s->pfn > page_pfn))
		return 0;
	lg_report_dev(
	    c, LG_CHK_E0_PAGES_ABOVE_RAM, dev_addr(l, c->d, LG_E0_PFN), -1, "pfn",
	    "device memory at pfn %#x is not above RAM (ends at %#llx) and the descriptor "
	    "page (pfn %#llx)",
	    s->pfn, (unsigned long long)l->mem, (unsigned long long)page_pfn);
	return 0;
}

int lg_ck_e0_pages_in_pfnlimit(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	const struct lg_e0_slot *s = &l->dev[c->d].e0;
	if (!s->num_pages || !l->pfn_limit || (uint64_t)s->pfn + s->num_pages <= l->pfn_limit)
		return 0;
	lg_report_dev(c, LG_CHK_E0_PAGES_IN_PFNLIMIT, dev_addr(l, c->d, LG_E0_PFN), -1, "pfn",
		      "device memory pfn %#x + %u pages ends beyond the pfn limit %#llx", s->pfn,
		      s->num_pages, (unsigned long long)l->pfn_limit);
	return 0;
}

int lg_ck_e0_pages_overlap(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	const struct lg_e0_slot *s = &l->dev[c->d].e0;
	if (!s->num_pages)
		return 0;
	uint64_t end = (uint64_t)s->pfn + s->num_pages;
	for (size_t o = 0; o < c->d; o++) {
		const struct lg_e0_slot *t = &l->dev[o].e0;
		if (!t->num_pages || t->pfn + (uint64_t)t->num_pages <= s->pfn || end <= t->pfn)
			continue;
		lg_report_dev(
		    c, LG_CHK_E0_PAGES_OVERLAP, dev_addr(l, c->d, LG_E0_PFN), -1, "pfn",
		    "device memory [pfn %#x, %#llx) overlaps that of slot %u [pfn %#x, %#llx)",
		    s->pfn, (unsigned long long)end, t->slot, t->pfn,
		    (unsigned long long)(t->pfn + (uint64_t)t->num_pages));
		break;
	}
	return 0;
}

/* ---------------------------------------------------------------- section D: E1 fields */

/* The current field, its type without the consumed bit, its address and names; NULL when
 * it does not lie whole in the config (only e1_field_in_desc looks at that one). */
struct e1f {
	const struct lg_e1_field *f;
	uint8_t t;
	uint64_t addr;
};

LG_NO_COVERAGE
static const struct lg_e1_field *e1_field(struct lg_ckctx *c, struct e1f *e)
{
	const struct lg_device *dv = &c->l->dev[c->d];
	e->f = &dv->e1.field[c->fi];
	e->t = e->f->type & (uint8_t)~LG_E1_CONSUMED;
	e->addr = dev_addr(c->l, c->d, LG_E1_HDR_SIZE + e->f->off);
	return e->f;
}

int lg_ck_e1_field_in_desc(struct lg_ckctx *c)
{
	const struct lg_device *dv = &c->l->dev[c->d];
	struct e1f e;
	const struct lg_e1_field *f = e1_field(c, &e);
	if (f->whole || dv->truncated)
		return 0;
	lg_report_fld(c, LG_CHK_E1_FIELD_IN_DESC, e.addr,
		  "field type %#04x at config offset %u (len %u) ends at %u, past config_len %u",
		  f->type, f->off, f->len,
		  f->off + 1u < dv->config_len ? f->off + 2u + f->len : f->off + 2u,
		  dv->config_len);
	return 0;
}

int lg_ck_e1_vq_len(struct lg_ckctx *c)
{
	struct e1f e;
	const struct lg_e1_field *f = e1_field(c, &e);
	if (f->whole && e.t == LG_E1_F_VIRTQUEUE && f->len != LG_VQC_SIZE)
		lg_report_fld(c, LG_CHK_E1_VQ_LEN, e.addr + 1,
			  "virtqueue field of %u bytes, expected 8 (an lguest_vqconfig): the Guest "
			  "says \"Unexpected virtio config len\"",
			  f->len);
	return 0;
}

int lg_ck_e1_field_known(struct lg_ckctx *c)
{
	uint8_t type = c->l->dev[c->d].type;
	struct e1f e;
	const struct lg_e1_field *f = e1_field(c, &e);
	if (f->whole && lg_devtype_e1_field_len(type, e.t) == 0)
		lg_report_fld(c, LG_CHK_E1_FIELD_KNOWN, e.addr,
			  "field type %#04x is not one the 2.6.24 %s driver reads", e.t,
			  lg_type_name(type));
	return 0;
}

int lg_ck_e1_field_len(struct lg_ckctx *c)
{
	struct e1f e;
	const struct lg_e1_field *f = e1_field(c, &e);
	int want = lg_devtype_e1_field_len(c->l->dev[c->d].type, e.t);
	/* A virtqueue field of the wrong length is e1_vq_len. */
	if (f->whole && e.t != LG_E1_F_VIRTQUEUE && want > 0 && f->len != want)
		lg_report_fld(c, LG_CHK_E1_FIELD_LEN, e.addr + 1,
			  "field type %#04x has %u bytes, expected %d", e.t, f->len, want);
	return 0;
}

int lg_ck_e1_consumed_early(struct lg_ckctx *c)
{
	struct e1f e;
	const struct lg_e1_field *f = e1_field(c, &e);
	if (f->whole && (f->type & LG_E1_CONSUMED) && c->l->dev[c->d].status == 0)
		lg_report_fld(c, LG_CHK_E1_CONSUMED_EARLY, e.addr,
			  "field type %#04x has the consumed bit 0x80, but status is 0: no Guest "
			  "driver has read the device",
			  f->type);
	return 0;
}

/* ---------------------------------------------------------------- section B: a vqconfig */

LG_NO_COVERAGE
static const struct lg_vq *cur_vq(const struct lg_ckctx *c)
{
	return &c->l->dev[c->d].vq[c->q];
}

LG_NO_COVERAGE
static uint64_t vq_addr(const struct lg_layout *l, size_t d, unsigned q, unsigned field)
{
	uint32_t off = l->dev[d].vq_off[q]; /* 0 in a layout built by hand: E2 */
	return dev_addr(l, d, (off ? off : LG_DESC_HDR_SIZE + LG_VQC_SIZE * q) + field);
}

/* The checks of one vqconfig field on its own, one row each (as dtc's checks are): the
 * check's function and id, the field, its offset in the vqconfig, when its value v is
 * wrong, and what to say (%u: v). */
#define VQ_FIELD_CHECK(fn, id, field, off, bad, msg)                                              \
	int fn(struct lg_ckctx *c)                                                                \
	{                                                                                         \
		unsigned v = cur_vq(c)->field;                                                    \
		if (bad)                                                                          \
			lg_report_dev(c, id, vq_addr(c->l, c->d, c->q, off), (int)c->q, #field,   \
				      msg, v);                                                    \
		return 0;                                                                         \
	}
VQ_FIELD_CHECK(lg_ck_vq_num_zero, LG_CHK_VQ_NUM_ZERO, num, LG_VQC_NUM, v == 0,
	       "num %u: a ring needs entries")
VQ_FIELD_CHECK(lg_ck_vq_num_max, LG_CHK_VQ_NUM_MAX, num, LG_VQC_NUM, v > LG_VQ_NUM_MAX,
	       "num %u exceeds the largest ring size 32768")
VQ_FIELD_CHECK(lg_ck_vq_num_pow2, LG_CHK_VQ_NUM_POW2, num, LG_VQC_NUM, (v & (v - 1)) != 0,
	       "num %u is not a power of two")
VQ_FIELD_CHECK(lg_ck_vq_irq_zero, LG_CHK_VQ_IRQ_ZERO, irq, LG_VQC_IRQ, v == 0,
	       "irq %u belongs to the timer; device irqs start at 1")
VQ_FIELD_CHECK(lg_ck_vq_irq_range, LG_CHK_VQ_IRQ_RANGE, irq, LG_VQC_IRQ, v >= LG_IRQS,
	       "irq %u is not below LGUEST_IRQS (32): the Host refuses to raise it")
VQ_FIELD_CHECK(lg_ck_vq_pfn_zero, LG_CHK_VQ_PFN_ZERO, pfn, LG_VQC_PFN, v == 0,
	       "pfn %u puts the ring on the zero page")
#undef VQ_FIELD_CHECK

/* Device and queue of vq v (global index). */
LG_NO_COVERAGE
static unsigned vq_q(const struct lg_ckctx *c, size_t v)
{
	return (unsigned)(v - c->vqbase[c->vq_dev[v]]);
}

/* Three checks compare the current vq with every vq before it (global index < c->v):
 * the searches below.  Over a random page's 255 vqs they make 32 000 steps, each of
 * bookkeeping that tells a fuzzer nothing, so they are not traced for coverage (as the
 * engine's own loops are not); what a check does with the answer is. */

/* The first vq before the current one that has irq and is not blocked for vq_irq_unique;
 * c->v when there is none. */
LG_NO_COVERAGE
static size_t earlier_irq(const struct lg_ckctx *c, uint16_t irq)
{
	for (size_t j = 0; j < c->v; j++)
		if (c->l->dev[c->vq_dev[j]].vq[vq_q(c, j)].irq == irq &&
		    !lg_ck_blocked_vq(c, LG_CHK_VQ_IRQ_UNIQUE, j))
			return j;
	return c->v;
}

int lg_ck_vq_irq_unique(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	uint16_t irq = cur_vq(c)->irq;
	size_t j = earlier_irq(c, irq);
	if (j < c->v)
		lg_report_dev(c, LG_CHK_VQ_IRQ_UNIQUE, vq_addr(l, c->d, c->q, LG_VQC_IRQ),
			      (int)c->q, "irq", "irq %u is also used by device[%zu].vq[%u]", irq,
			      c->vq_dev[j], vq_q(c, j));
	return 0;
}

/* ---------------------------------------------------------------- section B: a ring */

LG_NO_COVERAGE
static void geom_of(const struct lg_ckctx *c, size_t v, struct lg_ring_geom *g)
{
	const struct lg_vq *vq = &c->l->dev[c->vq_dev[v]].vq[vq_q(c, v)];
	lg_ring_geom(vq->num, vq->pfn, g);
}

/* The current ring's geometry g, and pa: the address of its vqconfig's pfn. */
#define RING_AT(c, g)                                                                             \
	struct lg_ring_geom g;                                                                    \
	geom_of(c, (c)->v, &g);                                                                   \
	uint64_t pa = vq_addr((c)->l, (c)->d, (c)->q, LG_VQC_PFN)

int lg_ck_ring_below_4g(struct lg_ckctx *c)
{
	RING_AT(c, g);
	if (g.end > (1ull << 32))
		lg_report_dev(
		    c, LG_CHK_RING_BELOW_4G, pa, (int)c->q, "pfn",
		    "ring [%#llx, %#llx) ends above 4 GiB; lguest guests and hosts are 32-bit",
		    (unsigned long long)g.desc, (unsigned long long)g.end);
	return 0;
}

int lg_ck_ring_above_ram(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	RING_AT(c, g);
	if (g.desc < l->mem)
		lg_report_dev(c, LG_CHK_RING_ABOVE_RAM, pa, (int)c->q, "pfn",
			      "ring at %#llx starts inside guest RAM, which ends at %#llx",
			      (unsigned long long)g.desc, (unsigned long long)l->mem);
	else if (g.desc < l->page_addr + LG_PAGE_SIZE && g.end > l->page_addr)
		lg_report_dev(c, LG_CHK_RING_ABOVE_RAM, pa, (int)c->q, "pfn",
			      "ring [%#llx, %#llx) overlaps the descriptor page at %#llx",
			      (unsigned long long)g.desc, (unsigned long long)g.end,
			      (unsigned long long)l->page_addr);
	return 0;
}

int lg_ck_ring_in_pfnlimit(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	/* The limit's address, saturated: a pfn limit from a note may be any 64-bit value. */
	uint64_t limit = l->pfn_limit > (UINT64_MAX >> LG_PAGE_SHIFT) ? UINT64_MAX
									 : l->pfn_limit << LG_PAGE_SHIFT;
	RING_AT(c, g);
	if (l->pfn_limit && g.end > limit)
		lg_report_dev(c, LG_CHK_RING_IN_PFNLIMIT, pa, (int)c->q, "pfn",
			      "ring [%#llx, %#llx) ends beyond the pfn limit %#llx (address %#llx)",
			      (unsigned long long)g.desc, (unsigned long long)g.end,
			      (unsigned long long)l->pfn_limit, (unsigned long long)limit);
	return 0;
}

/* The first ring before the current one that is not blocked for ring_overlap and
 * overlaps [g->desc, g->end), its geometry in *o; c->v when there is none. */
LG_NO_COVERAGE
static size_t earlier_overlap(const struct lg_ckctx *c, const struct lg_ring_geom *g,
			      struct lg_ring_geom *o)
{
	for (size_t j = 0; j < c->v; j++) {
		if (lg_ck_blocked_vq(c, LG_CHK_RING_OVERLAP, j))
			continue;
		geom_of(c, j, o);
		if (o->end > g->desc && g->end > o->desc)
			return j;
	}
	return c->v;
}

int lg_ck_ring_overlap(struct lg_ckctx *c)
{
	RING_AT(c, g);
	struct lg_ring_geom o;
	size_t j = earlier_overlap(c, &g, &o);
	if (j < c->v)
		lg_report_dev(
		    c, LG_CHK_RING_OVERLAP, pa, (int)c->q, "pfn",
		    "ring [%#llx, %#llx) overlaps the ring of device[%zu].vq[%u] [%#llx, %#llx)",
		    (unsigned long long)g.desc, (unsigned long long)g.end, c->vq_dev[j], vq_q(c, j),
		    (unsigned long long)o.desc, (unsigned long long)o.end);
	return 0;
}

int lg_ck_ring_in_image(struct lg_ckctx *c)
{
	if (!c->rings_readable)
		return 0;
	RING_AT(c, g);
	uint64_t have = lg_image_backed(c->img, g.desc, g.size);
	if (have < g.size)
		lg_report_dev(c, LG_CHK_RING_IN_IMAGE, pa, (int)c->q, "pfn",
			      "ring [%#llx, %#llx) is not in the image: %s at %#llx",
			      (unsigned long long)g.desc, (unsigned long long)g.end,
			      have ? "it stops" : "nothing is mapped",
			      (unsigned long long)(g.desc + have));
	return 0;
}

/* Once, at the first ring that is not where the bump allocator would have put it, while
 * every ring before it passed and stood where it belonged. */
/* Where the bump allocator put the current ring, in *stock, when every ring before it
 * passed and stood where it belonged; false when one did not (that one had the note). */
LG_NO_COVERAGE
static bool stock_place(const struct lg_ckctx *c, uint64_t *stock)
{
	*stock = c->l->page_addr + LG_PAGE_SIZE;
	for (size_t j = 0; j < c->v; j++) {
		struct lg_ring_geom o;
		if (lg_ck_blocked_vq(c, LG_CHK_RING_STOCK_ORDER, j))
			return false;
		geom_of(c, j, &o);
		if (o.desc != *stock)
			return false;
		*stock = o.next;
	}
	return true;
}

int lg_ck_ring_stock_order(struct lg_ckctx *c)
{
	uint64_t stock;
	if (!stock_place(c, &stock))
		return 0;
	RING_AT(c, g);
	if (g.desc != stock)
		lg_report_dev(
		    c, LG_CHK_RING_STOCK_ORDER, pa, (int)c->q, "pfn",
		    "ring at pfn %#x, where the Launcher's allocator would have put it at pfn "
		    "%#llx",
		    cur_vq(c)->pfn, (unsigned long long)(stock >> LG_PAGE_SHIFT));
	return 0;
}

/* ---------------------------------------------------------------- the engine */

/* A pass's entries, as run on each item: runs of consecutive entries that share a
 * function (section C's share one, run once per ring when one of them is not blocked),
 * those whose first entry applies to the layout's era. */
struct group {
	size_t k, end; /* order[k..end) */
	bool sub;      /* holds CHAIN or USED entries */
};

LG_NO_COVERAGE
static size_t plan_pass(const struct lg_ckctx *c, size_t k0, size_t k1, struct group *g)
{
	unsigned era = 1u << c->l->era;
	size_t n = 0;
	for (size_t k = k0; k < k1;) {
		const struct entry *e = &table[order[k]];
		size_t end = k;
		bool sub = false;
		while (end < k1 && table[order[end]].run == e->run)
			sub |= rank(table[order[end++]].scope) == 3;
		if (e->eras & era)
			g[n++] = (struct group){k, end, sub};
		k = end;
	}
	return n;
}

/* Run a pass's groups on the current item. */
LG_NO_COVERAGE
static int run_item(struct lg_ckctx *c, const struct group *g, size_t ng)
{
	struct item it = current(c);
	struct view v[2];     /* for the pass's own scope, and for CHAIN/USED entries */
	struct lg_ckset u[2]; /* what failed where each looks, kept up to date while known */
	/* Skipped, not yet recorded: a group's skips are recorded together (mark_set), before
	 * anything else looks at the record. */
	struct lg_ckset skip[2] = {{{0}}, {{0}}};
	bool made[2] = {false, false}, known[2] = {false, false};
	for (size_t i = 0; i < ng; i++) {
		bool any = false;
		if (g[i].sub) {
			lg_ck_sub_begin(c); /* CHAIN/USED: what holds them counts here */
			known[1] = false;
		}
		for (size_t k = g[i].k; k < g[i].end; k++) {
			enum lg_check_id id = order[k];
			enum lg_ck_scope s = table[id].scope;
			size_t x = rank(s) == 3;
			if (!made[x]) {
				view_of(c, s, &it, &v[x]);
				c->view[view_kind(s)] = &v[x];
				made[x] = true;
			}
			if (!known[x]) {
				if (made[!x])
					mark_set(c, &v[!x], &skip[!x]);
				u[x] = view_failed(&v[x]);
				known[x] = true;
			}
			if (!blocked_by(c, &u[x], id)) {
				any = true;
			} else { /* skipped counts as not passed, for what needs it in turn */
				add(&skip[x], id);
				add(&u[x], id);
			}
		}
		for (size_t x = 0; x < 2; x++)
			if (made[x])
				mark_set(c, &v[x], &skip[x]);
		if (any) {
			int rc = table[order[g[i].k]].run(c);
			if (rc < 0) {
				memset(c->view, 0, sizeof c->view);
				return rc;
			}
			known[0] = known[1] = false; /* it may have reported */
		}
	}
	memset(c->view, 0, sizeof c->view);
	return 0;
}

/* CHAIN and USED entries run inside their ring's pass. */
LG_NO_COVERAGE
static enum lg_ck_scope pass_scope(enum lg_check_id id)
{
	return rank(table[id].scope) == 3 ? LG_SCOPE_RING : table[id].scope;
}

LG_NO_COVERAGE
static int run_pass(struct lg_ckctx *c, size_t k0, size_t k1)
{
	const struct lg_layout *l = c->l;
	struct group g[LG_CHK_N];
	size_t ng = plan_pass(c, k0, k1, g);
	int rc = 0;
	if (ng == 0)
		return 0;
	switch (pass_scope(order[k0])) {
	case LG_SCOPE_PAGE:
		return run_item(c, g, ng);
	case LG_SCOPE_DEVICE:
		for (c->d = 0; rc == 0 && c->d < l->ndev; c->d++)
			rc = run_item(c, g, ng);
		return rc;
	case LG_SCOPE_FIELD:
		for (c->d = 0; rc == 0 && c->d < l->ndev; c->d++)
			for (c->f = c->fieldbase[c->d]; rc == 0 && c->f < c->fieldbase[c->d + 1]; c->f++) {
				c->fi = (unsigned)(c->f - c->fieldbase[c->d]);
				rc = run_item(c, g, ng);
			}
		return rc;
	default: /* VQ, RING */
		for (c->v = 0; rc == 0 && c->v < c->nvq; c->v++) {
			c->d = c->vq_dev[c->v];
			c->q = vq_q(c, c->v);
			rc = run_item(c, g, ng);
		}
		return rc;
	}
}

/* Does the image hold more than the page?  If not, it is a bare page: no rings to read. */
LG_NO_COVERAGE
static bool bare_page(const struct lg_ckctx *c)
{
	uint64_t total = 0;
	for (size_t i = 0; i < lg_image_range_count(c->img); i++) {
		uint64_t a, len;
		lg_image_range(c->img, i, &a, &len);
		total += len;
	}
	return total <= lg_image_backed(c->img, c->l->page_addr, LG_PAGE_SIZE);
}

LG_NO_COVERAGE
static int setup(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	c->ndev = l->ndev;
	for (unsigned id = 0; id < LG_CHK_N; id++) {
		add(&c->of_scope[table[id].scope], id);
		for (const int16_t *p = table[id].prereq; *p >= 0; p++)
			add(&c->pre[id], (unsigned)*p);
	}
	c->fieldbase = calloc(l->ndev + 1, sizeof *c->fieldbase);
	c->vqbase = calloc(l->ndev + 1, sizeof *c->vqbase);
	if (!c->fieldbase || !c->vqbase)
		return lg_fail(c->err, LG_ERR_NOMEM, "out of memory");
	for (size_t d = 0; d < l->ndev; d++) {
		c->fieldbase[d + 1] =
			c->fieldbase[d] + (l->era == LG_ERA_E1 ? l->dev[d].e1.nfields : 0);
		c->vqbase[d + 1] = c->vqbase[d] + l->dev[d].vqs_present;
	}
	c->nfield = c->fieldbase[l->ndev];
	c->nvq = c->vqbase[l->ndev];
	c->vq_dev = calloc(c->nvq ? c->nvq : 1, sizeof *c->vq_dev);
	c->failed = calloc(nitems(c), sizeof *c->failed);
	c->inside = calloc(l->ndev ? l->ndev : 1, sizeof *c->inside);
	if (!c->vq_dev || !c->failed || !c->inside)
		return lg_fail(c->err, LG_ERR_NOMEM, "out of memory");
	for (size_t d = 0; d < l->ndev; d++)
		for (size_t v = c->vqbase[d]; v < c->vqbase[d + 1]; v++)
			c->vq_dev[v] = d;
	if (c->img && !c->cfg->image_has_area && bare_page(c)) {
		c->st->rings_unchecked = c->nvq > 0;
		c->rings_readable = false;
	} else {
		c->rings_readable = c->img != NULL;
	}
	return 0;
}

LG_NO_COVERAGE
int lg_check_layout(const struct lg_layout *l, const struct lg_image *img,
		    const struct lg_check_config *cfg, lg_sink_fn sink, void *ctx,
		    struct lg_check_stats *stats, struct lg_error *err)
{
	struct lg_check_config dflt;
	struct lg_check_stats st_local;
	if (!l || (l->ndev && !l->dev))
		return lg_fail(err, LG_ERR_PARAM, "no layout to check");
	if (!cfg) {
		config_defaults(&dflt);
		cfg = &dflt;
	}
	if (!stats)
		stats = &st_local;
	memset(stats, 0, sizeof *stats);
	struct lg_ckctx c = {.l = l, .img = img, .cfg = cfg, .sink = sink, .sinkctx = ctx,
			     .st = stats, .err = err};
	int rc = setup(&c);
	for (size_t k = 0; rc == 0 && k < LG_CHK_N;) {
		size_t k1 = k + 1;
		while (k1 < LG_CHK_N && pass_scope(order[k1]) == pass_scope(order[k]))
			k1++;
		rc = run_pass(&c, k, k1);
		k = k1;
	}
	free(c.failed);
	free(c.inside);
	free(c.vq_dev);
	free(c.vqbase);
	free(c.fieldbase);
	return rc;
}
