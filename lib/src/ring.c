/* SPDX-License-Identifier: MIT */
/* ring.c — section C of docs/checks.md: the state of the rings a dump holds, and the
 * public ring walker of lgkit/ring.h.
 *
 * One walker serves three masters: lg_chain_walk() (stop at the first broken rule, for a
 * device serving the ring), a quiet pass (collect the indirect tables, size a used chain),
 * and lg_check_ring_state() (report every broken rule, with prerequisites).  The ring's
 * descriptor table, avail ring and used ring are copied once through lg_image_read();
 * only the copies are used afterwards.  Index arithmetic is u16 throughout.
 *
 * Decisions a reader should know:
 *  - The outstanding window is avail.ring[used.idx .. avail.idx) (a dump has no device
 *    last_avail_idx).  A head out of range or repeated is reported and its chain not
 *    walked; a chain stops at a bad next, a revisit (an exact visited set: a tag per
 *    descriptor), or a descriptor another outstanding chain reached first.
 *  - INDIRECT is followed wherever it appears in a chain (as Linux vhost does); with NEXT
 *    too (ind_with_next) the chain continues after the table.  A table with a bad len
 *    (ind_len) or more than num entries (ind_too_long) is not looked into, nor one the
 *    image does not hold (a device-area-only dump).  At most 2^20 table entries are
 *    walked per ring.
 *  - Guest memory for buf_in_ram is RAM [0, mem) plus the device area [page, pfn limit)
 *    (or up to the end of the last ring when the limit is unknown); the Launcher's own
 *    guest_limit is the end of the device area, so buffers in device pages are legal
 *    there, and buf_into_rings says so separately.
 *  - used_len looks at the used elements the device wrote last (min(used.idx, num) of
 *    them), only the newest one per id, and only while that chain is intact: none of its
 *    descriptors reached by an outstanding chain or a newer used chain, no rule broken,
 *    every table in the image.  (Freed indirect tables may have been reused by the guest:
 *    it stays a warning, as docs/checks.md says.)
 *  - event_idx_window (EVENT_IDX offered and acked): used_event and avail_event must lie
 *    in [used.idx - num, avail.idx + num] (u16); anything else is "far outside".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_priv.h"
#include "err_priv.h"
#include "lgkit/emit.h"
#include "lgkit/ring.h"

/* Indirect entries walked per ring at most (a hostile ring could hold num tables of num
 * entries each: 2^30 reads).  Beyond it, tables are not looked into. */
#define IND_BUDGET (1u << 20)

enum walk_mode {
	WALK_FIRST, /* lg_chain_walk: record the first fault, stop */
	WALK_QUIET, /* note that something is wrong, never report */
	WALK_REPORT /* lg_check_ring_state: report everything */
};

struct region {
	uint64_t start, end; /* [start, end) */
	const char *what;    /* "the ring of", "the descriptor page", "the indirect table of" */
	size_t d;
	unsigned q;
	uint16_t desc; /* table: the INDIRECT descriptor */
};

struct walker {
	const struct lg_image *img;
	const struct lg_ring_state *rs;
	const uint8_t *desc; /* copy of the descriptor table, 16*num bytes */
	const struct lg_walk_opts *o;
	enum walk_mode mode;
	uint32_t *owner; /* per descriptor: 0 free, else the tag of the chain that reached it */
	uint32_t tag;
	uint32_t ind_budget;
	struct lg_chain *ch; /* the chain being walked */
	bool stop;           /* stop this chain (WALK_FIRST fault, sink stop) */
	bool faulted;        /* any rule broken in this chain */
	bool conflict;       /* reached a descriptor owned by another tag */
	bool incomplete;     /* a table not in the image, or the budget spent */
	int err;             /* an image read error (not a rule) */
	struct lg_error *why; /* its message (may be NULL) */
	struct lg_error *fault_to; /* WALK_FIRST: the first broken rule's message (or NULL) */
	/* WALK_REPORT */
	struct lg_ckctx *c;
	size_t d;
	unsigned q;
	const struct region *targets; /* rings, page, tables: sorted by start */
	const uint64_t *tmax;         /* prefix maximum of targets' ends */
	size_t ntargets;
	/* WALK_FIRST */
	lg_buf_fn fn;
	void *fnctx;
	/* collecting indirect tables (quiet pass) */
	struct region *tables;
	size_t ntables, tcap;
};

/* ---------------------------------------------------------------- reporting */

/* The field a finding is about, named only when the finding is delivered (issue): a
 * walk that only counts, or stops at its first fault, formats nothing.  Names:
 *   FREF_TEXT  name as it is ("avail.flags")
 *   FREF_DESC  "desc[i]", "desc[i].name" or, ij >= 0, "desc[i].indirect[ij].name"
 *   FREF_RING  "ring.ring[i]" or "ring.ring[i].name" ("avail.ring[3]", "used.ring[0].id") */
struct fref {
	enum { FREF_TEXT, FREF_DESC, FREF_RING } kind;
	const char *ring, *name;
	unsigned i;
	int32_t ij;
};

static struct fref ftext(const char *name)
{
	return (struct fref){FREF_TEXT, NULL, name, 0, -1};
}

static struct fref fdesc(uint16_t di, int32_t ij, const char *name)
{
	return (struct fref){FREF_DESC, NULL, name, di, ij};
}

static struct fref fring(const char *ring, uint16_t slot, const char *name)
{
	return (struct fref){FREF_RING, ring, name, slot, -1};
}

static void fname(char *buf, size_t n, struct fref f)
{
	switch (f.kind) {
	case FREF_TEXT:
		snprintf(buf, n, "%s", f.name);
		return;
	case FREF_DESC:
		if (f.ij >= 0)
			snprintf(buf, n, "desc[%u].indirect[%d].%s", f.i, (int)f.ij, f.name);
		else if (f.name)
			snprintf(buf, n, "desc[%u].%s", f.i, f.name);
		else
			snprintf(buf, n, "desc[%u]", f.i);
		return;
	case FREF_RING:
		if (f.name)
			snprintf(buf, n, "%s.ring[%u].%s", f.ring, f.i, f.name);
		else
			snprintf(buf, n, "%s.ring[%u]", f.ring, f.i);
		return;
	}
}

