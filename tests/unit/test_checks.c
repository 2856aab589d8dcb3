/* SPDX-License-Identifier: MIT */
/* test_checks — every check of sections A and B fires, with its exact name and path,
 * on a page with one field mangled; and none of them fires on the good page.  Layouts
 * that are valid but that the real Launcher never made stay clean.  With a vectors
 * folder as argv[1], the same byte-level mangles run on a real Launcher page too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgkit/lgkit.h"
#include "pagebuilder.h"
#include "testutil.h"

struct seen {
	int n;
	unsigned rings_checked;
	struct {
		char name[32], path[64];
		enum lg_severity sev;
		char msg[256];
	} f[256];
};

static int sink(void *ctx, const struct lg_finding *f)
{
	struct seen *s = ctx;
	if (s->n < 256) {
		snprintf(s->f[s->n].name, sizeof s->f[0].name, "%s", f->name);
		snprintf(s->f[s->n].path, sizeof s->f[0].path, "%s", f->path);
		snprintf(s->f[s->n].msg, sizeof s->f[0].msg, "%s", f->msg);
		s->f[s->n].sev = f->severity;
		s->n++;
	}
	return 0;
}

/* A case: page bytes plus the facts lgcheck would have. */
struct cas {
	struct pb_page pb;
	uint8_t page[4096];
	size_t page_len;
	uint64_t pfn_limit;
	bool with_area; /* run over an image holding the page and every ring */
	bool own_walk;  /* the layout as a caller's own walk left it: no terminator found */
	void (*rings)(uint8_t *area); /* writes ring contents into the area (page at [0]) */
};

static struct lg_check_config *run_cfg; /* NULL: the defaults */

static void run(const struct cas *c, struct seen *s)
{
	struct lg_layout l;
	struct lg_image *img = NULL;
	uint8_t *area = NULL;
	memset(s, 0, sizeof *s);
	if (lg_decode_page(c->page, c->page_len, c->pb.mem, &l) < 0) {
		EXPECT(0, "decode failed");
		return;
	}
	l.pfn_limit = c->pfn_limit;
	if (c->own_walk)
		l.terminated = false;
	if (c->with_area) {
		size_t len = 4096 * 40;
		area = calloc(1, len);
		memcpy(area, c->page, c->page_len);
		if (c->rings)
			c->rings(area);
		EXPECT(lg_image_from_memory(area, len, c->pb.mem, &img) == 0, "image");
	}
	struct lg_check_stats st;
	EXPECT(lg_check_layout(&l, img, run_cfg, sink, s, &st, NULL) == 0, "check_layout");
	s->rings_checked = st.rings_checked;
	lg_image_close(img);
	free(area);
	lg_layout_free(&l);
}

static bool fired(const struct seen *s, const char *name, const char *path)
{
	for (int i = 0; i < s->n; i++)
		if (strcmp(s->f[i].name, name) == 0 && (!path || strcmp(s->f[i].path, path) == 0))
			return true;
	return false;
}

static void dump(const struct seen *s)
{
	for (int i = 0; i < s->n; i++)
		fprintf(stderr, "    got %s (%s) at %s: %s\n", s->f[i].name,
			lg_severity_name(s->f[i].sev), s->f[i].path, s->f[i].msg);
}

static void stock(struct cas *c)
{
	memset(c, 0, sizeof *c);
	pb_stock(&c->pb);
	c->page_len = 4096;
}

static void write_page(struct cas *c)
{
	pb_write(&c->pb, c->page);
}

/* Fill the page with console descriptors (21 + config bytes each) so that the next
 * descriptor starts at `at`; returns the index the next device gets. */
static int fill_to(struct cas *c, size_t at)
{
	size_t o = 0;
	int d = 0;
	c->pb.ndev = 0;
	while (o < at) {
		size_t left = at - o, cl = left - 21 > 255 ? 255 : left - 21;
		if (left - 21 > 255 && left - 21 - 255 < 21)
			cl = 200; /* leave room for one more descriptor */
		struct pb_dev *v = &c->pb.dev[d++];
		memset(v, 0, sizeof *v);
		v->type = 3, v->num_vq = 2, v->config_len = (uint8_t)cl;
		v->vq[0].num = v->vq[1].num = 256;
		o += 21 + cl;
	}
	c->pb.ndev = d;
	pb_allocate(&c->pb);
	return d;
}

