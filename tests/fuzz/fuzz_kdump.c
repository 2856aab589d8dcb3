/* SPDX-License-Identifier: MIT */
/* fuzz_kdump — libFuzzer target: any bytes as a kdump file (plain or flattened).  The
 * reader must accept or refuse them with a message; an accepted image is used as lgcheck
 * would (see fuzz_elf.c), and every page decode failure must name its page.  The reader may
 * release pages of its map (MADV_DONTNEED), so it gets a private anonymous copy, as
 * lg_image_open gives it a private file mapping. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "image_priv.h"

#define LGKIT_FUZZ_NO_MAIN
#include "fuzz_elf.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lg_image *img = NULL;
	struct lg_error err;
	memset(&err, 0, sizeof err);
	size_t maplen = size ? size : 1;
	uint8_t *map = mmap(NULL, maplen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map == MAP_FAILED)
		return 0;
	if (size)
		memcpy(map, data, size);
	if (lg_image_open_kdump("fuzz", map, size, &img, &err) == 0) {
		uint8_t b[16];
		uint64_t a, len;
		struct lg_error why = {0};
		if (lg_image_range(img, 0, &a, &len) == 0 &&
		    lg_image_read(img, a, b, sizeof b, &why) < 0 &&
		    (why.code == 0 || strncmp(why.msg, "page", 4) != 0))
			abort(); /* a page that does not decode is named */
		lgkit_fuzz_use_image(img);
		lg_image_close(img);
	} else if (!err.msg[0] || img) {
		abort();
	}
	munmap(map, maplen);
	return 0;
}
