/* SPDX-License-Identifier: MIT */
/* pagebuilder.h — an independent, test-only writer of descriptor pages, laid out the
 * way the real Launcher did (page at mem, rings bump-allocated after it, irqs from 1).
 * It shares no code with lib/ so it can serve as a second oracle. */
#ifndef LGKIT_PAGEBUILDER_H
#define LGKIT_PAGEBUILDER_H

#include <stdint.h>
#include <string.h>

struct pb_vq {
	uint16_t num, irq;
	uint32_t pfn;
};

struct pb_dev {
	uint8_t type, num_vq, feature_len, config_len, status;
	struct pb_vq vq[8];
	uint8_t host[16], guest[16], config[255];
};

struct pb_page {
	uint64_t mem;
	int ndev;
	struct pb_dev dev[32];
};

static inline uint32_t pb_ring_pages(uint16_t num)
{
	uint64_t used = (16ull * num + 2ull * (3 + num) + 4095) & ~4095ull;
	return (uint32_t)((used + 6 + 8ull * num + 4095) / 4096);
}

/* Fill in irq and pfn of every queue as the Launcher's allocator would. Returns the
 * pfn limit. */
static inline uint32_t pb_allocate(struct pb_page *p)
{
	uint32_t pfn = (uint32_t)(p->mem / 4096) + 1;
	uint16_t irq = 1;
	for (int d = 0; d < p->ndev; d++)
		for (int q = 0; q < p->dev[d].num_vq; q++) {
			p->dev[d].vq[q].irq = irq++;
			p->dev[d].vq[q].pfn = pfn;
			pfn += pb_ring_pages(p->dev[d].vq[q].num);
		}
	return pfn;
}

/* Serialise into out[4096]; returns the offset of the terminator. */
static inline size_t pb_write(const struct pb_page *p, uint8_t out[4096])
{
	size_t o = 0;
	memset(out, 0, 4096);
	for (int d = 0; d < p->ndev; d++) {
		const struct pb_dev *v = &p->dev[d];
		out[o++] = v->type;
		out[o++] = v->num_vq;
		out[o++] = v->feature_len;
		out[o++] = v->config_len;
		out[o++] = v->status;
		for (int q = 0; q < v->num_vq; q++) {
			out[o++] = (uint8_t)v->vq[q].num;
			out[o++] = (uint8_t)(v->vq[q].num >> 8);
			out[o++] = (uint8_t)v->vq[q].irq;
			out[o++] = (uint8_t)(v->vq[q].irq >> 8);
			for (int b = 0; b < 4; b++)
				out[o++] = (uint8_t)(v->vq[q].pfn >> (8 * b));
		}
		memcpy(out + o, v->host, v->feature_len);
		o += v->feature_len;
		memcpy(out + o, v->guest, v->feature_len);
		o += v->feature_len;
		memcpy(out + o, v->config, v->config_len);
		o += v->config_len;
	}
	return o;
}

/* The 3.10 Launcher's `--tunnet=…:mac --block=8M --rng` at 64 MiB (vector e). */
static inline void pb_stock(struct pb_page *p)
{
	static const uint8_t mac[6] = {0x02, 0x4c, 0x47, 0, 0, 1};
	memset(p, 0, sizeof *p);
	p->mem = 64u << 20;
	p->ndev = 4;
	struct pb_dev *net = &p->dev[0], *blk = &p->dev[1], *rng = &p->dev[2], *con = &p->dev[3];
	net->type = 1, net->num_vq = 2, net->feature_len = 4, net->config_len = 10;
	net->host[0] = 0xa3, net->host[1] = 0x3b, net->host[2] = 0, net->host[3] = 0x10;
	memcpy(net->config, mac, 6);
	blk->type = 2, blk->num_vq = 1, blk->feature_len = 2, blk->config_len = 16;
	blk->host[0] = 0x04, blk->host[1] = 0x02;
	blk->config[1] = 0x40; /* capacity 16384 sectors */
	blk->config[12] = 254; /* seg_max */
	rng->type = 4, rng->num_vq = 1;
	con->type = 3, con->num_vq = 2;
	for (int d = 0; d < 4; d++)
		for (int q = 0; q < p->dev[d].num_vq; q++)
			p->dev[d].vq[q].num = 256;
	pb_allocate(p);
}

#endif