typedef void (*mangle_fn)(struct cas *c);

/* ---- section A */
static void m_page_truncated(struct cas *c) { write_page(c); c->page_len = 4000; }
static void m_header(struct cas *c)
{
	fill_to(c, 4093);
	write_page(c);
	c->page[4093] = 3, c->page[4094] = 2, c->page[4095] = 0;
}
static void m_fits(struct cas *c)
{
	int d = fill_to(c, 4000);
	struct pb_dev *v = &c->pb.dev[d];
	memset(v, 0, sizeof *v);
	v->type = 3, v->num_vq = 2, v->config_len = 200;
	c->pb.ndev = d + 1;
	uint8_t big[8192];
	pb_allocate(&c->pb);
	/* pb_write would run past 4096: write into a bigger buffer, keep the page. */
	memset(big, 0, sizeof big);
	size_t o = 0;
	struct pb_page tmp = c->pb;
	tmp.ndev = d;
	o = pb_write(&tmp, big);
	big[o] = 3, big[o + 1] = 2, big[o + 3] = 200;
	memcpy(c->page, big, 4096);
}
/* A page without a terminator ends in a descriptor crossing the page end: that one is
 * desc_fits_page (page_terminated needs it to pass). */
static void m_unterminated(struct cas *c)
{
	fill_to(c, 4000);
	write_page(c);
	/* 96 bytes left: a descriptor with config_len 80 would end at 4101. */
	c->page[4000] = 3, c->page[4001] = 2, c->page[4003] = 80;
}
/* So page_terminated speaks for a layout a caller walked itself and found no
 * terminator in, though its last descriptor ends inside the page. */
static void m_own_walk(struct cas *c)
{
	write_page(c);
	c->own_walk = true;
}
static void m_tail(struct cas *c) { write_page(c); c->page[0x100] = 0x55; }
static void m_type(struct cas *c) { c->pb.dev[2].type = 0x77; write_page(c); }
static void m_num_vq(struct cas *c)
{
	c->pb.dev[2].num_vq = 2;
	c->pb.dev[2].vq[1].num = 256;
	pb_allocate(&c->pb);
	write_page(c);
}
static void m_config_len(struct cas *c) { c->pb.dev[1].config_len = 8; write_page(c); }
static void m_acked(struct cas *c) { c->pb.dev[1].guest[0] = 0x08; write_page(c); }
static void m_high(struct cas *c)
{
	c->pb.dev[0].feature_len = 5;
	c->pb.dev[0].host[4] = 0x01;
	write_page(c);
}
static void m_status_bits(struct cas *c) { c->pb.dev[0].status = 0x0f; write_page(c); }
static void m_status_order(struct cas *c) { c->pb.dev[3].status = 0x05; write_page(c); }
static void m_status_failed(struct cas *c) { c->pb.dev[3].status = 0x83; write_page(c); }
static void m_no_device(struct cas *c) { c->pb.ndev = 0; write_page(c); }
/* ---- section B */
static void m_num_zero(struct cas *c) { c->pb.dev[0].vq[1].num = 0; write_page(c); }
static void m_num_pow2(struct cas *c) { c->pb.dev[1].vq[0].num = 300; write_page(c); }
static void m_num_max(struct cas *c) { c->pb.dev[1].vq[0].num = 40000; write_page(c); }
static void m_irq_zero(struct cas *c) { c->pb.dev[2].vq[0].irq = 0; write_page(c); }
static void m_irq_range(struct cas *c) { c->pb.dev[2].vq[0].irq = 32; write_page(c); }
static void m_irq_unique(struct cas *c) { c->pb.dev[1].vq[0].irq = 1; write_page(c); }
static void m_pfn_zero(struct cas *c) { c->pb.dev[3].vq[0].pfn = 0; write_page(c); }
static void m_in_image(struct cas *c)
{
	c->with_area = true;
	c->pb.dev[3].vq[1].pfn = 0x4000 + 39; /* the area holds 40 pages: this ring sticks out */
	write_page(c);
}
static void m_below_4g(struct cas *c) { c->pb.dev[3].vq[1].pfn = 0xfffff; write_page(c); }
static void m_above_ram(struct cas *c) { c->pb.dev[0].vq[0].pfn = 0x3ff0; write_page(c); }
static void m_on_page(struct cas *c) { c->pb.dev[0].vq[0].pfn = 0x4000; write_page(c); }
static void m_pfnlimit(struct cas *c) { write_page(c); c->pfn_limit = 0x4013 - 1; }
static void m_overlap(struct cas *c) { c->pb.dev[1].vq[0].pfn = 0x4005; write_page(c); }
static void m_stock(struct cas *c)
{
	uint32_t t = c->pb.dev[0].vq[0].pfn;
	c->pb.dev[0].vq[0].pfn = c->pb.dev[0].vq[1].pfn;
	c->pb.dev[0].vq[1].pfn = t;
	write_page(c);
}

