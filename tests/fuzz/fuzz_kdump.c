/* SPDX-License-Identifier: MIT */
/* fuzz_kdump — libFuzzer target: any bytes as a kdump file (plain or flattened).  The
 * reader must accept or refuse them with a message; an accepted image is used as lgcheck
 * would (see fuzz_elf.c), and every page decode failure must name its page.  The reader may
 * release pages of its map (MADV_DONTNEED), so it gets a private anonymous copy, as
 * lg_image_open gives it a private file mapping: one mapping reused for every input
 * (fuzz_common.h; an mmap and munmap per input cost more than the reader), with the bytes
 * past the input poisoned under ASan. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "image_priv.h"

#define LGKIT_FUZZ_NO_MAIN
#include "fuzz_elf.c"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lg_image *img = NULL;
	struct lg_error err;
	memset(&err, 0, sizeof err);
	uint8_t *map = fuzz_buf(size);
	if (!map)
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
	return 0;
}