static void issue(struct walker *w, enum lg_check_id id, enum lg_severity sev, uint64_t addr,
		  struct fref field, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void issue(struct walker *w, enum lg_check_id id, enum lg_severity sev, uint64_t addr,
		  struct fref field, const char *fmt, ...)
{
	char name[48];
	va_list ap;
	bool soft = id == LG_CHK_DESC_ZERO_LEN;
	if (!soft)
		w->faulted = true;
	switch (w->mode) {
	case WALK_QUIET:
		return;
	case WALK_FIRST:
		if (soft || w->ch->fault >= 0)
			return;
		w->ch->fault = (int)id;
		w->ch->fault_addr = addr;
		if (w->fault_to) {
			va_start(ap, fmt);
			vsnprintf(w->fault_to->msg, sizeof w->fault_to->msg, fmt, ap);
			va_end(ap);
			w->fault_to->code = LG_ERR_RING;
		}
		w->stop = true;
		return;
	case WALK_REPORT:
		fname(name, sizeof name, field);
		va_start(ap, fmt);
		lg_vreport_vq(w->c, id, sev, addr, w->d, w->q, name, fmt, ap);
		va_end(ap);
		if (w->c->stop)
			w->stop = true;
		return;
	}
}

/* ---------------------------------------------------------------- buffers */

/* Does [a, e) lie in guest memory: RAM [0, mem_end) or the area [area_start, area_end)? */
static bool in_guest(const struct lg_walk_opts *o, uint64_t a, uint64_t e)
{
	if (e <= o->mem_end)
		return true;
	if (a >= o->area_start && e <= o->area_end)
		return true;
	/* RAM and the area touch (the page sits right at the top of RAM). */
	return o->mem_end >= o->area_start && e <= o->area_end;
}

static bool opts_bound(const struct lg_walk_opts *o)
{
	return o->mem_end || o->area_start || o->area_end;
}

/* Range checks shared by buffers and indirect tables: wrap, guest memory, 32 bits. */
static void check_range(struct walker *w, uint64_t addr, uint32_t len, uint64_t faddr,
			struct fref field, const char *what)
{
	if (len == 0)
		return;
	if (addr + len < addr) {
		issue(w, LG_CHK_BUF_IN_RAM, LG_SEV_OFF, faddr, field,
		      "%s at %#llx of %u bytes wraps past the end of the address space", what,
		      (unsigned long long)addr, len);
	} else if (opts_bound(w->o) && !in_guest(w->o, addr, addr + len)) {
		issue(w, LG_CHK_BUF_IN_RAM, LG_SEV_OFF, faddr, field,
		      "%s [%#llx, %#llx) leaves guest memory: RAM [0, %#llx) and device area "
		      "[%#llx, %#llx)",
		      what, (unsigned long long)addr, (unsigned long long)(addr + len),
		      (unsigned long long)w->o->mem_end, (unsigned long long)w->o->area_start,
		      (unsigned long long)w->o->area_end);
	}
	if (w->stop)
		return;
	if (addr >= (1ull << 32))
		issue(w, LG_CHK_BUF_32BIT, LG_SEV_OFF, faddr, field,
		      "%s address %#llx is 4 GiB or more: a 32-bit Launcher drops the high half",
		      what, (unsigned long long)addr);
}

/* First target overlapping [a, e), or NULL. */
static const struct region *find_target(const struct walker *w, uint64_t a, uint64_t e)
{
	/* Targets with start < e: [0, hi). */
	size_t lo = 0, hi = w->ntargets;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->targets[mid].start < e)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* The first of them whose end passes a: tmax is non-decreasing, and where it first
	 * exceeds a, that target's own end does. */
	size_t end = lo;
	lo = 0;
	hi = end;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->tmax[mid] > a)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo < end ? &w->targets[lo] : NULL;
}

struct chain_pos {
	bool seen_write;
	bool len_reported;
	uint64_t total;
};

