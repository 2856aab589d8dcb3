/* SPDX-License-Identifier: MIT */
/* test_eras — the eras before E2 on the real Launchers' bytes.
 *  1. lg_era_detect() names the era of every page of both vector folders (2.6.23 E0,
 *     2.6.24 E1, 2.6.25/2.6.26 back-ports and 3.x E2).
 *  2. Every section-D check, and the E2 checks that carry over, fire with their exact
 *     name and path on a real E0 or E1 device area with one field mangled, and the set of
 *     findings is exactly the expected one; the unmangled areas give none.
 * usage: test_eras VECTORS_26_DIR VECTORS_3X_DIR   (exit 77 when the first is absent) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lgkit/lgkit.h"
#include "testutil.h"

static const char *dir26;

static size_t load(const char *dir, const char *name, uint8_t *buf, size_t cap)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	FILE *f = fopen(path, "rb");
	size_t n = f ? fread(buf, 1, cap, f) : 0;
	if (f)
		fclose(f);
	EXPECT(n > 0, "cannot read %s", path);
	return n;
}

static void test_detect(const char *dir, bool historical)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int pages = 0;
	EXPECT(d != NULL, "cannot open %s", dir);
	if (!d)
		return;
	static uint8_t buf[4096];
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".descpage.bin"))
			continue;
		size_t n = load(dir, e->d_name, buf, sizeof buf);
		enum lg_era want = !historical ? LG_ERA_E2
				   : strstr(e->d_name, "-2.6.23-") ? LG_ERA_E0
				   : strstr(e->d_name, "-2.6.24-") ? LG_ERA_E1
								     : LG_ERA_E2;
		enum lg_era got = lg_era_detect(buf, n);
		EXPECT(got == want, "%s: era %s, expected %s", e->d_name, lg_era_name(got),
		       lg_era_name(want));
		pages++;
	}
	closedir(d);
	EXPECT(pages == (historical ? 51 : 22), "%s: %d pages", dir, pages);
}

struct seen {
	int n;
	char names[1024];
	char paths[32][64];
	char fnames[32][32];
};

static int sink(void *ctx, const struct lg_finding *f)
{
	struct seen *s = ctx;
	if (s->n < 32) {
		snprintf(s->fnames[s->n], sizeof s->fnames[0], "%s", f->name);
		snprintf(s->paths[s->n], sizeof s->paths[0], "%s", f->path);
	}
	size_t len = strlen(s->names);
	snprintf(s->names + len, sizeof s->names - len, "%s%s@%s", len ? " " : "", f->name, f->path);
	s->n++;
	return 0;
}

/* A real area (page at mem), mangled by one callback, checked as lgcheck would. */
struct area {
	const char *file;
	uint64_t mem, pfn_limit;
	enum lg_era era;
};

static const struct area E0 = {"lguest-2.6.23-t-net-sharenet-block16M-32M.devmem.bin", 0x2000000,
			       0x2004, LG_ERA_E0};
static const struct area E1 = {"lguest-2.6.24-e-net-block16M-64M.devmem.bin", 0x4000000, 0x400b,
			       LG_ERA_E1};

static uint8_t areabuf[64 * 4096];

/* Decode (era AUTO unless forced) and check; returns the era decoded. */
static enum lg_era run(const struct area *a, size_t len, enum lg_era era, struct seen *s)
{
	struct lg_image *img = NULL;
	struct lg_layout l;
	memset(s, 0, sizeof *s);
	EXPECT(lg_image_from_memory(areabuf, len, a->mem, &img) == 0, "image");
	EXPECT(lg_decode_image_era(img, a->mem, era, &l, NULL) == 0, "decode");
	l.pfn_limit = a->pfn_limit;
	struct lg_check_config *cfg = lg_check_config_new();
	lg_check_config_set_image_has_area(cfg, true);
	struct lg_check_stats st;
	EXPECT(cfg && lg_check_layout(&l, img, cfg, sink, s, &st, NULL) == 0, "check");
	lg_check_config_free(cfg);
	enum lg_era got = l.era;
	lg_layout_free(&l);
	lg_image_close(img);
	return got;
}

struct mangle {
	const struct area *a;
	size_t off; /* byte of the area */
	uint8_t val;
	enum lg_era force; /* LG_ERA_AUTO: the rule must still find the era */
	uint64_t pfn_limit; /* 0: the area's own */
	const char *want;   /* exactly these findings, "name@path" in report order */
};

