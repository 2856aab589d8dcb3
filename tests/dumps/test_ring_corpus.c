/* SPDX-License-Identifier: MIT */
/* test_ring_corpus — section C of docs/checks.md, one row at a time.
 *
 * A simulated running guest fills the rings (ringsim.c): several outstanding chains,
 * indirect tables (negotiated), EVENT_IDX, u16 indices that wrapped.  That state must be
 * clean.  Then for every row of section C, one field is mangled and exactly that check
 * must fire, once, at the expected path; nothing else may fire.
 *
 * With a folder argument, also writes every case as a sparse raw memory image plus
 * DIR/manifest ("name check path exit options…") for the CLI test (ring_corpus_cli.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgkit/lgkit.h"
#include "lgkit/ring.h"
#include "ringsim.h"
#include "testutil.h"

#define PAGE 0x100000ull

struct got {
	unsigned n;
	char names[16][32];
	char paths[16][64];
	enum lg_severity sev[16];
};

static int sink(void *ctx, const struct lg_finding *f)
{
	struct got *g = ctx;
	if (g->n < 16) {
		snprintf(g->names[g->n], sizeof g->names[0], "%s", f->name);
		snprintf(g->paths[g->n], sizeof g->paths[0], "%s", f->path);
		g->sev[g->n] = f->severity;
	} else {
		fprintf(stderr, "  (more) %s %s: %s\n", f->name, f->path, f->msg);
	}
	if (g->n < 16)
		fprintf(stderr, "  finding: %s %s %s: %s\n", lg_severity_name(f->severity), f->name,
			f->path, f->msg);
	g->n++;
	return 0;
}

static int stop_first(void *ctx, const struct lg_buf *b)
{
	(void)ctx;
	(void)b;
	return 1;
}

/* lg_chain_walk on a ring of num entries alone in memory at pfn 1: a one-buffer chain at
 * head num - 1 is walked, then a chain that loops on itself is a desc_loop fault.  A ring
 * of up to 256 entries is walked from the stack, a larger one from the heap: both ways. */
static void walk_alone(uint16_t num)
{
	uint64_t rsize = lg_vring_size(num);
	size_t size = 4096 + (size_t)rsize;
	uint8_t *m = calloc(1, size);
	struct lg_image *img = NULL;
	struct lg_ring_state rs;
	struct lg_chain ch;
	bool ok = m && lg_image_from_memory(m, size, 0, &img) == 0 &&
		  lg_ring_read(img, num, 1, &rs, NULL) == 0;
	EXPECT(ok, "num %u: image and ring", num);
	if (!ok) {
		lg_image_close(img);
		free(m);
		return;
	}
	uint8_t *d = m + 4096 + 16ull * (num - 1u); /* the image reads m as it is now */
	lg_put64(d, 0x100);
	lg_put32(d + 8, 32);
	int rc = lg_chain_walk(img, &rs, (uint16_t)(num - 1u), NULL, NULL, NULL, &ch, NULL);
	EXPECT(rc == 0 && ch.ndesc == 1 && ch.nbufs == 1 && ch.out_bytes == 32 && ch.fault < 0,
	       "num %u: walk: rc %d ndesc %u nbufs %u fault %d", num, rc, ch.ndesc, ch.nbufs,
	       ch.fault);
	lg_put16(d + 12, LG_VRING_DESC_F_NEXT);
	lg_put16(d + 14, (uint16_t)(num - 1u));
	rc = lg_chain_walk(img, &rs, (uint16_t)(num - 1u), NULL, NULL, NULL, &ch, NULL);
	EXPECT(rc == LG_ERR_RING && ch.fault == LG_CHK_DESC_LOOP,
	       "num %u: looped chain: rc %d fault %d", num, rc, ch.fault);
	lg_image_close(img);
	free(m);
}