static void buffer(struct walker *w, struct chain_pos *p, const uint8_t *e, uint64_t faddr,
		   uint16_t di, int32_t ij)
{
	struct fref field;
	uint64_t addr = lg_le64(e + LG_VRING_DESC_ADDR);
	uint32_t len = lg_le32(e + LG_VRING_DESC_LEN);
	uint16_t flags = lg_le16(e + LG_VRING_DESC_FLAGS);
	bool wr = flags & LG_VRING_DESC_F_WRITE;

	if (wr) {
		p->seen_write = true;
		w->ch->in_bytes += len;
	} else {
		if (p->seen_write) {
			field = fdesc(di, ij, "flags");
			issue(w, LG_CHK_DESC_OUT_AFTER_IN, LG_SEV_OFF, faddr + LG_VRING_DESC_FLAGS,
			      field,
			      "device-readable descriptor (flags 0x%x) follows a device-writable one "
			      "in the chain from head %u",
			      flags, w->ch->head);
			if (w->stop)
				return;
		}
		w->ch->out_bytes += len;
	}
	if (len == 0) {
		field = fdesc(di, ij, "len");
		issue(w, LG_CHK_DESC_ZERO_LEN, LG_SEV_OFF, faddr + LG_VRING_DESC_LEN, field,
		      "buffer of length 0 at %#llx in the chain from head %u",
		      (unsigned long long)addr, w->ch->head);
	}
	p->total += len;
	if (p->total >= (1ull << 32) && !p->len_reported) {
		p->len_reported = true;
		field = fdesc(di, ij, "len");
		issue(w, LG_CHK_CHAIN_LEN_OVERFLOW, LG_SEV_OFF, faddr + LG_VRING_DESC_LEN, field,
		      "the chain from head %u reaches %llu bytes here, 2^32 (4294967296) or more",
		      w->ch->head, (unsigned long long)p->total);
	}
	if (w->stop)
		return;
	field = fdesc(di, ij, "addr");
	check_range(w, addr, len, faddr + LG_VRING_DESC_ADDR, field, "buffer");
	if (w->stop)
		return;
	if (w->mode == WALK_FIRST && w->o->device_side && wr && len && addr < w->o->area_end &&
	    w->o->area_start < addr + len) {
		/* Checked by range: the device-side walk has no list of the rings. */
		issue(w, LG_CHK_BUF_INTO_RINGS, LG_SEV_OFF, faddr + LG_VRING_DESC_ADDR, field,
		      "device-writable buffer [%#llx, %#llx) overlaps the device area [%#llx, %#llx) "
		      "(the page and the rings)",
		      (unsigned long long)addr, (unsigned long long)(addr + len),
		      (unsigned long long)w->o->area_start, (unsigned long long)w->o->area_end);
		return;
	}
	if (w->mode == WALK_REPORT && len && addr + len > addr) {
		const struct region *t = find_target(w, addr, addr + len);
		if (t) {
			char what[64];
			if (t->what[0] == 'p')
				snprintf(what, sizeof what, "the descriptor page");
			else if (t->what[0] == 'r')
				snprintf(what, sizeof what, "the ring of device[%zu].vq[%u]", t->d,
					 t->q);
			else
				snprintf(what, sizeof what, "the indirect table of desc[%u]",
					 t->desc);
			/* Writable: the configured severity (error; -W lowers it).  Readable: a
			 * warning (-E raises it). */
			issue(w, LG_CHK_BUF_INTO_RINGS, wr ? LG_SEV_OFF : LG_SEV_WARNING,
			      faddr + LG_VRING_DESC_ADDR, field,
			      "%s buffer [%#llx, %#llx) overlaps %s [%#llx, %#llx)",
			      wr ? "device-writable" : "device-readable", (unsigned long long)addr,
			      (unsigned long long)(addr + len), what, (unsigned long long)t->start,
			      (unsigned long long)t->end);
		}
	}
	w->ch->nbufs++;
	if (w->mode == WALK_FIRST && w->fn && !w->stop) {
		struct lg_buf b = {addr, len, wr, di, ij};
		if (w->fn(w->fnctx, &b))
			w->stop = true;
	}
}

/* ---------------------------------------------------------------- chains */

static void add_table(struct walker *w, uint64_t addr, uint32_t len, uint16_t di)
{
	if (w->ntables == w->tcap) {
		size_t cap = w->tcap ? w->tcap * 2 : 16;
		struct region *n = realloc(w->tables, cap * sizeof *n);
		if (!n) {
			w->err = lg_fail(w->why, LG_ERR_NOMEM, "out of memory");
			return;
		}
		w->tables = n;
		w->tcap = cap;
	}
	w->tables[w->ntables++] = (struct region){addr, addr + len, "table", w->d, w->q, di};
}

static void walk_indirect(struct walker *w, struct chain_pos *p, const uint8_t *dsc,
			  uint64_t faddr, uint16_t di)
{
	struct fref field;
	uint64_t addr = lg_le64(dsc + LG_VRING_DESC_ADDR);
	uint32_t len = lg_le32(dsc + LG_VRING_DESC_LEN);
	uint16_t flags = lg_le16(dsc + LG_VRING_DESC_FLAGS);
	uint16_t num = w->rs->num;

	w->ch->indirect = true;
	field = fdesc(di, -1, "flags");
	if (!w->o->indirect_ok) {
		issue(w, LG_CHK_IND_NOT_NEGOTIATED, LG_SEV_OFF, faddr + LG_VRING_DESC_FLAGS, field,
		      "INDIRECT (flags 0x%x) used but VIRTIO_RING_F_INDIRECT_DESC (28) was not "
		      "offered and acked",
		      flags);
		if (w->stop)
			return;
	}
	if (flags & LG_VRING_DESC_F_NEXT) {
		issue(w, LG_CHK_IND_WITH_NEXT, LG_SEV_OFF, faddr + LG_VRING_DESC_FLAGS, field,
		      "INDIRECT and NEXT both set (flags 0x%x)", flags);
		if (w->stop)
			return;
	}
	field = fdesc(di, -1, "addr");
	check_range(w, addr, len, faddr + LG_VRING_DESC_ADDR, field, "indirect table");
	if (w->stop)
		return;
	field = fdesc(di, -1, "len");
	if (len == 0 || len % LG_VRING_DESC_SIZE) {
		issue(w, LG_CHK_IND_LEN, LG_SEV_OFF, faddr + LG_VRING_DESC_LEN, field,
		      "indirect table len %u is %s", len,
		      len ? "not a multiple of 16" : "0");
		return;
	}
	if (w->mode == WALK_QUIET && w->tables)
		add_table(w, addr, len, di);
	uint32_t n = len / LG_VRING_DESC_SIZE;
	if (n > num) {
		issue(w, LG_CHK_IND_TOO_LONG, LG_SEV_OFF, faddr + LG_VRING_DESC_LEN, field,
		      "indirect table of %u entries (len %u) is longer than the ring's %u", n, len,
		      num);
		return;
	}
	if (addr + len < addr || !lg_image_covers(w->img, addr, len) || n > w->ind_budget) {
		w->incomplete = true;
		return;
	}
	w->ind_budget -= n;
	uint8_t *tbl = malloc(len);
	uint8_t *seen = calloc((n + 7) / 8, 1);
	if (!tbl || !seen) {
		free(tbl);
		free(seen);
		w->err = lg_fail(w->why, LG_ERR_NOMEM, "out of memory");
		return;
	}
	int rc = lg_image_read(w->img, addr, tbl, len, w->why);
	if (rc < 0) { /* an on-demand page that would not decode: nothing to walk */
		free(tbl);
		free(seen);
		w->err = rc;
		return;
	}
	uint32_t j = 0, prev = 0;
	for (uint32_t k = 0; k <= n && !w->stop; k++) {
		if (seen[j / 8] & (1u << (j % 8))) {
			field = fdesc(di, (int32_t)prev, "next");
			issue(w, LG_CHK_DESC_LOOP, LG_SEV_OFF,
			      addr + (uint64_t)prev * LG_VRING_DESC_SIZE + LG_VRING_DESC_NEXT, field,
			      "indirect chain of desc[%u] returns to entry %u after %u entries", di, j,
			      k);
			break;
		}
		seen[j / 8] |= (uint8_t)(1u << (j % 8));
		const uint8_t *e = tbl + (size_t)j * LG_VRING_DESC_SIZE;
		uint64_t ea = addr + (uint64_t)j * LG_VRING_DESC_SIZE;
		uint16_t ef = lg_le16(e + LG_VRING_DESC_FLAGS);
		uint16_t en = lg_le16(e + LG_VRING_DESC_NEXT);
		w->ch->ndesc++;
		if (ef & ~(LG_VRING_DESC_F_NEXT | LG_VRING_DESC_F_WRITE | LG_VRING_DESC_F_INDIRECT)) {
			field = fdesc(di, (int32_t)j, "flags");
			issue(w, LG_CHK_DESC_FLAGS, LG_SEV_OFF, ea + LG_VRING_DESC_FLAGS, field,
			      "flags 0x%x have bits 0x%x outside NEXT|WRITE|INDIRECT (0x7)", ef,
			      ef & ~7u);
			if (w->stop)
				break;
		}
		if (ef & LG_VRING_DESC_F_INDIRECT) {
			field = fdesc(di, (int32_t)j, "flags");
			issue(w, LG_CHK_IND_NESTED, LG_SEV_OFF, ea + LG_VRING_DESC_FLAGS, field,
			      "INDIRECT (flags 0x%x) inside the indirect table of desc[%u]", ef, di);
			break;
		}
		buffer(w, p, e, ea, di, (int32_t)j);
		if (w->stop || !(ef & LG_VRING_DESC_F_NEXT))
			break;
		if (en >= n) {
			field = fdesc(di, (int32_t)j, "next");
			issue(w, LG_CHK_DESC_NEXT_RANGE, LG_SEV_OFF, ea + LG_VRING_DESC_NEXT, field,
			      "next %u is not below the indirect table's %u entries", en, n);
			break;
		}
		prev = j;
		j = en;
	}
	free(seen);
	free(tbl);
}

