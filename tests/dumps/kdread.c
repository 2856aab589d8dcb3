/* SPDX-License-Identifier: MIT */
/* kdread — read kdump files two ways and say whether they agree.
 *
 *   kdread same A B     liblgkit reads A and B as the same memory: the same ranges, the same
 *                       bytes in every one (A a QEMU kdump-zlib file, B the same dump
 *                       rewritten in another codec by mkcore recode-CODEC).
 *   kdread kdumpfile F  libkdumpfile (Debian's libkdumpfile-dev, an independent reader) and
 *                       liblgkit read the same pages of the plain kdump file F: every pfn up
 *                       to libkdumpfile's max_pfn is dumped for both or for neither, and a
 *                       dumped page has the same 4096 bytes through both.
 *
 * Prints one line with what it compared (the tests compare it exactly); exit 0 when all
 * agree, 1 with the first difference, 2 when a file cannot be opened. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libkdumpfile/kdumpfile.h>

#include "lgkit/lgkit.h"

#define PAGE 4096u
#define CHUNK (1u << 20)

static struct lg_image *open_lg(const char *path)
{
	struct lg_image *img = NULL;
	struct lg_image_opts o = {0};
	struct lg_error err = {0};
	if (lg_image_open(path, &o, &img, &err) < 0) {
		fprintf(stderr, "kdread: %s\n", err.msg);
		exit(2);
	}
	return img;
}

static int same(const char *a, const char *b)
{
	struct lg_image *ia = open_lg(a), *ib = open_lg(b);
	size_t n = lg_image_range_count(ia);
	if (n != lg_image_range_count(ib)) {
		printf("kdread: %zu ranges in %s, %zu in %s\n", n, a, lg_image_range_count(ib), b);
		return 1;
	}
	static uint8_t ba[CHUNK], bb[CHUNK];
	uint64_t total = 0;
	for (size_t i = 0; i < n; i++) {
		uint64_t ga = 0, la = 0, gb = 0, lb = 0;
		if (lg_image_range(ia, i, &ga, &la) < 0 || lg_image_range(ib, i, &gb, &lb) < 0 ||
		    ga != gb || la != lb) {
			printf("kdread: range %zu differs: [%#llx, +%#llx) and [%#llx, +%#llx)\n", i,
			       (unsigned long long)ga, (unsigned long long)la, (unsigned long long)gb,
			       (unsigned long long)lb);
			return 1;
		}
		for (uint64_t off = 0; off < la; off += CHUNK) {
			size_t len = la - off < CHUNK ? (size_t)(la - off) : CHUNK;
			struct lg_error ea = {0}, eb = {0};
			int ra = lg_image_read(ia, ga + off, ba, len, &ea);
			int rb = lg_image_read(ib, ga + off, bb, len, &eb);
			if (ra < 0 || rb < 0) {
				printf("kdread: %s: %s\n", ra < 0 ? a : b, ra < 0 ? ea.msg : eb.msg);
				return 1;
			}
			if (memcmp(ba, bb, len) != 0) {
				size_t at = 0;
				while (ba[at] == bb[at])
					at++;
				printf("kdread: the bytes at %#llx differ\n",
				       (unsigned long long)(ga + off + at));
				return 1;
			}
		}
		total += la;
	}
	printf("same: %zu ranges, %#llx bytes\n", n, (unsigned long long)total);
	lg_image_close(ia);
	lg_image_close(ib);
	return 0;
}

/* The first pfn at or after pfn that lgkit holds a whole page of; UINT64_MAX when none. */
static uint64_t lg_next(const struct lg_image *img, uint64_t pfn)
{
	size_t n = lg_image_range_count(img);
	for (size_t i = 0; i < n; i++) {
		uint64_t a, len;
		if (lg_image_range(img, i, &a, &len) < 0)
			break;
		uint64_t first = (a + PAGE - 1) / PAGE, end = (a + len) / PAGE;
		if (end > pfn && first < end)
			return first > pfn ? first : pfn;
	}
	return UINT64_MAX;
}

/* Every page libkdumpfile's page map (file.pagemap) marks, and every page lgkit holds,
 * in pfn order: the two lists must be the same, and so must the bytes of each page. */
static int kdumpfile(const char *path)
{
	struct lg_image *img = open_lg(path);
	kdump_ctx_t *ctx = kdump_new();
	int fd = open(path, O_RDONLY);
	kdump_attr_t map;
	kdump_num_t page_size;
	if (!ctx || fd < 0 || kdump_open_fd(ctx, fd) != KDUMP_OK ||
	    kdump_get_number_attr(ctx, KDUMP_ATTR_PAGE_SIZE, &page_size) != KDUMP_OK ||
	    kdump_get_attr(ctx, KDUMP_ATTR_FILE_PAGEMAP, &map) != KDUMP_OK ||
	    map.type != KDUMP_BITMAP || page_size != PAGE) {
		fprintf(stderr, "kdread: %s: libkdumpfile: %s\n", path,
			ctx ? kdump_get_err(ctx) : "out of memory");
		return 2;
	}
	kdump_bmp_incref(map.val.bitmap); /* kdump_get_attr lends it; we read across calls */
	static uint8_t kd[PAGE], lg[PAGE];
	uint64_t both = 0, pfn = 0;
	int rc = 0;
	while (rc == 0) {
		kdump_addr_t k = pfn;
		kdump_status s = kdump_bmp_find_set(map.val.bitmap, &k);
		uint64_t kn = s == KDUMP_OK ? k : UINT64_MAX, ln = lg_next(img, pfn);
		if (s != KDUMP_OK && s != KDUMP_ERR_NODATA) {
			printf("kdread: libkdumpfile: %s\n", kdump_bmp_get_err(map.val.bitmap));
			rc = 1;
			break;
		}
		if (kn != ln) {
			uint64_t p = kn < ln ? kn : ln;
			printf("kdread: pfn %#llx: %s holds it, %s does not\n", (unsigned long long)p,
			       p == kn ? "libkdumpfile" : "lgkit", p == kn ? "lgkit" : "libkdumpfile");
			rc = 1;
			break;
		}
		if (kn == UINT64_MAX)
			break;
		size_t len = PAGE;
		s = kdump_read(ctx, KDUMP_MACHPHYSADDR, kn * PAGE, kd, &len);
		struct lg_error why = {0};
		int r = lg_image_read(img, kn * PAGE, lg, PAGE, &why);
		if (s != KDUMP_OK || len != PAGE) {
			printf("kdread: pfn %#llx: libkdumpfile: %s\n", (unsigned long long)kn,
			       kdump_get_err(ctx));
			rc = 1;
		} else if (r < 0) {
			printf("kdread: pfn %#llx: lgkit: %s\n", (unsigned long long)kn, why.msg);
			rc = 1;
		} else if (memcmp(kd, lg, PAGE) != 0) {
			printf("kdread: pfn %#llx: the bytes differ\n", (unsigned long long)kn);
			rc = 1;
		}
		both++;
		pfn = kn + 1;
	}
	if (rc == 0)
		printf("kdumpfile: the same %llu pages, the same bytes through both\n",
		       (unsigned long long)both);
	kdump_bmp_decref(map.val.bitmap);
	kdump_free(ctx);
	close(fd);
	lg_image_close(img);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "same") == 0)
		return same(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "kdumpfile") == 0)
		return kdumpfile(argv[2]);
	fprintf(stderr, "usage: kdread same A B | kdread kdumpfile FILE\n");
	return 2;
}