static const struct {
	const char *check, *path;
	mangle_fn fn;
} cases[] = {
	{"page_truncated", "page", m_page_truncated},
	{"desc_header_in_page", "device[15]", m_header},
	{"desc_fits_page", NULL, m_fits},
	{"desc_fits_page", "device[15]", m_unterminated},
	{"page_terminated", "page", m_own_walk},
	{"page_tail_zero", "page", m_tail},
	{"desc_type_known", "device[2].type", m_type},
	{"desc_num_vq", "device[2].num_vq", m_num_vq},
	{"desc_config_len", "device[1].config_len", m_config_len},
	{"feat_acked_subset", "device[1].guest_features", m_acked},
	{"feat_high_bits", "device[0].host_features", m_high},
	{"status_bits", "device[0].status", m_status_bits},
	{"status_order", "device[3].status", m_status_order},
	{"status_failed", "device[3].status", m_status_failed},
	{"page_no_device", "page", m_no_device},
	{"vq_num_zero", "device[0].vq[1].num", m_num_zero},
	{"vq_num_pow2", "device[1].vq[0].num", m_num_pow2},
	{"vq_num_max", "device[1].vq[0].num", m_num_max},
	{"vq_irq_zero", "device[2].vq[0].irq", m_irq_zero},
	{"vq_irq_range", "device[2].vq[0].irq", m_irq_range},
	{"vq_irq_unique", "device[1].vq[0].irq", m_irq_unique},
	{"vq_pfn_zero", "device[3].vq[0].pfn", m_pfn_zero},
	{"ring_in_image", "device[3].vq[1].pfn", m_in_image},
	{"ring_below_4g", "device[3].vq[1].pfn", m_below_4g},
	{"ring_above_ram", "device[0].vq[0].pfn", m_above_ram},
	{"ring_above_ram", "device[0].vq[0].pfn", m_on_page},
	{"ring_in_pfnlimit", "device[3].vq[1].pfn", m_pfnlimit},
	{"ring_overlap", "device[1].vq[0].pfn", m_overlap},
	{"ring_stock_order", "device[0].vq[0].pfn", m_stock},
};

#define NCASES (sizeof cases / sizeof cases[0])

static void test_good_is_clean(void)
{
	struct cas c;
	struct seen s;
	stock(&c);
	write_page(&c);
	c.pfn_limit = 0x4013;
	run(&c, &s);
	EXPECT(s.n == 0, "the stock page has %d findings", s.n);
	if (s.n)
		dump(&s);
	c.with_area = true;
	run(&c, &s);
	EXPECT(s.n == 0, "the stock page with its rings has %d findings", s.n);
	if (s.n)
		dump(&s);
}

/* A sink that stops the delivery at its first finding. */
static int sink_first(void *ctx, const struct lg_finding *f)
{
	int *n = ctx;
	(*n)++;
	EXPECT(f->name && f->msg[0] && f->path[0], "the first finding is whole");
	return 1;
}

/* Stopping the delivery, or giving no sink, changes what is delivered and nothing else:
 * the checks run to the end and count every finding (lg_sink_fn). */
