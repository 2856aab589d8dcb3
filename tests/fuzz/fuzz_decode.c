/* SPDX-License-Identifier: MIT */
/* fuzz_decode — libFuzzer target: any bytes as a raw image holding a descriptor page
 * (and whatever follows it), decoded in the era its last byte picks and checked the way
 * lgcheck does it. */
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "lgkit/lgkit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sink(void *ctx, const struct lg_finding *f)
{
	/* Touch every field so the sanitizers see any bad string. */
	size_t *n = ctx;
	*n += f->name[0] + f->path[0] + f->where[0] + f->msg[0] + (size_t)f->severity;
	return 0;
}

static void check_at(const uint8_t *data, size_t size, uint64_t base, enum lg_era era)
{
	struct lg_image *img = NULL;
	struct lg_layout l;
	if (lg_image_from_memory(data, size, base, &img) < 0)
		return;
	if (lg_decode_image_era(img, base, era, &l, NULL) == 0) {
		struct lg_check_stats st;
		size_t n = 0;
		if (size > 1 && data[size - 1] & 1)
			l.pfn_limit = (base >> LG_PAGE_SHIFT) + (data[size - 2] & 0x3f);
		lg_check_layout(&l, img, NULL, sink, &n, &st, NULL);
		uint64_t guess;
		if (base == 0 && lg_infer_page_addr(&l, &guess) == 0 && guess > 0 &&
		    guess + size > guess) {
			lg_layout_free(&l);
			lg_image_close(img);
			check_at(data, size, guess, era);
			return;
		}
		lg_layout_free(&l);
	}
	lg_image_close(img);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The era, as lgcheck --era gives it, from bits 1-2 of the last byte: 0 the one the
	 * page rule finds (LG_ERA_AUTO, lgcheck's default), 1-3 E0, E1 or E2 forced.  One era
	 * per input, not all three: the fuzzer reaches each by mutating those bits, at a third
	 * of the cost per input (tests/fuzz/README.md). */
	unsigned sel = size ? (data[size - 1] >> 1) & 3 : 0;
	check_at(data, size, 0, sel ? (enum lg_era)(LG_ERA_E0 + (int)sel - 1) : LG_ERA_AUTO);
	return 0;
}
