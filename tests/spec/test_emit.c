/* SPDX-License-Identifier: MIT */
/* test_emit — the emit module: packing, page/area/image sizes and bytes, the zero page
 * as the 3.x Launcher wrote it, and every refusal. */
#include <string.h>

#include "lgkit/emit.h"
#include "lgkit/spec.h"
#include "testutil.h"

static struct lg_layout rng_console(uint64_t mem)
{
	struct lg_layout l;
	lg_layout_init(&l, mem);
	struct lg_device *d = lg_layout_add(&l);
	d->type = LG_TYPE_RNG;
	d->num_vq = 1;
	d->vq[0] = (struct lg_vq){256, 1, (uint32_t)(mem >> 12) + 1};
	d = lg_layout_add(&l);
	d->type = LG_TYPE_CONSOLE;
	d->num_vq = 2;
	d->vq[0] = (struct lg_vq){256, 2, (uint32_t)(mem >> 12) + 4};
	d->vq[1] = (struct lg_vq){256, 3, (uint32_t)(mem >> 12) + 7};
	lg_layout_pack(&l);
	return l;
}

static int failing_sink(void *ctx, uint64_t off, const uint8_t *b, size_t n)
{
	(void)ctx, (void)off, (void)b, (void)n;
	return LG_ERR_IO;
}

static void test_pack(void)
{
	struct lg_layout l;
	lg_layout_init(&l, 0x100000);
	/* Descriptors that fill the page exactly: no terminator, and that is legal. */
	for (int i = 0; i < 4; i++) {
		struct lg_device *d = lg_layout_add(&l);
		d->type = 9;
		d->feature_len = 255;
		d->config_len = 249; /* 5 + 510 + 249 = 764 */
	}
	struct lg_device *d = lg_layout_add(&l);
	d->type = 9;
	d->feature_len = 255;
	d->config_len = 255; /* 770 */
	d = lg_layout_add(&l);
	d->type = 9;
	d->config_len = 255;
	d->num_vq = 1; /* 5 + 8 + 255 = 268 */
	d->vq[0] = (struct lg_vq){1, 1, 0x101};
	EXPECT(4 * 764 + 770 + 268 == 4094, "arithmetic");
	EXPECT(lg_layout_pack(&l) == 0 && l.terminated && l.end == 4094, "end %u", l.end);
	l.dev[5].feature_len = 1; /* 270: 4096 exactly */
	EXPECT(lg_layout_pack(&l) == 0 && !l.terminated && l.end == 4096,
	       "exactly full: terminated %d end %u", l.terminated, l.end);
	struct lg_check_stats st;
	lg_check_layout(&l, NULL, NULL, NULL, NULL, &st, NULL);
	EXPECT(st.errors == 0, "an exactly full page has %u errors", st.errors);
	l.dev[5].feature_len = 2; /* 4098: too much */
	uint32_t old_end = l.end;
	EXPECT(lg_layout_pack(&l) == LG_ERR_LAYOUT && l.end == old_end, "overfull page packed");
	uint8_t page[LG_PAGE_SIZE];
	EXPECT(lg_emit_buf(&l, LG_EMIT_PAGE, NULL, page, sizeof page) == LG_ERR_LAYOUT,
	       "overfull page emitted");
	lg_layout_free(&l);
}