static void test_sink_stop(void)
{
	struct cas c;
	struct seen s;
	stock(&c);
	c.pb.dev[0].status = 0x0f;     /* status_bits */
	c.pb.dev[0].vq[1].num = 0;     /* vq_num_zero */
	c.pb.dev[2].vq[0].irq = 32;    /* vq_irq_range */
	c.pb.dev[3].vq[0].pfn = 0;     /* vq_pfn_zero */
	write_page(&c);
	run(&c, &s);
	EXPECT(s.n == 4, "four findings, not %d", s.n);
	struct lg_layout l;
	EXPECT(lg_decode_page(c.page, c.page_len, c.pb.mem, &l) == 0, "decode");
	struct lg_check_stats all, first, none;
	int n = 0;
	EXPECT(lg_check_layout(&l, NULL, NULL, sink, &s, &all, NULL) == 0, "all");
	EXPECT(lg_check_layout(&l, NULL, NULL, sink_first, &n, &first, NULL) == 0, "first");
	EXPECT(lg_check_layout(&l, NULL, NULL, NULL, NULL, &none, NULL) == 0, "no sink");
	EXPECT(n == 1, "a sink that stops is called once, not %d times", n);
	EXPECT(all.errors == 4 && all.warnings == 0 && all.notes == 0, "%u errors", all.errors);
	EXPECT(memcmp(&all, &first, sizeof all) == 0, "stopping changes the counts");
	EXPECT(memcmp(&all, &none, sizeof all) == 0, "no sink changes the counts");
	lg_layout_free(&l);
}

static void test_mangles(void)
{
	for (size_t i = 0; i < NCASES; i++) {
		struct cas c;
		struct seen s;
		stock(&c);
		cases[i].fn(&c);
		run(&c, &s);
		EXPECT(fired(&s, cases[i].check, cases[i].path), "mangle #%zu: %s did not fire at %s",
		       i, cases[i].check, cases[i].path ? cases[i].path : "(any)");
		/* One mangle, one finding: the prerequisite edges silence the checks that
		 * would only repeat the first one's cause. */
		EXPECT(s.n == 1, "mangle #%zu (%s): %d findings, expected exactly one", i,
		       cases[i].check, s.n);
		if (!fired(&s, cases[i].check, cases[i].path) || s.n != 1)
			dump(&s);
	}
	/* Every A/B check has a case. */
	for (int id = 0; id < (int)lg_check_count(); id++) {
		const struct lg_check_info *ci = lg_check_info((enum lg_check_id)id);
		if (ci->section == 'C' || ci->section == 'D') /* D: test_eras, on real pages */
			continue;
		bool have = false;
		for (size_t i = 0; i < NCASES; i++)
			have |= strcmp(cases[i].check, ci->name) == 0;
		EXPECT(have, "no mangle case for %s", ci->name);
	}
}

/* Prerequisites: a bad num silences the ring placement checks of that queue. */
static void test_prereq(void)
{
	struct cas c;
	struct seen s;
	stock(&c);
	c.pb.dev[1].vq[0].num = 300;
	c.pb.dev[1].vq[0].pfn = 0x10; /* also inside RAM */
	write_page(&c);
	run(&c, &s);
	EXPECT(fired(&s, "vq_num_pow2", "device[1].vq[0].num"), "pow2");
	EXPECT(!fired(&s, "ring_above_ram", NULL), "ring_above_ram must not cascade");
	EXPECT(s.n == 1, "exactly one finding, got %d", s.n);
	/* With the rings in the image: the ring of that queue is not read, the other five are. */
	c.pb.dev[1].vq[0].pfn = 0x4005;
	write_page(&c);
	c.pb.dev[1].vq[0].pfn = 0x10;
	c.with_area = true;
	run(&c, &s);
	EXPECT(s.n == 1 && s.rings_checked == 5, "%d findings, %u rings read, expected 1 and 5",
	       s.n, s.rings_checked);
	if (s.n != 1)
		dump(&s);
	/* A check turned off still counts as failed: its dependents stay silent. */
	run_cfg = lg_check_config_new();
	EXPECT(run_cfg && lg_check_config_set(run_cfg, LG_CHK_VQ_NUM_POW2, LG_SEV_OFF) == 0,
	       "turn vq_num_pow2 off");
	c.with_area = false;
	c.pb.dev[1].vq[0].pfn = 0x10;
	write_page(&c);
	run(&c, &s);
	EXPECT(s.n == 0, "vq_num_pow2 off: %d findings, expected none", s.n);
	if (s.n)
		dump(&s);
	lg_check_config_free(run_cfg);
	run_cfg = NULL;
	/* num 40000 is vq_num_max only, not also vq_num_pow2. */
	stock(&c);
	c.pb.dev[1].vq[0].num = 40000;
	write_page(&c);
	run(&c, &s);
	EXPECT(fired(&s, "vq_num_max", NULL) && !fired(&s, "vq_num_pow2", NULL), "max only");
	/* A header cut by the page end: num_vq (beyond the page) is not known, so
	 * desc_num_vq must not judge the 0 the decoder filled in. */
	stock(&c);
	fill_to(&c, 4095);
	write_page(&c);
	c.page[4095] = 2; /* block: would need num_vq 1 */
	run(&c, &s);
	EXPECT(fired(&s, "desc_header_in_page", NULL), "header crossing the page end");
	EXPECT(!fired(&s, "desc_num_vq", NULL), "desc_num_vq must not judge a num_vq past the page");
	if (fired(&s, "desc_num_vq", NULL))
		dump(&s);
}