static int run_checks(struct sim *s, uint64_t pfn_limit, struct got *g)
{
	struct lg_image *img;
	struct lg_layout l;
	struct lg_check_stats st;
	memset(g, 0, sizeof *g);
	if (lg_image_from_memory(s->m, s->size, 0, &img) < 0)
		return -1;
	int rc = lg_decode_image(img, s->page_addr, &l, NULL);
	if (rc == 0) {
		l.pfn_limit = pfn_limit;
		struct lg_check_config *cfg = lg_check_config_new();
		lg_check_config_set_image_has_area(cfg, true);
		rc = cfg ? lg_check_layout(&l, img, cfg, sink, g, &st, NULL) : LG_ERR_NOMEM;
		lg_check_config_free(cfg);
		if (rc == 0 && st.rings_checked != 2)
			rc = -2;
		lg_layout_free(&l);
	}
	lg_image_close(img);
	return rc;
}

enum { C_CLEAN, C_IDX_WINDOW, C_AVAIL_FLAGS, C_USED_FLAGS, C_HEAD_RANGE, C_HEAD_DISTINCT,
       C_CHAIN_DISJOINT, C_NEXT_RANGE, C_LOOP, C_LOOP_IND, C_FLAGS, C_OUT_AFTER_IN, C_ZERO_LEN,
       C_LEN_OVERFLOW, C_IND_LEN, C_IND_NESTED, C_IND_WITH_NEXT, C_IND_NOT_NEG, C_IND_TOO_LONG,
       C_BUF_IN_RAM, C_BUF_32BIT, C_INTO_RINGS_W, C_INTO_RINGS_R, C_INTO_TABLE, C_USED_ID, C_USED_LEN,
       C_EVENT_IDX, C_COUNT };

struct tcase {
	const char *name;
	const char *check; /* NULL: clean */
	enum lg_severity sev;
};

static const struct tcase cases[C_COUNT] = {
	[C_CLEAN] = {"clean", NULL, 0},
	[C_IDX_WINDOW] = {"idx_window", "idx_window", LG_SEV_ERROR},
	[C_AVAIL_FLAGS] = {"avail_flags", "avail_flags", LG_SEV_ERROR},
	[C_USED_FLAGS] = {"used_flags", "used_flags", LG_SEV_ERROR},
	[C_HEAD_RANGE] = {"head_range", "head_range", LG_SEV_ERROR},
	[C_HEAD_DISTINCT] = {"head_distinct", "head_distinct", LG_SEV_ERROR},
	[C_CHAIN_DISJOINT] = {"chain_disjoint", "chain_disjoint", LG_SEV_ERROR},
	[C_NEXT_RANGE] = {"desc_next_range", "desc_next_range", LG_SEV_ERROR},
	[C_LOOP] = {"desc_loop", "desc_loop", LG_SEV_ERROR},
	[C_LOOP_IND] = {"desc_loop_indirect", "desc_loop", LG_SEV_ERROR},
	[C_FLAGS] = {"desc_flags", "desc_flags", LG_SEV_ERROR},
	[C_OUT_AFTER_IN] = {"desc_out_after_in", "desc_out_after_in", LG_SEV_ERROR},
	[C_ZERO_LEN] = {"desc_zero_len", "desc_zero_len", LG_SEV_WARNING},
	[C_LEN_OVERFLOW] = {"chain_len_overflow", "chain_len_overflow", LG_SEV_ERROR},
	[C_IND_LEN] = {"ind_len", "ind_len", LG_SEV_ERROR},
	[C_IND_NESTED] = {"ind_nested", "ind_nested", LG_SEV_ERROR},
	[C_IND_WITH_NEXT] = {"ind_with_next", "ind_with_next", LG_SEV_WARNING},
	[C_IND_NOT_NEG] = {"ind_not_negotiated", "ind_not_negotiated", LG_SEV_ERROR},
	[C_IND_TOO_LONG] = {"ind_too_long", "ind_too_long", LG_SEV_ERROR},
	[C_BUF_IN_RAM] = {"buf_in_ram", "buf_in_ram", LG_SEV_ERROR},
	[C_BUF_32BIT] = {"buf_32bit", "buf_32bit", LG_SEV_ERROR},
	[C_INTO_RINGS_W] = {"buf_into_rings", "buf_into_rings", LG_SEV_ERROR},
	[C_INTO_RINGS_R] = {"buf_into_rings_readable", "buf_into_rings", LG_SEV_WARNING},
	[C_INTO_TABLE] = {"buf_into_rings_table", "buf_into_rings", LG_SEV_ERROR},
	[C_USED_ID] = {"used_id_range", "used_id_range", LG_SEV_ERROR},
	[C_USED_LEN] = {"used_len", "used_len", LG_SEV_WARNING},
	[C_EVENT_IDX] = {"event_idx_window", "event_idx_window", LG_SEV_WARNING},
};

