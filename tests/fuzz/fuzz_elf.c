/* SPDX-License-Identifier: MIT */
/* fuzz_elf — libFuzzer target: any bytes as an ELF core.  The reader must accept or refuse
 * them with a message; an accepted image is then used as lgcheck would use it: ranges
 * read, the note, the page located, decoded and checked (rings included), and scanned. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "image_priv.h"
#include "lgkit/scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touches the first finding's strings, then stops the delivery: the checks still run to
 * the end, reading the rings through the image's segments, which is what this target is
 * for.  Building every finding (names, message) is fuzz_decode's part: here a page of 255
 * zeroed vqs made 280 findings an input, most of the input's time (tests/fuzz/README.md,
 * round 4). */
static int sink(void *ctx, const struct lg_finding *f)
{
	size_t *n = ctx;
	*n += f->name[0] + f->path[0] + f->where[0] + f->msg[0] + (size_t)f->severity;
	return 1;
}

/* Use an opened image the way lgcheck does. */
void lgkit_fuzz_use_image(const struct lg_image *img);
void lgkit_fuzz_use_image(const struct lg_image *img)
{
	uint8_t buf[64];
	uint64_t total = 0;
	for (size_t i = 0; i < lg_image_range_count(img); i++) {
		uint64_t a, len;
		lg_image_range(img, i, &a, &len);
		total += len;
		lg_image_read(img, a, buf, len < sizeof buf ? (size_t)len : sizeof buf, NULL);
		if (len > sizeof buf)
			lg_image_read(img, a + len - sizeof buf, buf, sizeof buf, NULL);
	}
	struct lg_note note;
	(void)lg_image_note(img, &note);
	uint64_t page;
	enum lg_page_source src;
	struct lg_error err;
	struct lg_layout l;
	if (lg_locate_page(img, &page, &src, &err) == 0 && lg_decode_image(img, page, &l, NULL) == 0) {
		struct lg_check_stats st;
		size_t n = 0;
		if (lg_image_note(img, &note)) {
			l.mem = note.mem;
			l.pfn_limit = note.pfn_limit;
		}
		lg_check_layout(&l, img, NULL, sink, &n, &st, NULL);
		lg_layout_free(&l);
	}
	if (total <= (64u << 20)) {
		struct lg_scan_candidate c[4];
		lg_scan(img, NULL, c, 4, NULL);
	}
}

#ifndef LGKIT_FUZZ_NO_MAIN
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lg_image *img = NULL;
	struct lg_error err;
	memset(&err, 0, sizeof err);
	if (lg_image_open_elf("fuzz", data, size, &img, &err) == 0) {
		lgkit_fuzz_use_image(img);
		lg_image_close(img);
	} else if (!err.msg[0] || img) {
		abort(); /* a refusal always says why, and leaves nothing behind */
	}
	return 0;
}
#endif
