/* SPDX-License-Identifier: MIT */
/* scan_threads FILE... — lg_scan gives the same result with 1, 2, 3, 4 and 8 threads: the
 * same count or error (and its message), the same candidates in the same order,
 * field by field.  Each FILE is opened as lgcheck does (a file that does not open is
 * skipped, and counted); then the same over images made here with many plausible pages,
 * some on either side of every cut, so that ranking and ties cross the parts.
 * Exit 0 when all agree and at least one file was scanned. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lgkit/lgkit.h"
#include "lgkit/scan.h"

#define MAX 12

struct result {
	int rc;
	char err[sizeof ((struct lg_error *)0)->msg];
	struct lg_scan_candidate c[MAX];
};

static void scan(const struct lg_image *img, unsigned threads, size_t max, struct result *r)
{
	memset(r, 0, sizeof *r);
	struct lg_error why = {0};
	r->rc = lg_scan_threads(img, NULL, threads, r->c, max, &why);
	if (r->rc < 0)
		snprintf(r->err, sizeof r->err, "%s", why.msg);
}

static int same(const char *what, const struct result *a, const struct result *b, unsigned t)
{
	if (a->rc != b->rc || strcmp(a->err, b->err) != 0) {
		printf("FAIL %s: 1 thread: %d (%s), %u threads: %d (%s)\n", what, a->rc, a->err, t,
		       b->rc, b->err);
		return 1;
	}
	size_t n = a->rc < 0 ? 0 : (size_t)a->rc < MAX ? (size_t)a->rc : MAX;
	for (size_t i = 0; i < n; i++) {
		const struct lg_scan_candidate *x = &a->c[i], *y = &b->c[i];
		if (x->page_addr != y->page_addr || x->score != y->score || x->ndev != y->ndev ||
		    x->nvq != y->nvq || x->rings_checked != y->rings_checked ||
		    x->errors != y->errors || x->warnings != y->warnings || x->notes != y->notes) {
			printf("FAIL %s: candidate %zu: 1 thread %#llx score %ld, %u threads %#llx "
			       "score %ld\n",
			       what, i, (unsigned long long)x->page_addr, x->score, t,
			       (unsigned long long)y->page_addr, y->score);
			return 1;
		}
	}
	return 0;
}

static const unsigned counts[] = {2, 3, 4, 8, 0};

static int compare(const char *what, const struct lg_image *img, size_t max, int *plausible)
{
	struct result one, many;
	int fails = 0;
	scan(img, 1, max, &one);
	for (size_t k = 0; k < sizeof counts / sizeof *counts; k++) {
		scan(img, counts[k], max, &many);
		fails += same(what, &one, &many, counts[k]);
	}
	if (plausible)
		*plausible = one.rc;
	return fails;
}

/* A page the scan finds plausible: one console device with one virtqueue whose ring is at
 * the next page (the Launcher's way), status bits v. */
static void put_page(uint8_t *p, uint8_t v)
{
	memset(p, 0, LG_PAGE_SIZE);
	p[0] = 3;     /* console */
	p[1] = 1;     /* one vq */
	p[4] = v & 7; /* status */
	p[5] = 0x00;  /* num 256 */
	p[6] = 0x01;
	p[7] = 5; /* irq */
	p[8] = 0;
	p[9] = 1; /* pfn: set below */
}

static int synthetic(void)
{
	int fails = 0;
	const size_t npages = 4099; /* not a multiple of any count: cuts fall anywhere */
	uint8_t *mem = calloc(npages, LG_PAGE_SIZE);
	if (!mem)
		return 1;
	unsigned seed = 12345;
	for (size_t i = 0; i < npages * LG_PAGE_SIZE; i += 64) {
		seed = seed * 1103515245u + 12345u;
		mem[i + 17] = (uint8_t)(seed >> 16); /* noise that never starts a page */
	}
	/* Plausible pages at every 7th page (ties of score everywhere) and at the pages around
	 * each quarter, third, half and eighth of the image. */
	for (size_t i = 0; i < npages; i += 7) {
		put_page(mem + i * LG_PAGE_SIZE, (uint8_t)i);
		uint32_t pfn = (uint32_t)(i + 1 + (i % 3 == 0)); /* some rings follow, some not */
		memcpy(mem + i * LG_PAGE_SIZE + 9, &pfn, 4);
	}
	for (unsigned d = 2; d <= 8; d++)
		for (unsigned k = 1; k < d; k++)
			for (int o = -1; o <= 1; o++) {
				size_t i = npages * k / d + (size_t)(long)o;
				put_page(mem + i * LG_PAGE_SIZE, 1);
				uint32_t pfn = (uint32_t)i + 1;
				memcpy(mem + i * LG_PAGE_SIZE + 9, &pfn, 4);
			}
	struct lg_image *img;
	const uint64_t bases[] = {0, 0x1000, 0x123000};
	for (size_t b = 0; b < 3; b++) {
		if (lg_image_from_memory(mem, npages * LG_PAGE_SIZE, bases[b], &img) < 0) {
			free(mem);
			return 1;
		}
		int found = 0;
		for (size_t max = 0; max <= MAX; max += 4)
			fails += compare("synthetic image", img, max, &found);
		if (found < 500) {
			printf("FAIL synthetic image: only %d plausible pages\n", found);
			fails++;
		}
		lg_image_close(img);
	}
	free(mem);
	return fails;
}

int main(int argc, char **argv)
{
	int fails = synthetic(), scanned = 0, skipped = 0;
	for (int i = 1; i < argc; i++) {
		struct lg_image *img;
		struct lg_error err;
		struct lg_image_opts o = {0};
		if (lg_image_open(argv[i], &o, &img, &err) < 0) {
			skipped++;
			continue;
		}
		int found = 0;
		fails += compare(argv[i], img, MAX, &found);
		fails += compare(argv[i], img, 1, NULL);
		lg_image_close(img);
		scanned++;
	}
	printf("%s: %d files scanned with 1, 2, 3, 4, 8 threads (%d not images), and a synthetic "
	       "image\n",
	       fails ? "FAIL" : "PASS", scanned, skipped);
	return fails || (argc > 1 && !scanned);
}