/* Walk the chain at head with tag w->tag, filling *ch. */
static void walk_chain(struct walker *w, uint16_t head, struct lg_chain *ch)
{
	struct fref field;
	uint16_t num = w->rs->num;
	uint16_t i = head, prev = head;
	struct chain_pos p = {false, false, 0};

	memset(ch, 0, sizeof *ch);
	ch->head = head;
	ch->fault = -1;
	w->ch = ch;
	w->stop = w->faulted = w->conflict = w->incomplete = false;
	for (uint32_t k = 0; k <= num && !w->stop && !w->err; k++) {
		uint64_t da = w->rs->geom.desc + (uint64_t)i * LG_VRING_DESC_SIZE;
		if (w->owner[i] == w->tag) {
			field = fdesc(prev, -1, "next");
			issue(w, LG_CHK_DESC_LOOP, LG_SEV_OFF,
			      w->rs->geom.desc + (uint64_t)prev * LG_VRING_DESC_SIZE +
				      LG_VRING_DESC_NEXT,
			      field, "chain from head %u returns to descriptor %u after %u descriptors",
			      head, i, k);
			return;
		}
		if (w->owner[i]) {
			w->conflict = true;
			if (w->mode != WALK_QUIET) {
				issue(w, LG_CHK_CHAIN_DISJOINT, LG_SEV_OFF, da, fdesc(i, -1, NULL),
				      "descriptor %u is reachable from head %u and from another "
				      "outstanding chain (head %u)",
				      i, head, (unsigned)(w->owner[i] >> 16));
			}
			return;
		}
		/* Tags carry the head in their high half for the message above. */
		w->owner[i] = w->tag;
		const uint8_t *dsc = w->desc + (size_t)i * LG_VRING_DESC_SIZE;
		uint16_t flags = lg_le16(dsc + LG_VRING_DESC_FLAGS);
		uint16_t next = lg_le16(dsc + LG_VRING_DESC_NEXT);
		ch->ndesc++;
		if (flags & ~(LG_VRING_DESC_F_NEXT | LG_VRING_DESC_F_WRITE | LG_VRING_DESC_F_INDIRECT)) {
			field = fdesc(i, -1, "flags");
			issue(w, LG_CHK_DESC_FLAGS, LG_SEV_OFF, da + LG_VRING_DESC_FLAGS, field,
			      "flags 0x%x have bits 0x%x outside NEXT|WRITE|INDIRECT (0x7)", flags,
			      flags & ~7u);
			if (w->stop)
				return;
		}
		if (flags & LG_VRING_DESC_F_INDIRECT)
			walk_indirect(w, &p, dsc, da, i);
		else
			buffer(w, &p, dsc, da, i, -1);
		if (w->stop || !(flags & LG_VRING_DESC_F_NEXT))
			return;
		if (next >= num) {
			field = fdesc(i, -1, "next");
			issue(w, LG_CHK_DESC_NEXT_RANGE, LG_SEV_OFF, da + LG_VRING_DESC_NEXT, field,
			      "next %u is not below the ring's %u descriptors", next, num);
			return;
		}
		prev = i;
		i = next;
	}
}

/* ---------------------------------------------------------------- reading a ring */

/* A ring's {flags, idx} at addr and the event field after its ring_bytes of entries
 * (avail: used_event; used: avail_event). */
static int read_ring_head(const struct lg_image *img, uint64_t addr, uint64_t ring_bytes,
			  uint16_t *flags, uint16_t *idx, uint16_t *event, struct lg_error *err)
{
	uint8_t b[4];
	int rc = lg_image_read(img, addr, b, 4, err);
	if (rc < 0)
		return rc;
	*flags = lg_le16(b);
	*idx = lg_le16(b + 2);
	if ((rc = lg_image_read(img, addr + 4 + ring_bytes, b, 2, err)) < 0)
		return rc;
	*event = lg_le16(b);
	return 0;
}

