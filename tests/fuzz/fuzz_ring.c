/* SPDX-License-Identifier: MIT */
/* fuzz_ring — libFuzzer target: any bytes as the contents of one ring (and 64 KiB of RAM
 * its buffers may point into) behind a block device whose num and negotiated INDIRECT /
 * EVENT_IDX come from the first bytes.  Runs every section C check and the public walker
 * (lg_ring_read, lg_ring_outstanding, lg_chain_walk on every head).
 * Speed (>= 10 k inputs/s under ASan): the image is one reused mapping (fuzz_common.h),
 * filled per input (and zeroed where the input does not reach), not a fresh 80 KiB calloc;
 * what is checked is unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "lgkit/ring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define RAM 0x10000u

static int sink(void *ctx, const struct lg_finding *f)
{
	size_t *n = ctx;
	*n += f->name[0] + f->path[0] + f->where[0] + f->msg[0] + (size_t)f->severity;
	return 0;
}

static int on_buf(void *ctx, const struct lg_buf *b)
{
	uint64_t *sum = ctx;
	*sum += b->addr + b->len + b->writable + b->desc + (uint64_t)b->ind;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint16_t num = (uint16_t)(1u << (data[0] % 9)); /* 1..256 */
	uint8_t feat = data[1];
	data += 2;
	size -= 2;
	uint64_t rsize = lg_vring_size(num);
	size_t total = RAM + LG_PAGE_SIZE + (size_t)rsize;
	uint8_t *m = fuzz_buf(total);
	if (!m)
		return 0;
	/* The ring from the input, then RAM from what is left; every other byte zero (only
	 * those are cleared: the mapping is reused, and 80 KiB of memset per input cost 7%). */
	size_t n = size < rsize ? size : (size_t)rsize;
	size_t ram = size > n ? (size - n < RAM ? size - n : RAM) : 0;
	memcpy(m + RAM + LG_PAGE_SIZE, data, n);
	memset(m + RAM + LG_PAGE_SIZE + n, 0, (size_t)rsize - n);
	memcpy(m, data + n, ram);
	memset(m + ram, 0, RAM - ram);
	memset(m + RAM, 0, LG_PAGE_SIZE);
	uint8_t *p = m + RAM;
	p[0] = LG_TYPE_BLOCK;
	p[1] = 1;
	p[2] = 4;
	p[3] = 16;
	p[4] = 7;
	lg_put16(p + 5, num);
	lg_put16(p + 7, 1);
	lg_put32(p + 9, (RAM >> LG_PAGE_SHIFT) + 1);
	p[13 + 3] = (uint8_t)((feat & 1 ? 0x10 : 0) | (feat & 2 ? 0x20 : 0)); /* offered */
	p[17 + 3] = (uint8_t)((feat & 4 ? 0x10 : 0) | (feat & 8 ? 0x20 : 0)); /* acked */

	struct lg_image *img;
	struct lg_layout l;
	if (lg_image_from_memory(m, total, 0, &img) == 0) {
		if (lg_decode_image(img, RAM, &l, NULL) == 0) {
			struct lg_check_config *cfg = lg_check_config_new();
			struct lg_check_stats st;
			size_t cnt = 0;
			lg_check_config_set_image_has_area(cfg, true);
			if (feat & 16)
				l.pfn_limit = (RAM >> LG_PAGE_SHIFT) + 1 + (feat >> 5);
			lg_check_layout(&l, img, cfg, sink, &cnt, &st, NULL);
			lg_check_config_free(cfg);

			struct lg_ring_state rs;
			struct lg_walk_opts o;
			lg_walk_opts_for(&l, 0, &o);
			if (lg_ring_read(img, num, (RAM >> LG_PAGE_SHIFT) + 1, &rs, NULL) == 0) {
				struct lg_chain ch[256];
				lg_ring_outstanding(img, &rs, &o, ch, 256, NULL);
				uint64_t sum = 0;
				for (uint32_t h = 0; h < num; h++) {
					struct lg_chain one;
					lg_chain_walk(img, &rs, (uint16_t)h, &o, on_buf, &sum, &one, NULL);
				}
				uint16_t head;
				lg_ring_avail_head(img, &rs, rs.avail_idx, &head, NULL);
			}
			lg_layout_free(&l);
		}
		lg_image_close(img);
	}
	return 0;
}