/* Valid layouts the real Launcher never made. */
static void test_valid_unusual(void)
{
	struct cas c;
	struct seen s;

	stock(&c); /* num 128 rings: 2 pages each, still bump-allocated */
	for (int d = 0; d < c.pb.ndev; d++)
		for (int q = 0; q < c.pb.dev[d].num_vq; q++)
			c.pb.dev[d].vq[q].num = 128;
	pb_allocate(&c.pb);
	write_page(&c);
	c.with_area = true;
	run(&c, &s);
	EXPECT(s.n == 0, "num 128 layout: %d findings", s.n);
	if (s.n)
		dump(&s);

	stock(&c); /* 6-byte net config (2.6.25-era headers) */
	c.pb.dev[0].config_len = 6;
	write_page(&c);
	run(&c, &s);
	EXPECT(s.n == 0, "6-byte net config: %d findings", s.n);

	stock(&c); /* irqs not in creation order */
	c.pb.dev[0].vq[0].irq = 6, c.pb.dev[3].vq[1].irq = 1;
	c.pb.dev[1].vq[0].irq = 4, c.pb.dev[2].vq[0].irq = 3;
	write_page(&c);
	run(&c, &s);
	EXPECT(s.n == 0, "permuted irqs: %d findings", s.n);

	stock(&c); /* a pfn limit past the 64-bit address space (an lgkit note may say so) */
	write_page(&c);
	c.pfn_limit = 1ull << 52;
	run(&c, &s);
	EXPECT(!fired(&s, "ring_in_pfnlimit", NULL), "pfn limit 2^52 must not wrap to 0");
	if (s.n)
		dump(&s);

	stock(&c); /* a running guest: status 7, acked a subset of offered */
	for (int d = 0; d < c.pb.ndev; d++)
		c.pb.dev[d].status = 7;
	c.pb.dev[0].guest[0] = 0x20; /* MAC */
	c.pb.dev[1].guest[1] = 0x02; /* FLUSH */
	write_page(&c);
	run(&c, &s);
	EXPECT(s.n == 0, "status 7, acked subset: %d findings", s.n);
	if (s.n)
		dump(&s);

	stock(&c); /* a page exactly full has no terminator and needs none */
	fill_to(&c, 4096);
	write_page(&c);
	struct lg_layout l;
	lg_decode_page(c.page, 4096, c.pb.mem, &l);
	EXPECT(!l.terminated && l.end == 4096, "full page walk ends at 4096");
	lg_layout_free(&l);
	run(&c, &s);
	EXPECT(!fired(&s, "page_terminated", NULL) && !fired(&s, "desc_fits_page", NULL),
	       "exactly full page is terminated by its end");
}

/* One outstanding chain on the console's transmit ring (pfn 0x4010) whose writable
 * buffer sits in the last ring page's tail, past the ring's bytes: inside the device
 * area the Launcher allocated (whole pages), so neither buf_in_ram nor buf_into_rings. */
static void tail_buffer(uint8_t *area)
{
	uint8_t *desc = area + 0x10000, *avail = area + 0x11000;
	lg_put64(desc, 0x4012900);
	lg_put32(desc + 8, 0x100);
	lg_put16(desc + 12, LG_VRING_DESC_F_WRITE);
	lg_put16(avail + 2, 1); /* avail.idx 1, ring[0] = head 0 */
}

static void test_area_tail(void)
{
	struct cas c;
	struct seen s;
	stock(&c);
	write_page(&c);
	c.with_area = true;
	c.rings = tail_buffer;
	run(&c, &s);
	EXPECT(s.n == 0, "a buffer in the last ring page's tail: %d findings", s.n);
	if (s.n)
		dump(&s);
}