int lg_ring_read(const struct lg_image *img, uint16_t num, uint32_t pfn, struct lg_ring_state *rs,
		 struct lg_error *err)
{
	int rc;
	if (!img || !rs || num == 0 || num > LG_VQ_NUM_MAX || (num & (num - 1)) || pfn == 0) {
		lg_fail(err, LG_ERR_PARAM,
			"no ring: num %u is not a power of two in 1..32768 or pfn is 0", num);
		return LG_ERR_PARAM;
	}
	memset(rs, 0, sizeof *rs);
	rs->num = num;
	lg_ring_geom(num, pfn, &rs->geom);
	if (rs->geom.end < rs->geom.desc)
		return lg_fail(err, LG_ERR_OVERFLOW, "the ring at pfn %#x runs past 2^64", pfn);
	if (!lg_image_covers(img, rs->geom.desc, rs->geom.size))
		return lg_fail(err, LG_ERR_NOT_IN_IMAGE,
			       "the ring [%#llx, %#llx) is not wholly in the image",
			       (unsigned long long)rs->geom.desc, (unsigned long long)rs->geom.end);
	if ((rc = read_ring_head(img, rs->geom.avail, 2ull * num, &rs->avail_flags,
				 &rs->avail_idx, &rs->used_event, err)) < 0 ||
	    (rc = read_ring_head(img, rs->geom.used, 8ull * num, &rs->used_flags, &rs->used_idx,
				 &rs->avail_event, err)) < 0)
		return rc;
	rs->pending = (uint16_t)(rs->avail_idx - rs->used_idx);
	return 0;
}

int lg_ring_avail_head(const struct lg_image *img, const struct lg_ring_state *rs, uint16_t idx,
		       uint16_t *head, struct lg_error *err)
{
	uint8_t b[2];
	if (!img || !rs || !head || rs->num == 0)
		return lg_fail(err, LG_ERR_PARAM, "no image, ring or head");
	int rc = lg_image_read(img, rs->geom.avail + 4 + 2ull * (uint16_t)(idx % rs->num), b, 2,
			       err);
	if (rc < 0)
		return rc;
	*head = lg_le16(b);
	return 0;
}

/* Copy the descriptor table (16*num bytes) into buf or, buf NULL, into a block it
 * allocates; *out is where it lies (NULL on an error). */
static int copy_table(const struct lg_image *img, const struct lg_ring_state *rs, uint8_t *buf,
		      uint8_t **out, struct lg_error *err)
{
	size_t n = (size_t)rs->num * LG_VRING_DESC_SIZE;
	*out = buf ? buf : malloc(n);
	if (!*out)
		return lg_fail(err, LG_ERR_NOMEM, "out of memory");
	int rc = lg_image_read(img, rs->geom.desc, *out, n, err);
	if (rc < 0) {
		if (!buf)
			free(*out);
		*out = NULL;
	}
	return rc;
}

int lg_chain_walk(const struct lg_image *img, const struct lg_ring_state *rs, uint16_t head,
		  const struct lg_walk_opts *opts, lg_buf_fn fn, void *ctx, struct lg_chain *out,
		  struct lg_error *err)
{
	struct lg_walk_opts none = {0};
	struct lg_chain local;
	if (!img || !rs || rs->num == 0 || rs->num > LG_VQ_NUM_MAX || head >= rs->num)
		return lg_fail(err, LG_ERR_PARAM, "no image or ring, or head %u is not below num %u",
			       head, rs ? rs->num : 0u);
	if (!out)
		out = &local;
	struct walker w = {.img = img, .rs = rs, .o = opts ? opts : &none, .mode = WALK_FIRST,
			   .tag = 1, .ind_budget = IND_BUDGET, .fn = fn, .fnctx = ctx, .why = err,
			   .fault_to = err};
	/* A ring of up to 256 entries (the Launcher's size) is walked from the stack: callers
	 * walk one head after another, and a heap block per call cost more than the walk. */
	uint8_t small_desc[256 * LG_VRING_DESC_SIZE];
	uint32_t small_owner[256];
	bool small = rs->num <= 256;
	uint8_t *desc = NULL;
	w.owner = small ? memset(small_owner, 0, rs->num * sizeof *small_owner)
			: calloc(rs->num, sizeof *w.owner);
	int rc = w.owner ? copy_table(img, rs, small ? small_desc : NULL, &desc, err)
			 : lg_fail(err, LG_ERR_NOMEM, "out of memory");
	if (rc >= 0) {
		w.desc = desc;
		walk_chain(&w, head, out);
	}
	if (!small) {
		free(w.owner);
		free(desc);
	}
	if (rc < 0)
		return rc;
	if (w.err)
		return w.err;
	if (out->fault >= 0)
		return LG_ERR_RING;
	if (w.incomplete)
		return lg_fail(err, LG_ERR_NOT_IN_IMAGE,
			       "the chain from head %u has an indirect table that was not walked (not "
			       "wholly in the image, or past the budget of %u entries)",
			       head, IND_BUDGET);
	return 0;
}

/* head_range for the head in avail.ring[slot], as every walk that stops at it says it
 * (err, when given, gets the message). */
static void head_range_fault(struct lg_chain *ch, const struct lg_ring_state *rs, uint16_t slot,
			     uint16_t head, struct lg_error *err)
{
	memset(ch, 0, sizeof *ch);
	ch->head = head;
	ch->fault = LG_CHK_HEAD_RANGE;
	ch->fault_addr = rs->geom.avail + 4 + 2ull * slot;
	lg_fail(err, LG_ERR_RING, "avail.ring[%u] is %u, not below num %u", slot, head, rs->num);
}

/* idx_window's message: avail.idx runs more than num entries past base (used.idx for a
 * dump, the device's own count for a device). */
static void idx_window_msg(char *buf, size_t n, uint16_t avail_idx, uint16_t base,
			   const char *base_name, uint16_t num)
{
	snprintf(buf, n, "avail.idx %u - %s %u = %u outstanding entries, more than num %u",
		 avail_idx, base_name, base, (uint16_t)(avail_idx - base), num);
}