static void set_flags(uint8_t *d, uint16_t set, uint16_t clear)
{
	lg_put16(d + 12, (uint16_t)((lg_le16(d + 12) | set) & ~clear));
}

/* Apply case k to a fresh simulation; write the expected path and options. */
static int mangle(struct sim *s, int k, char *path, size_t plen, uint64_t *pfn_limit)
{
	const struct sim_marks *mk = &s->mk;
	struct sim_vq *q = &s->vq[0];
	uint64_t av = sim_avail(s, 0), us = sim_used(s, 0);
	uint16_t slot_a = q->used_idx % q->num, slot_b = (uint16_t)(q->used_idx + 1) % q->num;
	uint16_t newest = (uint16_t)(q->used_idx - 1) % q->num;
	uint64_t page = s->page_addr;
	*pfn_limit = 0;
	path[0] = 0;
#define P(...) snprintf(path, plen, __VA_ARGS__)
	switch (k) {
	case C_CLEAN:
		break;
	case C_IDX_WINDOW:
		lg_put16(sim_at(s, av + 2), (uint16_t)(q->used_idx + q->num + 1));
		P("device[0].vq[0].avail.idx");
		break;
	case C_AVAIL_FLAGS:
		lg_put16(sim_at(s, av), 2);
		P("device[0].vq[0].avail.flags");
		break;
	case C_USED_FLAGS:
		lg_put16(sim_at(s, us), 4);
		P("device[0].vq[0].used.flags");
		break;
	case C_HEAD_RANGE:
		lg_put16(sim_at(s, av + 4 + 2u * slot_a), (uint16_t)(q->num + 3));
		P("device[0].vq[0].avail.ring[%u]", slot_a);
		break;
	case C_HEAD_DISTINCT:
		lg_put16(sim_at(s, av + 4 + 2u * slot_b), mk->a);
		P("device[0].vq[0].avail.ring[%u]", slot_b);
		break;
	case C_CHAIN_DISJOINT:
		set_flags(sim_desc(s, 0, mk->b_last), LG_VRING_DESC_F_NEXT, 0);
		lg_put16(sim_desc(s, 0, mk->b_last) + 14, mk->a_last);
		P("device[0].vq[0].desc[%u]", mk->a_last);
		break;
	case C_NEXT_RANGE:
		set_flags(sim_desc(s, 0, mk->a_last), LG_VRING_DESC_F_NEXT, 0);
		lg_put16(sim_desc(s, 0, mk->a_last) + 14, (uint16_t)(q->num + 5));
		P("device[0].vq[0].desc[%u].next", mk->a_last);
		break;
	case C_LOOP:
		set_flags(sim_desc(s, 0, mk->a_last), LG_VRING_DESC_F_NEXT, 0);
		lg_put16(sim_desc(s, 0, mk->a_last) + 14, mk->a);
		P("device[0].vq[0].desc[%u].next", mk->a_last);
		break;
	case C_LOOP_IND: {
		/* C's table: out, in, in; the last entry points back to entry 1. */
		uint8_t *e = sim_at(s, sim_table(s, 0, mk->c) + 32);
		set_flags(e, LG_VRING_DESC_F_NEXT, 0);
		lg_put16(e + 14, 1);
		P("device[0].vq[0].desc[%u].indirect[2].next", mk->c);
		break;
	}
	case C_FLAGS:
		set_flags(sim_desc(s, 0, mk->a), 0x10, 0);
		P("device[0].vq[0].desc[%u].flags", mk->a);
		break;
	case C_OUT_AFTER_IN:
		set_flags(sim_desc(s, 0, mk->b_last), 0, LG_VRING_DESC_F_WRITE);
		P("device[0].vq[0].desc[%u].flags", mk->b_last);
		break;
	case C_ZERO_LEN:
		lg_put32(sim_desc(s, 0, mk->a) + 8, 0);
		P("device[0].vq[0].desc[%u].len", mk->a);
		break;
	case C_LEN_OVERFLOW:
		/* (page at 3 GiB) two buffers of 2 GiB each in RAM, ending at the page. */
		lg_put64(sim_desc(s, 0, mk->a), 0x40000000);
		lg_put32(sim_desc(s, 0, mk->a) + 8, 0x80000000u);
		lg_put64(sim_desc(s, 0, mk->a_last), 0x40000000);
		lg_put32(sim_desc(s, 0, mk->a_last) + 8, 0x80000000u);
		P("device[0].vq[0].desc[%u].len", mk->a_last);
		break;
	case C_IND_LEN:
		lg_put32(sim_desc(s, 0, mk->c) + 8, 24);
		P("device[0].vq[0].desc[%u].len", mk->c);
		break;
	case C_IND_NESTED:
		set_flags(sim_at(s, sim_table(s, 0, mk->c) + 16), LG_VRING_DESC_F_INDIRECT, 0);
		P("device[0].vq[0].desc[%u].indirect[1].flags", mk->c);
		break;
	case C_IND_WITH_NEXT: {
		uint8_t *f = sim_desc(s, 0, mk->free_desc);
		lg_put64(f, 0x70000);
		lg_put32(f + 8, 64);
		lg_put16(f + 12, LG_VRING_DESC_F_WRITE);
		set_flags(sim_desc(s, 0, mk->c), LG_VRING_DESC_F_NEXT, 0);
		lg_put16(sim_desc(s, 0, mk->c) + 14, mk->free_desc);
		P("device[0].vq[0].desc[%u].flags", mk->c);
		break;
	}
	case C_IND_NOT_NEG:
		s->m[page + sim_guest_features_off(0) + 3] &= (uint8_t)~0x10;
		P("device[0].vq[0].desc[%u].flags", mk->c);
		break;
	case C_IND_TOO_LONG:
		lg_put32(sim_desc(s, 0, mk->c) + 8, 16u * (q->num + 1u));
		P("device[0].vq[0].desc[%u].len", mk->c);
		break;
	case C_BUF_IN_RAM:
		lg_put64(sim_desc(s, 0, mk->a), 0x10000000);
		P("device[0].vq[0].desc[%u].addr", mk->a);
		break;
	case C_BUF_32BIT:
		/* The device area (pfn limit 0x110000) reaches past 4 GiB: in guest memory. */
		*pfn_limit = 0x110000;
		lg_put64(sim_desc(s, 0, mk->a), 0x100000000ull);
		P("device[0].vq[0].desc[%u].addr", mk->a);
		break;
	case C_INTO_RINGS_W:
		lg_put64(sim_desc(s, 0, mk->a_last), s->vq[1].ring + 0x100);
		P("device[0].vq[0].desc[%u].addr", mk->a_last);
		break;
	case C_INTO_RINGS_R:
		lg_put64(sim_desc(s, 0, mk->a), page + 0x40);
		P("device[0].vq[0].desc[%u].addr", mk->a);
		break;
	case C_INTO_TABLE:
		/* A device-writable buffer over C's indirect table. */
		lg_put64(sim_desc(s, 0, mk->a_last), sim_table(s, 0, mk->c) + 8);
		P("device[0].vq[0].desc[%u].addr", mk->a_last);
		break;
	case C_USED_ID:
		lg_put32(sim_at(s, us + 4 + 8u * newest), q->num + 7u);
		P("device[0].vq[0].used.ring[%u].id", newest);
		break;
	case C_USED_LEN:
		lg_put32(sim_at(s, us + 4 + 8u * newest + 4), 0x100000);
		P("device[0].vq[0].used.ring[%u].len", newest);
		break;
	case C_EVENT_IDX:
		lg_put16(sim_at(s, av + 4 + 2u * q->num), (uint16_t)(q->used_idx + 0x8000));
		P("device[0].vq[0].avail.used_event");
		break;
	}
#undef P
	return 0;
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : NULL;
	FILE *man = NULL;
	if (dir) {
		char p[4096];
		snprintf(p, sizeof p, "%s/manifest", dir);
		man = fopen(p, "w");
		if (!man) {
			perror(p);
			return 2;
		}
	}
	for (int k = 0; k < C_COUNT; k++) {
		const struct tcase *tc = &cases[k];
		struct sim s;
		char path[64];
		uint64_t pfn_limit;
		uint64_t page = k == C_LEN_OVERFLOW ? 0xC0000000ull : PAGE;
		if (sim_build(&s, page, 42) < 0) {
			fprintf(stderr, "cannot map %#llx bytes\n", (unsigned long long)page);
			return 2;
		}
		mangle(&s, k, path, sizeof path, &pfn_limit);
		struct got g;
		fprintf(stderr, "case %s:\n", tc->name);
		int rc = run_checks(&s, pfn_limit, &g);
		EXPECT(rc == 0, "%s: checking returned %d", tc->name, rc);
		if (!tc->check) {
			EXPECT(g.n == 0, "%s: %u findings on the clean rings", tc->name, g.n);
		} else {
			EXPECT(g.n == 1, "%s: %u findings, expected exactly one", tc->name, g.n);
			EXPECT(g.n >= 1 && strcmp(g.names[0], tc->check) == 0,
			       "%s: fired %s, expected %s", tc->name, g.n ? g.names[0] : "nothing",
			       tc->check);
			EXPECT(g.n >= 1 && strcmp(g.paths[0], path) == 0, "%s: path %s, expected %s",
			       tc->name, g.n ? g.paths[0] : "-", path);
			EXPECT(g.n >= 1 && g.sev[0] == tc->sev, "%s: severity %s, expected %s",
			       tc->name, g.n ? lg_severity_name(g.sev[0]) : "-",
			       lg_severity_name(tc->sev));
		}
		if (man) {
			char f[4096];
			snprintf(f, sizeof f, "%s/%s.bin", dir, tc->name);
			EXPECT(sim_write_raw(&s, f) == 0, "cannot write %s", f);
			fprintf(man, "%s %s %s %d", tc->name, tc->check ? tc->check : "-",
				tc->check ? path : "-", tc->sev == LG_SEV_ERROR ? 1 : 0);
			if (pfn_limit)
				fprintf(man, " --pfn-limit %#llx", (unsigned long long)pfn_limit);
			fprintf(man, "\n");
		}
		sim_free(&s);
	}

	/* The public walker on the clean rings: the outstanding chains and their sizes. */
	struct sim s;
	if (sim_build(&s, PAGE, 42) == 0) {
		struct lg_image *img;
		struct lg_ring_state rs;
		struct lg_chain ch[16];
		struct lg_walk_opts o = {.indirect_ok = true, .mem_end = PAGE, .area_start = PAGE,
					 .area_end = PAGE + 5 * 4096};
		EXPECT(lg_image_from_memory(s.m, s.size, 0, &img) == 0, "image");
		EXPECT(lg_ring_read(img, 16, (uint32_t)((PAGE >> 12) + 1), &rs, NULL) == 0, "ring_read");
		EXPECT(rs.pending == 4, "pending %u, expected 4", rs.pending);
		EXPECT(rs.avail_idx < 100 && rs.used_idx < 100, "indices %u/%u did not wrap",
		       rs.avail_idx, rs.used_idx);
		int n = lg_ring_outstanding(img, &rs, &o, ch, 16, NULL);
		EXPECT(n == 4, "outstanding %d", n);
		EXPECT(n == 4 && ch[0].head == s.mk.a && ch[0].nbufs == 2 && ch[0].fault < 0,
		       "chain A");
		EXPECT(n == 4 && ch[1].head == s.mk.b && ch[1].nbufs == 3 && ch[1].fault < 0,
		       "chain B");
		EXPECT(n == 4 && ch[2].head == s.mk.c && ch[2].indirect && ch[2].nbufs == 3 &&
			       ch[2].fault < 0,
		       "chain C");
		EXPECT(n == 4 && ch[3].nbufs == 1 && ch[3].in_bytes >= 64 && ch[3].out_bytes == 0,
		       "chain D");
		struct lg_chain one;
		EXPECT(lg_chain_walk(img, &rs, s.mk.c, &o, NULL, NULL, &one, NULL) == 0, "walk C");
		o.indirect_ok = false;
		EXPECT(lg_chain_walk(img, &rs, s.mk.c, &o, NULL, NULL, &one, NULL) == LG_ERR_RING &&
			       one.fault == LG_CHK_IND_NOT_NEGOTIATED,
		       "walk C without INDIRECT: fault %d", one.fault);
		EXPECT(lg_chain_walk(img, &rs, 16, &o, NULL, NULL, &one, NULL) == LG_ERR_PARAM, "head 16");
		/* The callback may stop the walk: no error, one buffer delivered. */
		o.indirect_ok = true;
		EXPECT(lg_chain_walk(img, &rs, s.mk.b, &o, stop_first, NULL, &one, NULL) == 0 &&
			       one.nbufs == 1,
		       "stopped walk: %u buffers", one.nbufs);
		/* Buffers outside guest memory stop the walk with buf_in_ram. */
		struct lg_walk_opts tight = {.indirect_ok = true, .mem_end = 0x1000, .area_start = PAGE,
					     .area_end = PAGE + 5 * 4096};
		EXPECT(lg_chain_walk(img, &rs, s.mk.a, &tight, NULL, NULL, &one, NULL) == LG_ERR_RING &&
			       one.fault == LG_CHK_BUF_IN_RAM,
		       "tight memory: fault %d", one.fault);
		lg_image_close(img);
		/* Only the device area in the image: the ring reads, the indirect table does not. */
		EXPECT(lg_image_from_memory(s.m + PAGE, 5 * 4096, PAGE, &img) == 0, "area image");
		EXPECT(lg_ring_read(img, 16, (uint32_t)((PAGE >> 12) + 1), &rs, NULL) == 0, "area ring");
		EXPECT(lg_chain_walk(img, &rs, s.mk.c, &o, NULL, NULL, &one, NULL) == LG_ERR_NOT_IN_IMAGE,
		       "table outside the image");
		EXPECT(lg_ring_read(img, 16, (uint32_t)((PAGE >> 12) + 4), &rs, NULL) == LG_ERR_NOT_IN_IMAGE,
		       "ring past the image");
		EXPECT(lg_ring_read(img, 12, (uint32_t)((PAGE >> 12) + 1), &rs, NULL) == LG_ERR_PARAM,
		       "num 12");
		/* A window wider than num: the chains are not listed. */
		EXPECT(lg_ring_read(img, 16, (uint32_t)((PAGE >> 12) + 1), &rs, NULL) == 0, "ring");
		rs.pending = 17;
		EXPECT(lg_ring_outstanding(img, &rs, &o, ch, 16, NULL) == LG_ERR_RING, "idx_window");
		lg_image_close(img);
		sim_free(&s);
	}
	/* The listing records a repeated head and a shared descriptor in the entry of the
	 * later chain, as lg_check_layout reports them (head_distinct, chain_disjoint). */
	for (int k = C_HEAD_DISTINCT; k <= C_CHAIN_DISJOINT; k++) {
		char path[64];
		uint64_t pfn_limit;
		if (sim_build(&s, PAGE, 42) < 0)
			continue;
		mangle(&s, k, path, sizeof path, &pfn_limit);
		struct lg_image *img;
		struct lg_ring_state rs;
		struct lg_chain ch[16];
		struct lg_walk_opts o = {.indirect_ok = true, .mem_end = PAGE, .area_start = PAGE,
					 .area_end = PAGE + 5 * 4096};
		EXPECT(lg_image_from_memory(s.m, s.size, 0, &img) == 0, "image");
		EXPECT(lg_ring_read(img, 16, (uint32_t)((PAGE >> 12) + 1), &rs, NULL) == 0, "ring_read");
		int n = lg_ring_outstanding(img, &rs, &o, ch, 16, NULL);
		int want = k == C_HEAD_DISTINCT ? LG_CHK_HEAD_DISTINCT : LG_CHK_CHAIN_DISJOINT;
		EXPECT(n == 4 && ch[0].fault < 0 && ch[1].fault == want,
		       "%s: listing faults %d, %d, expected -1, %d", cases[k].name,
		       n == 4 ? ch[0].fault : -9, n == 4 ? ch[1].fault : -9, want);
		lg_image_close(img);
		sim_free(&s);
	}
	/* The device side (lglaunch): lg_ring_take applies idx_window and head_range to the
	 * device's own count, and a device-side walk stops at a writable buffer over the device
	 * area (buf_into_rings), which a walk without device_side accepts. */
	if (sim_build(&s, PAGE, 42) == 0) {
		struct lg_image *img;
		struct lg_ring_state rs;
		struct lg_chain f;
		uint16_t head = 0xffff, want;
		EXPECT(lg_image_from_memory(s.m, s.size, 0, &img) == 0, "image");
		EXPECT(lg_ring_read(img, 16, (uint32_t)((PAGE >> 12) + 1), &rs, NULL) == 0, "ring_read");
		EXPECT(lg_ring_avail_head(img, &rs, rs.used_idx, &want, NULL) == 0, "avail_head");
		EXPECT(lg_ring_take(img, &rs, rs.used_idx, &head, &f, NULL) == 1 && head == want,
		       "take: head %u, expected %u", head, want);
		EXPECT(lg_ring_take(img, &rs, rs.avail_idx, &head, &f, NULL) == 0, "take: nothing left");
		struct lg_error why = {0};
		int rc = lg_ring_take(img, &rs, (uint16_t)(rs.avail_idx - 17), &head, &f, &why);
		EXPECT(rc == LG_ERR_RING && f.fault == LG_CHK_IDX_WINDOW &&
			       f.fault_addr == rs.geom.avail + 2 && why.code == LG_ERR_RING &&
			       strstr(why.msg, "= 17 outstanding entries, more than num 16"),
		       "take 17 behind: rc %d fault %d: %s", rc, f.fault, why.msg);
		uint16_t slot = rs.used_idx % 16;
		lg_put16(s.m + rs.geom.avail + 4 + 2 * slot, 99);
		rc = lg_ring_take(img, &rs, rs.used_idx, &head, &f, &why);
		char want_msg[64];
		snprintf(want_msg, sizeof want_msg, "avail.ring[%u] is 99, not below num 16", slot);
		EXPECT(rc == LG_ERR_RING && f.fault == LG_CHK_HEAD_RANGE &&
			       f.fault_addr == rs.geom.avail + 4 + 2ull * slot &&
			       strcmp(why.msg, want_msg) == 0,
		       "take a head of 99: rc %d fault %d: %s", rc, f.fault, why.msg);
		lg_put16(s.m + rs.geom.avail + 4 + 2 * slot, want);
		uint8_t *d = s.m + rs.geom.desc + 16ull * want;
		lg_put64(d, PAGE + 16); /* on the descriptor page */
		lg_put32(d + 8, 16);
		lg_put16(d + 12, LG_VRING_DESC_F_WRITE);
		struct lg_walk_opts o = {.mem_end = PAGE, .area_start = PAGE,
					 .area_end = PAGE + 5 * 4096};
		struct lg_chain ch;
		EXPECT(lg_chain_walk(img, &rs, want, &o, NULL, NULL, &ch, NULL) == 0,
		       "a dump's walk accepts the buffer (lgcheck reports it separately)");
		o.device_side = true;
		rc = lg_chain_walk(img, &rs, want, &o, NULL, NULL, &ch, NULL);
		EXPECT(rc == LG_ERR_RING && ch.fault == LG_CHK_BUF_INTO_RINGS &&
			       ch.fault_addr == rs.geom.desc + 16ull * want,
		       "device-side walk: rc %d fault %d", rc, ch.fault);
		lg_image_close(img);
		sim_free(&s);
	}
	walk_alone(256);
	walk_alone(1024);
	if (man)
		fclose(man);
	return t_done("test_ring_corpus");
}
