/* SPDX-License-Identifier: MIT */
/* fuzz_decode — libFuzzer target: any bytes as a raw image holding a descriptor page
 * (and whatever follows it), decoded in every era and checked the way lgcheck does it. */
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
	/* Each era forced (lgcheck --era), the one the page rule finds through LG_ERA_AUTO
	 * (which decodes exactly as forcing it does, so it is not decoded twice). */
	enum lg_era found = lg_era_detect(data, size);
	for (int era = LG_ERA_E0; era <= LG_ERA_E2; era++)
		check_at(data, size, 0, era == (int)found ? LG_ERA_AUTO : (enum lg_era)era);
	return 0;
}