int lg_ring_take(const struct lg_image *img, const struct lg_ring_state *rs, uint16_t last_seen,
		 uint16_t *head, struct lg_chain *fault, struct lg_error *err)
{
	uint8_t b[2];
	if (!img || !rs || !head || !fault || rs->num == 0 || rs->num > LG_VQ_NUM_MAX)
		return lg_fail(err, LG_ERR_PARAM, "no image, ring, head or fault, or a bad num");
	int rc = lg_image_read(img, rs->geom.avail + 2, b, 2, err);
	if (rc < 0)
		return rc;
	uint16_t idx = lg_le16(b), pending = (uint16_t)(idx - last_seen);
	if (pending > rs->num) {
		memset(fault, 0, sizeof *fault);
		fault->fault = LG_CHK_IDX_WINDOW;
		fault->fault_addr = rs->geom.avail + 2;
		if (err) {
			idx_window_msg(err->msg, sizeof err->msg, idx, last_seen, "chains taken",
				       rs->num);
			err->code = LG_ERR_RING;
		}
		return LG_ERR_RING;
	}
	if (!pending)
		return 0;
	uint16_t slot = last_seen % rs->num;
	rc = lg_image_read(img, rs->geom.avail + 4 + 2ull * slot, b, 2, err);
	if (rc < 0)
		return rc;
	uint16_t h = lg_le16(b);
	if (h >= rs->num) {
		head_range_fault(fault, rs, slot, h, err);
		return LG_ERR_RING;
	}
	*head = h;
	return 1;
}

int lg_ring_outstanding(const struct lg_image *img, const struct lg_ring_state *rs,
			const struct lg_walk_opts *opts, struct lg_chain *chains, size_t max,
			struct lg_error *err)
{
	struct lg_walk_opts none = {0};
	if (!img || !rs || rs->num == 0 || rs->num > LG_VQ_NUM_MAX || (!chains && max))
		return lg_fail(err, LG_ERR_PARAM, "no image, ring or chains, or a bad num");
	if (rs->pending > rs->num) {
		if (err) {
			idx_window_msg(err->msg, sizeof err->msg, rs->avail_idx, rs->used_idx,
				       "used.idx", rs->num);
			err->code = LG_ERR_RING;
		}
		return LG_ERR_RING;
	}
	uint16_t n = rs->pending;
	size_t avail_len = 2ull * rs->num;
	uint8_t *avail = malloc(avail_len);
	uint8_t *desc = NULL;
	struct walker w = {.img = img, .rs = rs, .o = opts ? opts : &none, .mode = WALK_FIRST,
			   .ind_budget = IND_BUDGET, .why = err};
	w.owner = calloc(rs->num, sizeof *w.owner);
	int rc = avail && w.owner ? 0 : LG_ERR_NOMEM;
	if (rc < 0)
		lg_fail(err, rc, "out of memory");
	if (rc == 0)
		rc = lg_image_read(img, rs->geom.avail + 4, avail, avail_len, err);
	if (rc == 0)
		rc = copy_table(img, rs, NULL, &desc, err);
	w.desc = desc;
	for (uint16_t k = 0; rc == 0 && k < n && k < max; k++) {
		uint16_t slot = (uint16_t)(rs->used_idx + k) % rs->num;
		uint16_t head = lg_le16(avail + 2 * slot);
		struct lg_chain *ch = &chains[k];
		if (head >= rs->num) {
			head_range_fault(ch, rs, slot, head, NULL);
			continue;
		}
		if (w.owner[head] && w.owner[head] >> 16 == head) {
			/* head_distinct: the same head again (an earlier chain started here). */
			memset(ch, 0, sizeof *ch);
			ch->head = head;
			ch->fault = LG_CHK_HEAD_DISTINCT;
			ch->fault_addr = rs->geom.avail + 4 + 2ull * slot;
			continue;
		}
		/* Tags carry the head in their high half (head_distinct, chain_disjoint). */
		w.tag = (uint32_t)head << 16 | (k + 1u);
		walk_chain(&w, head, ch);
		if (w.err)
			rc = w.err;
	}
	free(w.owner);
	free(desc);
	free(avail);
	return rc < 0 ? rc : n;
}

void lg_walk_opts_for(const struct lg_layout *l, size_t d, struct lg_walk_opts *o)
{
	memset(o, 0, sizeof *o);
	if (!l || d >= l->ndev)
		return;
	const struct lg_device *dv = &l->dev[d];
	o->indirect_ok = lg_feature_test(dv->host_features, dv->feature_len, LG_F_RING_INDIRECT_DESC) &&
			 lg_feature_test(dv->guest_features, dv->feature_len, LG_F_RING_INDIRECT_DESC);
	o->mem_end = l->mem;
	o->area_start = l->page_addr;
	/* The device area in use: up to the pfn limit, or (unknown) to the end of the last
	 * ring's pages, as the Launcher's guest_limit grew page by page. */
	o->area_end = l->pfn_limit > (UINT64_MAX >> LG_PAGE_SHIFT) ? UINT64_MAX
								 : lg_layout_area_end(l);
}

/* ---------------------------------------------------------------- section C */

static int region_cmp(const void *a, const void *b)
{
	const struct region *x = a, *y = b;
	return x->start < y->start ? -1 : x->start > y->start;
}

/* Rings of the whole layout, the page and this ring's indirect tables, sorted, with the
 * prefix maximum of their ends (for find_target). */