/* The same byte-level mangles on a real Launcher page. */
static void test_real(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/lguest-3.19.8-e-net-block-rng-64M.descpage.bin", dir);
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("real vectors not found at %s: real-page mangles skipped\n", dir);
		return;
	}
	uint8_t real[4096];
	size_t got = fread(real, 1, sizeof real, f);
	fclose(f);
	EXPECT(got == 4096, "read %zu bytes", got);
	struct {
		const char *check, *path;
		size_t off;
		uint32_t val;
		int width; /* bytes written little-endian; 0 means 1 */
	} bm[] = {
		{"page_tail_zero", "page", 0x200, 1, 1},
		{"desc_type_known", "device[2].type", 0x48, 0x66, 1},
		{"status_bits", "device[1].status", 0x27 + 4, 0x10, 1},
		{"status_order", "device[0].status", 4, 0x03 & 0x02, 1},
		{"status_failed", "device[3].status", 0x55 + 4, 0x81, 1},
		{"feat_acked_subset", "device[1].guest_features", 0x27 + 5 + 8 + 2, 0x01, 1},
		{"vq_num_zero", "device[0].vq[0].num", 5 + 1, 0x00, 1},
		{"vq_num_pow2", "device[2].vq[0].num", 0x48 + 5, 0x07, 1},
		{"vq_irq_zero", "device[3].vq[1].irq", 0x55 + 5 + 8 + 2, 0, 1},
		{"vq_irq_range", "device[3].vq[1].irq", 0x55 + 5 + 8 + 2, 40, 1},
		{"vq_irq_unique", "device[3].vq[1].irq", 0x55 + 5 + 8 + 2, 1, 1},
		{"ring_above_ram", "device[1].vq[0].pfn", 0x27 + 5 + 5, 0x30, 1},
		{"ring_overlap", "device[1].vq[0].pfn", 0x27 + 5 + 4, 0x05, 1},
		{"desc_num_vq", "device[2].num_vq", 0x48 + 1, 2, 1},
		{"desc_config_len", "device[1].config_len", 0x27 + 3, 8, 1},
		{"vq_num_max", "device[0].vq[1].num", 13, 0x9000, 2},
		{"vq_pfn_zero", "device[2].vq[0].pfn", 0x48 + 5 + 4, 0, 4},
		{"ring_below_4g", "device[3].vq[0].pfn", 0x55 + 5 + 4, 0xff00400d, 4},
		{"ring_stock_order", "device[0].vq[0].pfn", 9, 0x4004, 4},
	};
	struct cas c;
	struct seen s;
	memset(&c, 0, sizeof c);
	c.pb.mem = 64u << 20;
	c.page_len = 4096;
	memcpy(c.page, real, 4096);
	run(&c, &s);
	EXPECT(s.n == 0, "real page clean: %d findings", s.n);
	for (size_t i = 0; i < sizeof bm / sizeof bm[0]; i++) {
		memcpy(c.page, real, 4096);
		for (int b = 0; b < (bm[i].width ? bm[i].width : 1); b++)
			c.page[bm[i].off + (size_t)b] = (uint8_t)(bm[i].val >> (8 * b));
		run(&c, &s);
		EXPECT(fired(&s, bm[i].check, bm[i].path), "real mangle %s at %s", bm[i].check,
		       bm[i].path);
		if (!fired(&s, bm[i].check, bm[i].path))
			dump(&s);
	}
	/* Whole-page facts: truncation, the pfn limit, a ring outside the device area. */
	memcpy(c.page, real, 4096);
	c.page_len = 3000;
	run(&c, &s);
	EXPECT(fired(&s, "page_truncated", "page"), "real page truncated");
	c.page_len = 4096;
	c.pfn_limit = 0x4012;
	run(&c, &s);
	EXPECT(fired(&s, "ring_in_pfnlimit", "device[3].vq[1].pfn") && s.n == 1, "real pfn limit");
	c.pfn_limit = 0x4013;
	c.with_area = true;
	c.page[0x55 + 5 + 8 + 5] = 0x50; /* console vq[1] pfn 0x5010: outside the 40-page area */
	run(&c, &s);
	EXPECT(fired(&s, "ring_in_image", "device[3].vq[1].pfn"), "real ring outside the area");
}

int main(int argc, char **argv)
{
	test_good_is_clean();
	test_mangles();
	test_sink_stop();
	test_prereq();
	test_valid_unusual();
	test_area_tail();
	if (argc > 1)
		test_real(argv[1]);
	return t_done("test_checks");
}
