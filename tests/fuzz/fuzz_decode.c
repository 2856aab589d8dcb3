/* SPDX-License-Identifier: MIT */
/* fuzz_decode — libFuzzer target: any bytes as a raw image holding a descriptor page
 * (and whatever follows it), decoded in the era its last byte picks, at the base it picks,
 * and checked the way lgcheck does it. */
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

/* Decode the image at base in era; when infer, decode it again at the base its rings
 * name (lg_infer_page_addr), if they name one, as lgcheck does for a bare image without
 * --base.  Check what was decoded last. */
static void check_at(const uint8_t *data, size_t size, uint64_t base, enum lg_era era, bool infer)
{
	struct lg_image *img = NULL;
	struct lg_layout l;
	if (lg_image_from_memory(data, size, base, &img) < 0)
		return;
	if (lg_decode_image_era(img, base, era, &l, NULL) == 0) {
		struct lg_check_stats st;
		size_t n = 0;
		uint64_t guess;
		if (infer && lg_infer_page_addr(&l, &guess) == 0 && guess > 0 &&
		    guess + size > guess) {
			lg_layout_free(&l);
			lg_image_close(img);
			check_at(data, size, guess, era, false);
			return;
		}
		if (size > 1 && data[size - 1] & 1)
			l.pfn_limit = (base >> LG_PAGE_SHIFT) + (data[size - 2] & 0x3f);
		lg_check_layout(&l, img, NULL, sink, &n, &st, NULL);
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
	/* The base from bit 3: clear, the one the rings name (lgcheck's default for a bare
	 * image), or 0 when they name none; set, 0 (lgcheck --base 0).  One base per input,
	 * not both: a check is most of an input's time (tests/fuzz/README.md, round 4). */
	bool infer = size && !(data[size - 1] & 8);
	check_at(data, size, 0, sel ? (enum lg_era)(LG_ERA_E0 + (int)sel - 1) : LG_ERA_AUTO,
		 infer);
	return 0;
}