static int build_targets(struct walker *w, const struct lg_layout *l, struct region **out,
			 uint64_t **tmax, size_t *n)
{
	size_t cap = 1 + w->ntables;
	for (size_t d = 0; d < l->ndev; d++)
		cap += l->dev[d].vqs_present;
	struct region *r = malloc(cap * sizeof *r);
	uint64_t *m = malloc(cap * sizeof *m);
	if (!r || !m) {
		free(r);
		free(m);
		return LG_ERR_NOMEM;
	}
	size_t k = 0;
	r[k++] = (struct region){l->page_addr, l->page_addr + LG_PAGE_SIZE, "page", 0, 0, 0};
	for (size_t d = 0; d < l->ndev; d++)
		for (unsigned q = 0; q < l->dev[d].vqs_present; q++) {
			const struct lg_vq *v = &l->dev[d].vq[q];
			if (!v->num || v->num > LG_VQ_NUM_MAX || (v->num & (v->num - 1)) || !v->pfn)
				continue;
			struct lg_ring_geom g;
			lg_ring_geom(v->num, v->pfn, &g);
			r[k++] = (struct region){g.desc, g.end, "ring", d, q, 0};
		}
	for (size_t i = 0; i < w->ntables; i++)
		if (w->tables[i].end > w->tables[i].start)
			r[k++] = w->tables[i];
	qsort(r, k, sizeof *r, region_cmp);
	uint64_t reach = 0; /* the furthest end so far */
	for (size_t i = 0; i < k; i++) {
		if (r[i].end > reach)
			reach = r[i].end;
		m[i] = reach;
	}
	*out = r;
	*tmax = m;
	*n = k;
	return 0;
}

/* Is ev within [used_idx - num, avail_idx + num] (u16)? */
static bool event_near(uint16_t ev, const struct lg_ring_state *rs)
{
	uint16_t lo = (uint16_t)(rs->used_idx - rs->num);
	return (uint16_t)(ev - lo) <= (uint32_t)rs->pending + 2u * rs->num;
}

static void check_used(struct walker *w, const uint8_t *used)
{
	const struct lg_ring_state *rs = w->rs;
	uint16_t num = rs->num;
	/* Entries the device has written: the last min(used_idx, num) before used_idx (a
	 * ring whose used_idx wrapped to a small value has more, but we cannot tell). */
	uint16_t n = rs->used_idx < num ? rs->used_idx : num;
	uint8_t *seen = calloc((num + 7u) / 8, 1);
	if (!seen) {
		w->err = lg_fail(w->why, LG_ERR_NOMEM, "out of memory");
		return;
	}
	for (uint16_t k = 0; k < n && !w->c->stop; k++) {
		uint16_t slot = (uint16_t)(rs->used_idx - 1u - k) % num;
		const uint8_t *e = used + (size_t)slot * LG_VRING_USED_ELEM_SIZE;
		uint32_t id = lg_le32(e), len = lg_le32(e + 4);
		uint64_t ea = rs->geom.used + 4 + (uint64_t)slot * LG_VRING_USED_ELEM_SIZE;
		lg_ck_sub_begin(w->c);
		if (id >= num) {
			issue(w, LG_CHK_USED_ID_RANGE, LG_SEV_OFF, ea, fring("used", slot, "id"),
			      "used element id %u is not below num %u", id, num);
			continue;
		}
		/* used_len: only the newest element for an id, and only while its chain is
		 * intact: no descriptor reached by a newer chain (outstanding, or used
		 * later), no broken rule, every table in the image. */
		if (seen[id / 8] & (1u << (id % 8)))
			continue;
		seen[id / 8] |= (uint8_t)(1u << (id % 8));
		if (w->owner[id])
			continue;
		struct lg_chain ch;
		enum walk_mode save = w->mode;
		w->mode = WALK_QUIET;
		/* Outstanding chains' tags are head << 16 | (k + 1) with head < 2^15. */
		w->tag = 0x80000000u | k;
		walk_chain(w, (uint16_t)id, &ch);
		w->mode = save;
		if (w->err)
			break;
		if (w->faulted || w->conflict || w->incomplete)
			continue;
		if (len > ch.in_bytes) {
			issue(w, LG_CHK_USED_LEN, LG_SEV_OFF, ea + 4, fring("used", slot, "len"),
			      "used len %u exceeds the %llu device-writable bytes of the chain at "
			      "head %u",
			      len, (unsigned long long)ch.in_bytes, id);
		}
	}
	free(seen);
}

/* A read inside the ring's check failed (a page of an on-demand image that does not
 * decode, memory): the caller's err names the ring and rd's reason. */
static int ring_unreadable(struct lg_ckctx *c, size_t d, unsigned q, const struct lg_vq *vq,
			   const struct lg_error *rd)
{
	char path[64], where[64];
	lg_vq_names(c->l, d, (int)q, path, sizeof path, where, sizeof where);
	return lg_fail(c->err, rd->code ? rd->code : LG_ERR_INTERNAL,
		       "%s: checking the ring at pfn %#x: %s", where, vq->pfn,
		       rd->code ? rd->msg : "a read failed without a reason");
}

/* Section C for the engine's current ring (c->d, c->q), which ring_in_image found in
 * the image: every check of the section runs in this one walk; lg_report() drops those
 * whose prerequisites failed, and lg_ck_sub_begin() starts each chain and used element. */
