/* SPDX-License-Identifier: MIT */
/* decode_era.c — the eras before E2: 2.6.23's slot array (E0) and 2.6.24's
 * type-length-value descriptors (E1), decoded into the same model as E2 (decode.c);
 * and the rule that tells the eras apart (lgcheck(1) ERAS). */
#include <string.h>

#include "decode_priv.h"
#include "names_priv.h"

const char *lg_era_name(enum lg_era era)
{
	static const char *const names[] = {[LG_ERA_E0] = "e0", [LG_ERA_E1] = "e1",
					     [LG_ERA_E2] = "e2"};
	return LG_NAME_IN(names, era, "auto");
}

const char *lg_era_kernel(enum lg_era era)
{
	static const char *const kernels[] = {[LG_ERA_E0] = "2.6.23", [LG_ERA_E1] = "2.6.24",
					       [LG_ERA_E2] = "2.6.25-3.19"};
	return LG_NAME_IN(kernels, era, "");
}

int lg_era_lookup(const char *name)
{
	for (int e = LG_ERA_E0; name && e <= LG_ERA_E2; e++)
		if (strcmp(name, lg_era_name((enum lg_era)e)) == 0)
			return e;
	return LG_ERR_NOTFOUND;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static bool looks_e0(const uint8_t *p)
{
	unsigned used = 0;
	for (unsigned s = 0; s < LG_E0_SLOTS; s++) {
		const uint8_t *slot = p + s * LG_E0_SLOT_SIZE;
		uint16_t type = lg_le16(slot + LG_E0_TYPE);
		if (type > LG_E0_BLOCK)
			return false;
		if (type == 0 && !all_zero(slot, LG_E0_SLOT_SIZE))
			return false;
		used += type != 0;
	}
	return used && all_zero(p + LG_E0_SLOTS * LG_E0_SLOT_SIZE,
				LG_PAGE_SIZE - LG_E0_SLOTS * LG_E0_SLOT_SIZE);
}

/* Walk the fields of one E1 config: true when they fill it exactly, none of type 0. */
static bool fields_walk(const uint8_t *cfg, unsigned len)
{
	unsigned i = 0;
	while (i < len) {
		if (i + 2 > len || (cfg[i] & (uint8_t)~LG_E1_CONSUMED) == 0)
			return false;
		i += 2u + cfg[i + 1];
	}
	return i == len;
}

static bool looks_e1(const uint8_t *p)
{
	uint32_t i = 0;
	unsigned ndev = 0;
	while (i < LG_PAGE_SIZE && p[i]) {
		if (i + LG_E1_HDR_SIZE > LG_PAGE_SIZE)
			return false;
		unsigned clen = p[i + 1];
		if (i + LG_E1_HDR_SIZE + clen > LG_PAGE_SIZE ||
		    !fields_walk(p + i + LG_E1_HDR_SIZE, clen))
			return false;
		i += LG_E1_HDR_SIZE + clen;
		ndev++;
	}
	return ndev && (i >= LG_PAGE_SIZE || all_zero(p + i, LG_PAGE_SIZE - i));
}

enum lg_era lg_era_detect(const uint8_t *bytes, size_t len)
{
	if (!bytes || len < LG_PAGE_SIZE)
		return LG_ERA_E2;
	if (looks_e0(bytes))
		return LG_ERA_E0;
	if (looks_e1(bytes))
		return LG_ERA_E1;
	return LG_ERA_E2;
}

/* virtio's number for an E0 slot type (0 when the slot's type is unknown). */
static uint8_t e0_virtio_type(uint16_t t)
{
	switch (t) {
	case LG_E0_CONSOLE:
		return LG_TYPE_CONSOLE;
	case LG_E0_NET:
		return LG_TYPE_NET;
	case LG_E0_BLOCK:
		return LG_TYPE_BLOCK;
	default:
		return 0;
	}
}

/* E0: every slot whose type word is not 0 is a device (in slot order); the page is a
 * fixed array, so there is no terminator and nothing crosses the page end. */
static int decode_e0(struct lg_layout *l)
{
	uint8_t slot[LG_E0_SLOT_SIZE];
	size_t cap = 0, n = 0;
	for (unsigned s = 0; s < LG_E0_SLOTS; s++) {
		lg_take(l, s * LG_E0_SLOT_SIZE, slot, sizeof slot);
		n += lg_le16(slot + LG_E0_TYPE) != 0;
	}
	if (lg_layout_reserve(l, n, &cap) < 0) /* one allocation of the 3.9 KB devices */
		return LG_ERR_NOMEM;
	for (unsigned s = 0; s < LG_E0_SLOTS; s++) {
		uint32_t off = s * LG_E0_SLOT_SIZE;
		lg_take(l, off, slot, sizeof slot);
		uint16_t type = lg_le16(slot + LG_E0_TYPE);
		if (type == 0)
			continue;
		struct lg_device *d = lg_layout_push(l, &cap);
		if (!d)
			return LG_ERR_NOMEM;
		d->offset = off;
		d->size = LG_E0_SLOT_SIZE;
		d->truncated = off + LG_E0_SLOT_SIZE > l->page_len;
		d->type = e0_virtio_type(type);
		d->e0.slot = (uint8_t)s;
		d->e0.type = type;
		d->e0.features = lg_le16(slot + LG_E0_FEATURES);
		d->e0.status = lg_le16(slot + LG_E0_STATUS);
		d->e0.num_pages = lg_le16(slot + LG_E0_NUM_PAGES);
		d->e0.pfn = lg_le32(slot + LG_E0_PFN);
		d->status = (uint8_t)d->e0.status;
	}
	uint32_t end = LG_E0_SLOTS * LG_E0_SLOT_SIZE;
	l->end = end;
	l->terminated = l->page_len >= end;
	return 0;
}

/* E1: walk i += 3 + config_len as the 2.6.24 Guest did; each config is split into its
 * fields, and the fields of type 2 (consumed or not) with 8 bytes are the vqs. */
static int decode_e1(struct lg_layout *l)
{
	uint32_t i = 0;
	size_t cap = 0, n = 0;
	for (; i < l->page_len && l->page[i]; n++) { /* the walk below, counting */
		uint8_t hdr[LG_E1_HDR_SIZE];
		lg_take(l, i, hdr, sizeof hdr);
		i += LG_E1_HDR_SIZE + hdr[1];
	}
	if (lg_layout_reserve(l, n, &cap) < 0)
		return LG_ERR_NOMEM;
	i = 0;
	while (i < l->page_len) {
		if (l->page[i] == 0) {
			l->terminated = true;
			break;
		}
		struct lg_device *d = lg_layout_push(l, &cap);
		if (!d)
			return LG_ERR_NOMEM;
		uint8_t hdr[LG_E1_HDR_SIZE];
		lg_take(l, i, hdr, sizeof hdr);
		d->offset = i;
		d->type = hdr[0];
		d->config_len = hdr[1];
		d->status = hdr[2];
		d->size = LG_E1_HDR_SIZE + d->config_len;
		d->truncated = i + d->size > l->page_len;
		lg_take(l, i + LG_E1_HDR_SIZE, d->config, d->config_len);
		for (unsigned f = 0; f < d->config_len && d->e1.nfields < LG_E1_MAX_FIELDS;) {
			struct lg_e1_field *fd = &d->e1.field[d->e1.nfields++];
			fd->off = (uint8_t)f;
			fd->type = d->config[f];
			fd->len = f + 1 < d->config_len ? d->config[f + 1] : 0;
			fd->whole = f + 2u + fd->len <= d->config_len;
			if (!fd->whole)
				break;
			uint32_t data = LG_E1_HDR_SIZE + f + 2u; /* from the descriptor's start */
			if ((fd->type & (uint8_t)~LG_E1_CONSUMED) == LG_E1_F_VIRTQUEUE &&
			    fd->len == LG_VQC_SIZE) {
				unsigned q = d->num_vq++;
				const uint8_t *v = d->config + f + 2;
				d->vq_off[q] = (uint16_t)data;
				d->vq[q].num = lg_le16(v + LG_VQC_NUM);
				d->vq[q].irq = lg_le16(v + LG_VQC_IRQ);
				d->vq[q].pfn = lg_le32(v + LG_VQC_PFN);
				if (i + data + LG_VQC_SIZE <= l->page_len)
					d->vqs_present = d->num_vq;
			}
			f += 2u + fd->len;
		}
		i += d->size;
		if (d->truncated) {
			l->overflowed = true;
			break;
		}
	}
	l->end = i < LG_PAGE_SIZE ? i : LG_PAGE_SIZE;
	return 0;
}

int lg_decode_page_era(const uint8_t *bytes, size_t len, uint64_t page_addr, enum lg_era era,
		       struct lg_layout *out)
{
	if (era == LG_ERA_AUTO)
		era = lg_era_detect(bytes, len);
	if (era == LG_ERA_E2)
		return lg_decode_page(bytes, len, page_addr, out);
	if (era != LG_ERA_E0 && era != LG_ERA_E1)
		return LG_ERR_PARAM;
	int rc = lg_layout_load(out, bytes, len, page_addr, era);
	if (rc < 0)
		return rc;
	rc = era == LG_ERA_E0 ? decode_e0(out) : decode_e1(out);
	if (rc < 0)
		lg_layout_free(out);
	return rc;
}

int lg_decode_image_era(const struct lg_image *img, uint64_t page_addr, enum lg_era era,
			struct lg_layout *out, struct lg_error *err)
{
	uint8_t buf[LG_PAGE_SIZE];
	if (!img || !out)
		return lg_fail(err, LG_ERR_PARAM, "no image or no layout to decode into");
	uint64_t have = lg_image_backed(img, page_addr, LG_PAGE_SIZE);
	if (have) {
		int rc = lg_image_read(img, page_addr, buf, (size_t)have, err);
		if (rc < 0)
			return rc;
	}
	int rc = lg_decode_page_era(buf, (size_t)have, page_addr, era, out);
	if (rc < 0)
		return lg_fail(err, rc, "decoding the page at %#llx: %s",
			       (unsigned long long)page_addr, lg_strerror(rc));
	if (out->era != LG_ERA_E0)
		return 0;
	/* E0 device memory (the block page, the net MAC slots) is in the device area. */
	for (size_t d = 0; d < out->ndev; d++) {
		struct lg_e0_slot *s = &out->dev[d].e0;
		uint64_t a = (uint64_t)s->pfn << LG_PAGE_SHIFT;
		if (!s->num_pages || !lg_image_covers(img, a, LG_E0_PAGE_HEAD))
			continue;
		rc = lg_image_read(img, a, s->page_head, LG_E0_PAGE_HEAD, err);
		if (rc < 0) {
			lg_layout_free(out);
			return rc;
		}
		s->page_read = true;
	}
	return 0;
}