static const struct mangle mangles[] = {
	/* E0: slot i at 12*i; type @0, features @2, status @4, num_pages @6, pfn @8. */
	{&E0, 12, 7, LG_ERA_E0, 0, "e0_slot_type@device[1].type"},
	{&E0, 300, 1, LG_ERA_E0, 0, "e0_slot_zero@page"},
	{&E0, 5 * 12 + 3, 1, LG_ERA_E0, 0, "e0_slot_zero@slot[5]"},
	{&E0, 4, 0x20, LG_ERA_AUTO, 0, "e0_status_bits@device[0].status"},
	{&E0, 5, 0x01, LG_ERA_AUTO, 0, "e0_status_bits@device[0].status"},
	{&E0, 36 + 8, 0x05, LG_ERA_AUTO, 0, "e0_pfn_no_pages@device[3].pfn"},
	{&E0, 24 + 9, 0x10, LG_ERA_AUTO, 0, "e0_pages_above_ram@device[2].pfn"},
	{&E0, 24 + 8, 0x00, LG_ERA_AUTO, 0, "e0_pages_above_ram@device[2].pfn"},
	{&E0, 24 + 6, 2, LG_ERA_AUTO, 0, "e0_pages_in_pfnlimit@device[2].pfn"},
	{&E0, 12 + 8, 0x01, LG_ERA_AUTO, 0, "e0_pages_overlap@device[1].pfn"},
	{&E0, 0, 2, LG_ERA_AUTO, 0x2003, "e0_pages_in_pfnlimit@device[2].pfn"},
	/* E1 (net @0: fields @3 @13 @23; block @31: @34 vq, @44 capacity, @54 seg_max;
	 * console @60: @63 @73). */
	{&E1, 74, 9, LG_ERA_E1, 0,
	 "desc_num_vq@device[2].num_vq e1_field_in_desc@device[2].field[1]"},
	{&E1, 54, 0x02, LG_ERA_AUTO, 0, "e1_vq_len@device[1].field[2]"},
	{&E1, 54, 0x44, LG_ERA_AUTO, 0, "e1_field_known@device[1].field[2]"},
	{&E1, 54, 0x41, LG_ERA_AUTO, 0, "e1_field_len@device[1].field[2]"},
	{&E1, 3, 0x82, LG_ERA_AUTO, 0, "e1_consumed_early@device[0].field[0]"},
	{&E1, 33, 0x08, LG_ERA_AUTO, 0, "status_bits@device[1].status"},
	{&E1, 7, 0x00, LG_ERA_AUTO, 0, "vq_irq_zero@device[0].vq[0].irq"},
	{&E1, 5, 0x00, LG_ERA_AUTO, 0, "vq_num_zero@device[0].vq[0].num"},
	{&E1, 67, 0x03, LG_ERA_AUTO, 0, "vq_irq_unique@device[2].vq[0].irq"},
	{&E1, 0, 1, LG_ERA_AUTO, 0x400a, "ring_in_pfnlimit@device[2].vq[1].pfn"},
	{&E1, 61, 21, LG_ERA_E1, 0, "e1_field_in_desc@device[2].field[2]"},
};

static void test_mangles(void)
{
	size_t len0 = load(dir26, E0.file, areabuf, sizeof areabuf);
	struct seen s;
	struct area a = E0;
	EXPECT(run(&a, len0, LG_ERA_AUTO, &s) == LG_ERA_E0 && s.n == 0, "clean E0: %s", s.names);
	size_t len1 = load(dir26, E1.file, areabuf, sizeof areabuf);
	a = E1;
	EXPECT(run(&a, len1, LG_ERA_AUTO, &s) == LG_ERA_E1 && s.n == 0, "clean E1: %s", s.names);
	/* The consumed bit once the Guest ran (status 7) is what the 2.6.24 Guest leaves. */
	areabuf[3] = 0x82;
	areabuf[2] = 7;
	EXPECT(run(&a, len1, LG_ERA_AUTO, &s) == LG_ERA_E1 && s.n == 0, "consumed after run: %s",
	       s.names);

	for (size_t i = 0; i < sizeof mangles / sizeof mangles[0]; i++) {
		const struct mangle *m = &mangles[i];
		size_t len = load(dir26, m->a->file, areabuf, sizeof areabuf);
		a = *m->a;
		if (m->pfn_limit)
			a.pfn_limit = m->pfn_limit;
		areabuf[m->off] = m->val;
		enum lg_era got = run(&a, len, m->force, &s);
		EXPECT(got == m->a->era, "mangle #%zu: decoded as %s", i, lg_era_name(got));
		EXPECT(strcmp(s.names, m->want) == 0, "mangle #%zu: got \"%s\", expected \"%s\"", i,
		       s.names, m->want);
	}
	/* Every section-D check has a mangle that fires it. */
	for (int id = 0; id < (int)lg_check_count(); id++) {
		const struct lg_check_info *ci = lg_check_info((enum lg_check_id)id);
		if (ci->section != 'D')
			continue;
		bool have = false;
		for (size_t i = 0; i < sizeof mangles / sizeof mangles[0]; i++)
			have |= strncmp(mangles[i].want, ci->name, strlen(ci->name)) == 0 ||
				strstr(mangles[i].want, ci->name) != NULL;
		EXPECT(have, "no mangle fires %s", ci->name);
	}
}

/* A forced era that is wrong still decodes safely: an E2 page read as E0 and E1. */
static void test_forced(void)
{
	static uint8_t page[4096];
	size_t n = load(dir26, "lguest-2.6.25bp-e-net-block16M-64M.descpage.bin", page, sizeof page);
	struct lg_layout l;
	EXPECT(lg_decode_page_era(page, n, 0x4000000, LG_ERA_E0, &l) == 0 && l.era == LG_ERA_E0,
	       "E2 page as E0");
	lg_layout_free(&l);
	EXPECT(lg_decode_page_era(page, n, 0x4000000, LG_ERA_E1, &l) == 0 && l.era == LG_ERA_E1,
	       "E2 page as E1");
	lg_layout_free(&l);
	EXPECT(lg_decode_page_era(page, 7, 0x4000000, LG_ERA_AUTO, &l) == 0 && l.era == LG_ERA_E2,
	       "a short page is E2");
	lg_layout_free(&l);
	EXPECT(lg_era_lookup("e1") == LG_ERA_E1 && lg_era_lookup("e3") == LG_ERR_NOTFOUND &&
		       lg_era_lookup(NULL) == LG_ERR_NOTFOUND,
	       "era names");
}

int main(int argc, char **argv)
{
	struct stat st;
	if (argc != 3) {
		fprintf(stderr, "usage: test_eras VECTORS_26_DIR VECTORS_3X_DIR\n");
		return 2;
	}
	if (stat(argv[1], &st) != 0) {
		printf("SKIP: the historical vectors are not at %s\n", argv[1]);
		return 77;
	}
	dir26 = argv[1];
	test_detect(argv[1], true);
	if (stat(argv[2], &st) == 0)
		test_detect(argv[2], false);
	test_mangles();
	test_forced();
	return t_done("test_eras");
}