int lg_check_ring_state(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	size_t d = c->d;
	unsigned q = c->q;
	const struct lg_device *dv = &l->dev[d];
	const struct lg_vq *vq = &dv->vq[q];
	struct lg_ring_state rs;
	struct lg_walk_opts o;
	if (!c->rings_readable)
		return 0;
	c->st->rings_checked++;
	struct lg_error rd = {0}; /* a read that failed: passed on to the caller's err */
	int rc = lg_ring_read(c->img, vq->num, vq->pfn, &rs, &rd);
	if (rc == LG_ERR_PARAM || rc == LG_ERR_OVERFLOW || rc == LG_ERR_NOT_IN_IMAGE)
		return 0; /* vq_num, vq_pfn and ring_in_image report these */
	if (rc < 0)
		return ring_unreadable(c, d, q, vq, &rd);
	lg_walk_opts_for(l, d, &o);

	uint16_t num = rs.num;
	size_t avail_len = 2ull * num, used_len = (size_t)LG_VRING_USED_ELEM_SIZE * num;
	uint8_t *avail = malloc(avail_len), *used = malloc(used_len), *desc = NULL;
	uint32_t *owner = calloc(num, sizeof *owner);
	uint16_t *heads = malloc(num * sizeof *heads);
	uint16_t *first = malloc(num * sizeof *first); /* slot+1 where a head was first seen */
	struct region *targets = NULL;
	uint64_t *tmax = NULL;
	struct walker w = {.img = c->img, .rs = &rs, .o = &o, .mode = WALK_REPORT, .owner = owner,
			   .ind_budget = IND_BUDGET, .c = c, .d = d, .q = q, .why = &rd};
	rc = avail && used && owner && heads && first ? 0 : LG_ERR_NOMEM;
	if (rc < 0)
		lg_fail(&rd, rc, "out of memory");
	if (rc == 0)
		rc = lg_image_read(c->img, rs.geom.avail + 4, avail, avail_len, &rd);
	if (rc == 0)
		rc = lg_image_read(c->img, rs.geom.used + 4, used, used_len, &rd);
	if (rc == 0)
		rc = copy_table(c->img, &rs, NULL, &desc, &rd);
	if (rc != 0 || !desc)
		goto out;
	w.desc = desc;

	if (rs.avail_flags & ~LG_VRING_AVAIL_F_NO_INTERRUPT)
		issue(&w, LG_CHK_AVAIL_FLAGS, LG_SEV_OFF, rs.geom.avail, ftext("avail.flags"),
		      "avail.flags 0x%x has bits 0x%x besides NO_INTERRUPT (1)", rs.avail_flags,
		      rs.avail_flags & ~1u);
	if (rs.used_flags & ~LG_VRING_USED_F_NO_NOTIFY)
		issue(&w, LG_CHK_USED_FLAGS, LG_SEV_OFF, rs.geom.used, ftext("used.flags"),
		      "used.flags 0x%x has bits 0x%x besides NO_NOTIFY (1)", rs.used_flags,
		      rs.used_flags & ~1u);

	bool window_ok = rs.pending <= num;
	if (!window_ok) {
		char msg[128];
		idx_window_msg(msg, sizeof msg, rs.avail_idx, rs.used_idx, "used.idx", num);
		issue(&w, LG_CHK_IDX_WINDOW, LG_SEV_OFF, rs.geom.avail + 2, ftext("avail.idx"), "%s",
		      msg);
	}

	size_t nheads = 0;
	if (window_ok) {
		memset(first, 0, num * sizeof *first);
		for (uint16_t k = 0; k < rs.pending; k++) {
			uint16_t slot = (uint16_t)(rs.used_idx + k) % num;
			uint16_t head = lg_le16(avail + 2 * slot);
			uint64_t ha = rs.geom.avail + 4 + 2ull * slot;
			lg_ck_sub_begin(c);
			struct fref field = fring("avail", slot, NULL);
			if (head >= num) {
				issue(&w, LG_CHK_HEAD_RANGE, LG_SEV_OFF, ha, field,
				      "outstanding head %u (avail index %u) is not below num %u", head,
				      (uint16_t)(rs.used_idx + k), num);
				continue;
			}
			if (first[head]) {
				issue(&w, LG_CHK_HEAD_DISTINCT, LG_SEV_OFF, ha, field,
				      "head %u is outstanding twice: also in avail.ring[%u]", head,
				      first[head] - 1u);
				continue;
			}
			first[head] = (uint16_t)(slot + 1u);
			heads[nheads++] = head;
		}
		/* Pass 1: the indirect tables every outstanding chain points at. */
		struct walker q1 = w;
		q1.mode = WALK_QUIET;
		q1.owner = calloc(num, sizeof *q1.owner);
		q1.tables = calloc(16, sizeof *q1.tables);
		q1.tcap = 16;
		if (!q1.owner || !q1.tables) {
			free(q1.owner);
			free(q1.tables);
			rc = LG_ERR_NOMEM;
			lg_fail(&rd, rc, "out of memory");
			goto out;
		}
		for (size_t k = 0; k < nheads && !q1.err; k++) {
			struct lg_chain ch;
			q1.tag = (uint32_t)(k + 1);
			walk_chain(&q1, heads[k], &ch);
		}
		free(q1.owner);
		w.tables = q1.tables;
		w.ntables = q1.ntables;
		w.tcap = q1.tcap; /* check_used may add the tables of used chains */
		if (q1.err) {
			rc = q1.err;
			goto out;
		}
		rc = build_targets(&w, l, &targets, &tmax, &w.ntargets);
		if (rc < 0) {
			lg_fail(&rd, rc, "out of memory");
			goto out;
		}
		w.targets = targets;
		w.tmax = tmax;
		/* Pass 2: report. */
		for (size_t k = 0; k < nheads && !c->stop && !w.err; k++) {
			struct lg_chain ch;
			w.tag = (uint32_t)heads[k] << 16 | (uint32_t)(k + 1);
			lg_ck_sub_begin(c);
			walk_chain(&w, heads[k], &ch);
		}
	}
	if (!c->stop && !w.err)
		check_used(&w, used);

	lg_ck_sub_begin(c);
	if (window_ok && !c->stop &&
	    lg_feature_test(dv->host_features, dv->feature_len, LG_F_RING_EVENT_IDX) &&
	    lg_feature_test(dv->guest_features, dv->feature_len, LG_F_RING_EVENT_IDX)) {
		const struct {
			uint16_t value;
			uint64_t addr;
			const char *where, *name;
		} ev[2] = {{rs.used_event, rs.geom.avail + 4 + 2ull * num, "avail.used_event",
			    "used_event"},
			   {rs.avail_event, rs.geom.used + 4 + 8ull * num, "used.avail_event",
			    "avail_event"}};
		for (int e = 0; e < 2; e++)
			if (!event_near(ev[e].value, &rs))
				issue(&w, LG_CHK_EVENT_IDX_WINDOW, LG_SEV_OFF, ev[e].addr,
				      ftext(ev[e].where),
				      "%s %u lies far outside [used.idx - num, avail.idx + num] = "
				      "[%u, %u]",
				      ev[e].name, ev[e].value, (uint16_t)(rs.used_idx - num),
				      (uint16_t)(rs.avail_idx + num));
	}
	rc = w.err;
out:
	if (rc < 0)
		ring_unreadable(c, d, q, vq, &rd);
	free(w.tables);
	free(targets);
	free(tmax);
	free(first);
	free(heads);
	free(owner);
	free(desc);
	free(used);
	free(avail);
	return rc;
}
