/* SPDX-License-Identifier: MIT */
/* mkpage — write the test-only stock layout (tests/unit/pagebuilder.h: net, block, rng,
 * console at 64 MiB) as a bare page, a device area, or a sparse raw memory image with
 * the zero page's e820 entry.  usage: mkpage page|area|image OUT */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pagebuilder.h"

int main(int argc, char **argv)
{
	struct pb_page p;
	uint8_t page[4096];
	if (argc != 3) {
		fprintf(stderr, "usage: mkpage page|area|image OUT\n");
		return 2;
	}
	pb_stock(&p);
	uint32_t limit = pb_ring_pages(256) * 6 + 1 + (uint32_t)(p.mem / 4096);
	pb_write(&p, page);
	FILE *f = fopen(argv[2], "wb");
	if (!f)
		return 2;
	long base = 0;
	if (strcmp(argv[1], "image") == 0) {
		uint8_t zp[4096] = {0};
		zp[0x1e8] = 1;
		for (int b = 0; b < 8; b++)
			zp[0x2d0 + 8 + b] = (uint8_t)(p.mem >> (8 * b));
		zp[0x2d0 + 16] = 1;
		fwrite(zp, 1, sizeof zp, f);
		base = (long)p.mem;
	}
	if (fseek(f, base, SEEK_SET) != 0 || fwrite(page, 1, 4096, f) != 4096)
		return 2;
	if (strcmp(argv[1], "page") != 0) {
		/* Ring pages are zero: extend the file sparsely to the pfn limit. */
		long end = (long)limit * 4096 - (base ? 0 : (long)p.mem);
		if (fflush(f) != 0 || ftruncate(fileno(f), end) != 0)
			return 2;
	}
	return fclose(f) == 0 ? 0 : 2;
}