static void test_outputs(void)
{
	struct lg_layout l = rng_console(0x2000000);
	uint64_t size;
	EXPECT(lg_emit_size(&l, LG_EMIT_PAGE, &size) == 0 && size == 4096, "page size");
	/* pfn limit unknown: the area ends after the last ring (3 pages each). */
	EXPECT(lg_emit_size(&l, LG_EMIT_AREA, &size) == 0 && size == 10 * 4096, "area %llu",
	       (unsigned long long)size);
	EXPECT(lg_layout_area_end(&l) == 0x200a000, "area end");
	l.pfn_limit = 0x2010;
	EXPECT(lg_emit_size(&l, LG_EMIT_AREA, &size) == 0 && size == 16 * 4096, "area to limit");
	EXPECT(lg_emit_size(&l, LG_EMIT_IMAGE, &size) == 0 && size == 0x2010000, "image size");

	/* The page comes from the devices, not from a stale l->page. */
	uint8_t page[LG_PAGE_SIZE];
	l.page[100] = 0xee;
	EXPECT(lg_emit_buf(&l, LG_EMIT_PAGE, NULL, page, sizeof page) == 0, "page");
	EXPECT(page[0] == 4 && page[1] == 1 && page[5] == 0 && page[6] == 1 && page[7] == 1 &&
		       page[9] == 0x01 && page[10] == 0x20 && page[13] == 3 && page[100] == 0,
	       "page bytes");
	EXPECT(lg_emit_buf(&l, LG_EMIT_PAGE, NULL, page, 100) == LG_ERR_PARAM, "short buffer");

	size_t isz = 0x2010000;
	uint8_t *img = malloc(isz);
	EXPECT(img && lg_emit_buf(&l, LG_EMIT_IMAGE, "console=hvc0 root=/dev/vda", img, isz) == 0,
	       "image");
	if (img) {
		EXPECT(img[0x1e8] == 1, "e820_entries");
		EXPECT(lg_le64(img + 0x2d0) == 0 && lg_le64(img + 0x2d8) == 0x2000000 &&
			       lg_le32(img + 0x2e0) == 1,
		       "e820_map[0]");
		EXPECT(lg_le16(img + 0x206) == 0x0207, "hdr.version");
		EXPECT(img[0x211] == 0x40, "loadflags KEEP_SEGMENTS");
		EXPECT(lg_le32(img + 0x228) == 0x1000, "cmd_line_ptr");
		EXPECT(lg_le32(img + 0x230) == 0x1000000, "kernel_alignment");
		EXPECT(lg_le32(img + 0x23c) == 1, "hardware_subarch");
		EXPECT(strcmp((char *)img + 0x1000, "console=hvc0 root=/dev/vda") == 0, "cmdline");
		EXPECT(memcmp(img + 0x2000000, page, LG_PAGE_SIZE) == 0, "page at mem");
		size_t nz = 0;
		for (size_t i = 0x2000; i < 0x2000000; i++)
			nz += img[i] != 0;
		EXPECT(nz == 0, "RAM has %zu non-zero bytes", nz);
		/* lgcheck's way in: the e820 entry leads to the page. */
		struct lg_image *im = NULL;
		uint64_t at = 0;
		enum lg_page_source src;
		EXPECT(lg_image_from_memory(img, isz, 0, &im) == 0 &&
			       lg_locate_page(im, &at, &src, NULL) == 0 && at == 0x2000000 &&
			       src == LG_PAGE_FROM_E820,
		       "locate: %#llx", (unsigned long long)at);
		lg_image_close(im);
	}
	free(img);

	/* Refusals. */
	EXPECT(lg_emit(&l, LG_EMIT_PAGE, NULL, failing_sink, NULL) == LG_ERR_IO, "sink error");
	EXPECT(lg_emit_size(&l, (enum lg_emit_kind)9, &size) == LG_ERR_PARAM, "bad kind");
	l.pfn_limit = 0x2000; /* ends before the page does */
	EXPECT(lg_emit_size(&l, LG_EMIT_AREA, &size) == LG_ERR_PARAM, "limit below the page");
	l.pfn_limit = 0;
	l.page_addr = 0x2100000;
	EXPECT(lg_emit_size(&l, LG_EMIT_IMAGE, &size) == LG_ERR_PARAM, "image with page above mem");
	lg_layout_free(&l);

	struct lg_layout s = rng_console(0x2000);
	EXPECT(lg_emit_size(&s, LG_EMIT_IMAGE, &size) == 0, "8 KiB image");
	char longline[5000];
	memset(longline, 'x', sizeof longline - 1);
	longline[sizeof longline - 1] = 0;
	EXPECT(lg_emit(&s, LG_EMIT_IMAGE, longline, failing_sink, NULL) == LG_ERR_IO,
	       "sink error first");
	uint8_t *small = malloc((size_t)size);
	EXPECT(small && lg_emit_buf(&s, LG_EMIT_IMAGE, longline, small, (size_t)size) ==
				LG_ERR_PARAM,
	       "command line above RAM");
	free(small);
	lg_layout_free(&s);
}

int main(void)
{
	test_pack();
	test_outputs();
	return t_done("test_emit");
}
