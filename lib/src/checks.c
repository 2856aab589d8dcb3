/* SPDX-License-Identifier: MIT */
/* checks.c — the check table, the engine, and sections A (device page) and B
 * (virtqueue configuration and placement) of docs/CHECKS.md. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_priv.h"
#include "devtype_priv.h"

static const struct lg_check_info table[LG_CHECK_COUNT] = {
#define LG_X_INFO(id, name, sect, sev, prereq, summary) [id] = {name, sect, sev, prereq, summary},
	LG_CHECKS(LG_X_INFO)
#undef LG_X_INFO
};

const struct lg_check_info *lg_check_info(enum lg_check_id id)
{
	return (unsigned)id < LG_CHECK_COUNT ? &table[id] : NULL;
}

int lg_check_lookup(const char *name)
{
	for (int i = 0; name && i < LG_CHECK_COUNT; i++)
		if (strcmp(table[i].name, name) == 0)
			return i;
	return LG_ERR_NOTFOUND;
}

const char *lg_severity_name(enum lg_severity s)
{
	switch (s) {
	case LG_SEV_OFF:
		return "off";
	case LG_SEV_NOTE:
		return "note";
	case LG_SEV_WARNING:
		return "warning";
	case LG_SEV_ERROR:
		return "error";
	}
	return "unknown";
}

void lg_check_config_init(struct lg_check_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	for (int i = 0; i < LG_CHECK_COUNT; i++)
		cfg->sev[i] = table[i].severity;
}

__attribute__((format(printf, 7, 0))) static bool
vreport(struct lg_ckctx *c, enum lg_check_id id, enum lg_severity sev, uint64_t addr,
	const char *path, const char *where, const char *fmt, va_list ap)
{
	struct lg_finding f;
	if (sev == LG_SEV_OFF)
		return false;
	memset(&f, 0, sizeof f);
	f.check = id;
	f.name = table[id].name;
	f.severity = sev;
	f.addr = addr;
	snprintf(f.path, sizeof f.path, "%s", path ? path : "");
	snprintf(f.where, sizeof f.where, "%s", where ? where : "");
	vsnprintf(f.msg, sizeof f.msg, fmt, ap);
	if (sev == LG_SEV_ERROR)
		c->st->errors++;
	else if (sev == LG_SEV_WARNING)
		c->st->warnings++;
	else
		c->st->notes++;
	if (!c->stop && c->sink && c->sink(c->sinkctx, &f))
		c->stop = true;
	return true;
}

bool lg_report(struct lg_ckctx *c, enum lg_check_id id, uint64_t addr, const char *path,
	       const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	bool r = vreport(c, id, c->cfg->sev[id], addr, path, where, fmt, ap);
	va_end(ap);
	return r;
}

bool lg_report_sev(struct lg_ckctx *c, enum lg_check_id id, enum lg_severity sev, uint64_t addr,
		   const char *path, const char *where, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	/* The finding's own severity holds while the check keeps its default; a severity
	 * the user chose (or a changed default) applies to all its findings. */
	enum lg_severity cfg = c->cfg->sev[id];
	if (cfg == LG_SEV_OFF || c->cfg->user_set[id] || cfg != table[id].severity)
		sev = cfg;
	bool r = vreport(c, id, sev, addr, path, where, fmt, ap);
	va_end(ap);
	return r;
}

void lg_vq_names(const struct lg_layout *l, size_t d, int vq, const char *field, char *path,
		 size_t plen, char *where, size_t wlen)
{
	const char *tn = lg_type_name(l->dev[d].type);
	char tbuf[16];
	if (!tn) {
		snprintf(tbuf, sizeof tbuf, "type %u", l->dev[d].type);
		tn = tbuf;
	}
	if (vq >= 0) {
		snprintf(path, plen, "device[%zu].vq[%d]%s%s", d, vq, field ? "." : "",
			 field ? field : "");
		snprintf(where, wlen, "device[%zu] (%s) vq[%d]", d, tn, vq);
	} else {
		snprintf(path, plen, "device[%zu]%s%s", d, field ? "." : "", field ? field : "");
		snprintf(where, wlen, "device[%zu] (%s)", d, tn);
	}
}

/* ---------------------------------------------------------------- section A */

static uint64_t dev_addr(const struct lg_layout *l, size_t d, uint32_t off)
{
	return l->page_addr + l->dev[d].offset + off;
}

/* Bytes of descriptor d: set by the decoders; a layout built by hand (a spec) is E2. */
static uint32_t dev_size(const struct lg_layout *l, size_t d)
{
	const struct lg_device *dv = &l->dev[d];
	return dv->size ? dv->size : lg_desc_size(dv->num_vq, dv->feature_len, dv->config_len);
}

static void check_e0_page(struct lg_ckctx *c);

static void check_page(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	bool truncated = l->page_len < LG_PAGE_SIZE;

	if (truncated)
		lg_report(c, LG_CHK_PAGE_TRUNCATED, l->page_addr + l->page_len, "page", "page",
			  "only %zu of the page's 4096 bytes are in the image", l->page_len);
	if (l->ndev == 0) {
		size_t nz = 0;
		for (size_t i = 0; i < l->page_len; i++)
			nz += l->page[i] != 0;
		lg_report(c, LG_CHK_PAGE_NO_DEVICE, l->page_addr, "page", "page",
			  "no device: %s, but every lguest Launcher added at least a console (is "
			  "this the page?)",
			  nz ? "the first byte is 0, the terminator"
			     : "every byte of the page is 0");
	}

	if (l->era == LG_ERA_E0) {
		check_e0_page(c);
		return;
	}
	if (l->ndev && l->overflowed) {
		size_t d = l->ndev - 1;
		const struct lg_device *dv = &l->dev[d];
		char path[64], where[64];
		lg_vq_names(l, d, -1, NULL, path, sizeof path, where, sizeof where);
		uint32_t size = dev_size(l, d);
		uint32_t hdr = l->era == LG_ERA_E1 ? LG_E1_HDR_SIZE : LG_DESC_HDR_SIZE;
		if (dv->offset + hdr > LG_PAGE_SIZE)
			lg_report(c, LG_CHK_DESC_HEADER_IN_PAGE, dev_addr(l, d, 0), path, where,
				  "%u-byte header at page offset %u crosses the page end at 4096",
				  hdr, dv->offset);
		else if (l->era == LG_ERA_E1 && dv->offset + size > LG_PAGE_SIZE)
			lg_report(c, LG_CHK_DESC_FITS_PAGE, dev_addr(l, d, 0), path, where,
				  "descriptor of %u bytes (3 + config_len %u) at page offset %u ends "
				  "at %u, past the page end at 4096",
				  size, dv->config_len, dv->offset, dv->offset + size);
		else if (dv->offset + size > LG_PAGE_SIZE)
			lg_report(c, LG_CHK_DESC_FITS_PAGE, dev_addr(l, d, 0), path, where,
				  "descriptor of %u bytes at page offset %u ends at %u, past the "
				  "page end at 4096 (num_vq %u, feature_len %u, config_len %u)",
				  size, dv->offset, dv->offset + size, dv->num_vq, dv->feature_len,
				  dv->config_len);
	}
	if (truncated)
		return;
	if (!l->terminated) {
		/* Exactly full is legal; a walk that ended on the bound is what we flag. */
		const struct lg_device *last = l->ndev ? &l->dev[l->ndev - 1] : NULL;
		uint32_t last_end = last ? last->offset + dev_size(l, l->ndev - 1) : 0;
		if (last_end != LG_PAGE_SIZE)
			lg_report(c, LG_CHK_PAGE_TERMINATED, l->page_addr + LG_PAGE_SIZE - 1, "page",
				  "page",
				  "no type-0 terminator before the page end: %zu descriptors, the "
				  "last ends at page offset %u, not at 4096",
				  l->ndev, last_end);
		return;
	}
	/* Terminated: the tail after the terminator should be zero. */
	for (uint32_t i = l->end + 1; i < LG_PAGE_SIZE; i++) {
		if (l->page[i]) {
			unsigned nz = 0;
			for (uint32_t j = i; j < LG_PAGE_SIZE; j++)
				nz += l->page[j] != 0;
			lg_report(c, LG_CHK_PAGE_TAIL_ZERO, l->page_addr + i, "page", "page",
				  "byte at page offset %u after the terminator at %u is 0x%02x, "
				  "expected 0 (%u non-zero bytes in the tail)",
				  i, l->end, l->page[i], nz);
			break;
		}
	}
}

static void check_e0_slot(struct lg_ckctx *c, size_t d);
static void check_e1_fields(struct lg_ckctx *c, size_t d);

static void check_device(struct lg_ckctx *c, size_t d)
{
	const struct lg_layout *l = c->l;
	const struct lg_device *dv = &l->dev[d];
	char path[64], where[64];
	bool whole = !dv->truncated;
	bool e1 = l->era == LG_ERA_E1;

	if (l->era == LG_ERA_E0) {
		check_e0_slot(c, d);
		return;
	}

	if (!lg_type_name(dv->type)) {
		lg_vq_names(l, d, -1, "type", path, sizeof path, where, sizeof where);
		lg_report(c, LG_CHK_DESC_TYPE_KNOWN, dev_addr(l, d, LG_DESC_TYPE), path, where,
			  "type %u is not a known virtio device id", dv->type);
	} else {
		const struct lg_devtype *t = lg_devtype(dv->type);
		const char *need = lg_devtype_vq_ok(t, dv->num_vq) ? NULL : t->vq_need;
		/* A header cut by the page (or image) end: num_vq was not read, only filled in. */
		if (need && (e1 ? whole : dv->offset + LG_DESC_NUM_VQ < l->page_len)) {
			lg_vq_names(l, d, -1, "num_vq", path, sizeof path, where, sizeof where);
			lg_report(c, LG_CHK_DESC_NUM_VQ, dev_addr(l, d, e1 ? 0 : LG_DESC_NUM_VQ),
				  path, where, "%s %u does not suit a %s device: expected %s",
				  e1 ? "the number of virtqueue fields" : "num_vq", dv->num_vq,
				  lg_type_name(dv->type), need);
		}
		const char *why = "";
		unsigned min = 0;
		if (whole && !e1)
			min = lg_devtype_config_min(t, dv->host_features, dv->feature_len, &why);
		if (dv->config_len < min) {
			lg_vq_names(l, d, -1, "config_len", path, sizeof path, where, sizeof where);
			lg_report(c, LG_CHK_DESC_CONFIG_LEN, dev_addr(l, d, LG_DESC_CONFIG_LEN), path,
				  where, "config_len %u is below %u: %s", dv->config_len, min, why);
		}
	}

	if (whole) {
		uint32_t foff = LG_DESC_HDR_SIZE + LG_VQC_SIZE * dv->num_vq;
		for (unsigned i = 0; i < dv->feature_len; i++) {
			uint8_t extra = dv->guest_features[i] & (uint8_t)~dv->host_features[i];
			if (extra) {
				unsigned bit = i * 8;
				while (!((extra >> (bit % 8)) & 1))
					bit++;
				lg_vq_names(l, d, -1, "guest_features", path, sizeof path, where,
					    sizeof where);
				lg_report(c, LG_CHK_FEAT_ACKED_SUBSET,
					  dev_addr(l, d, foff + dv->feature_len + i), path, where,
					  "acked feature byte %u is 0x%02x but offered is 0x%02x: bit %u "
					  "acked without being offered",
					  i, dv->guest_features[i], dv->host_features[i], bit);
				break;
			}
		}
		for (unsigned i = 4; i < dv->feature_len; i++) {
			if (dv->host_features[i]) {
				unsigned bit = i * 8;
				while (!((dv->host_features[i] >> (bit % 8)) & 1))
					bit++;
				lg_vq_names(l, d, -1, "host_features", path, sizeof path, where,
					    sizeof where);
				lg_report(c, LG_CHK_FEAT_HIGH_BITS, dev_addr(l, d, foff + i), path,
					  where,
					  "offered feature bit %u is 32 or above: the lguest Guest reads "
					  "only bits 0..31",
					  bit);
				break;
			}
		}
	}

	uint8_t s = dv->status;
	lg_vq_names(l, d, -1, "status", path, sizeof path, where, sizeof where);
	uint64_t sa = dev_addr(l, d, e1 ? 2 : LG_DESC_STATUS);
	if (s & ~LG_S_VALID_MASK)
		lg_report(c, LG_CHK_STATUS_BITS, sa, path, where,
			  "status 0x%02x has bits 0x%02x outside ACKNOWLEDGE|DRIVER|DRIVER_OK|FAILED "
			  "(0x87)",
			  s, s & ~LG_S_VALID_MASK);
	if ((s & LG_S_DRIVER_OK) && !(s & LG_S_DRIVER))
		lg_report(c, LG_CHK_STATUS_ORDER, sa, path, where,
			  "status 0x%02x has DRIVER_OK (4) without DRIVER (2)", s);
	else if ((s & LG_S_DRIVER) && !(s & LG_S_ACKNOWLEDGE))
		lg_report(c, LG_CHK_STATUS_ORDER, sa, path, where,
			  "status 0x%02x has DRIVER (2) without ACKNOWLEDGE (1)", s);
	if (s & LG_S_FAILED)
		lg_report(c, LG_CHK_STATUS_FAILED, sa, path, where,
			  "status 0x%02x has FAILED (0x80) set: the driver gave up on the device", s);
	if (e1)
		check_e1_fields(c, d);
}

/* ---------------------------------------------------------------- section D: E0, E1 */

static void check_e0_page(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	if (l->page_len < LG_PAGE_SIZE)
		return;
	for (uint32_t i = 0; i < LG_PAGE_SIZE; i++) {
		uint32_t s = i / LG_E0_SLOT_SIZE;
		if (!l->page[i] ||
		    (s < LG_E0_SLOTS && lg_le16(l->page + s * LG_E0_SLOT_SIZE + LG_E0_TYPE)))
			continue;
		char path[64];
		if (s < LG_E0_SLOTS)
			snprintf(path, sizeof path, "slot[%u]", s);
		else
			snprintf(path, sizeof path, "page");
		lg_report(c, LG_CHK_E0_SLOT_ZERO, l->page_addr + i, path, path,
			  s < LG_E0_SLOTS ? "empty slot %u (type 0) has byte 0x%02x at page offset %u"
					  : "byte %u at page offset %u after the 16 slots is 0x%02x, "
					    "expected 0",
			  s < LG_E0_SLOTS ? s : l->page[i], s < LG_E0_SLOTS ? l->page[i] : i,
			  s < LG_E0_SLOTS ? i : l->page[i]);
		break;
	}
}

static void check_e0_slot(struct lg_ckctx *c, size_t d)
{
	const struct lg_layout *l = c->l;
	const struct lg_e0_slot *s = &l->dev[d].e0;
	char path[64], where[64];

	if (!l->dev[d].type) {
		lg_vq_names(l, d, -1, "type", path, sizeof path, where, sizeof where);
		lg_report(c, LG_CHK_E0_SLOT_TYPE, dev_addr(l, d, LG_E0_TYPE), path, where,
			  "slot %u has type %u: 2.6.23 knows 1 console, 2 net and 3 block", s->slot,
			  s->type);
	}
	if (s->status & ~LG_E0_S_VALID_MASK) {
		lg_vq_names(l, d, -1, "status", path, sizeof path, where, sizeof where);
		lg_report(c, LG_CHK_E0_STATUS_BITS, dev_addr(l, d, LG_E0_STATUS), path, where,
			  "status %#06x has bits %#x outside ACK|DRIVER|DRIVER_OK|REMOVED|"
			  "REMOVED_ACK|FAILED (0x9f)",
			  s->status, s->status & ~LG_E0_S_VALID_MASK);
	}
	if (!s->num_pages && s->pfn) {
		lg_vq_names(l, d, -1, "pfn", path, sizeof path, where, sizeof where);
		lg_report(c, LG_CHK_E0_PFN_NO_PAGES, dev_addr(l, d, LG_E0_PFN), path, where,
			  "pfn %#x with num_pages 0: the Launcher sets the pfn only when it "
			  "allocates pages",
			  s->pfn);
	}
}

/* E0 device memory: after the page, inside the pfn limit, not shared. */
static void check_e0_pages(struct lg_ckctx *c)
{
	const struct lg_layout *l = c->l;
	char path[64], where[64];
	uint64_t page_pfn = l->page_addr >> LG_PAGE_SHIFT;
	for (size_t d = 0; d < l->ndev; d++) {
		const struct lg_e0_slot *s = &l->dev[d].e0;
		if (!s->num_pages)
			continue;
		uint64_t end = (uint64_t)s->pfn + s->num_pages;
		lg_vq_names(l, d, -1, "pfn", path, sizeof path, where, sizeof where);
		uint64_t pa = dev_addr(l, d, LG_E0_PFN);
		if ((uint64_t)s->pfn << LG_PAGE_SHIFT < l->mem || s->pfn <= page_pfn) {
			lg_report(c, LG_CHK_E0_PAGES_ABOVE_RAM, pa, path, where,
				  "device memory at pfn %#x is not above RAM (ends at %#llx) and the "
				  "descriptor page (pfn %#llx)",
				  s->pfn, (unsigned long long)l->mem, (unsigned long long)page_pfn);
			continue;
		}
		if (l->pfn_limit && end > l->pfn_limit)
			lg_report(c, LG_CHK_E0_PAGES_IN_PFNLIMIT, pa, path, where,
				  "device memory pfn %#x + %u pages ends beyond the pfn limit %#llx",
				  s->pfn, s->num_pages, (unsigned long long)l->pfn_limit);
		for (size_t o = 0; o < d; o++) {
			const struct lg_e0_slot *t = &l->dev[o].e0;
			if (!t->num_pages || t->pfn + (uint64_t)t->num_pages <= s->pfn ||
			    end <= t->pfn)
				continue;
			lg_report(c, LG_CHK_E0_PAGES_OVERLAP, pa, path, where,
				  "device memory [pfn %#x, %#llx) overlaps that of slot %u [pfn %#x, "
				  "%#llx)",
				  s->pfn, (unsigned long long)end, t->slot, t->pfn,
				  (unsigned long long)(t->pfn + (uint64_t)t->num_pages));
			break;
		}
	}
}

static void check_e1_fields(struct lg_ckctx *c, size_t d)
{
	const struct lg_layout *l = c->l;
	const struct lg_device *dv = &l->dev[d];
	char path[64], where[64], field[32];
	for (unsigned i = 0; i < dv->e1.nfields; i++) {
		const struct lg_e1_field *f = &dv->e1.field[i];
		uint8_t t = f->type & (uint8_t)~LG_E1_CONSUMED;
		uint64_t fa = dev_addr(l, d, LG_E1_HDR_SIZE + f->off);
		snprintf(field, sizeof field, "field[%u]", i);
		lg_vq_names(l, d, -1, field, path, sizeof path, where, sizeof where);
		if (!f->whole) {
			if (!dv->truncated)
				lg_report(c, LG_CHK_E1_FIELD_IN_DESC, fa, path, where,
					  "field type %#04x at config offset %u (len %u) ends at %u, "
					  "past config_len %u",
					  f->type, f->off, f->len,
					  f->off + 1u < dv->config_len ? f->off + 2u + f->len
								       : f->off + 2u,
					  dv->config_len);
			break;
		}
		int want = lg_devtype_e1_field_len(dv->type, t);
		if (t == LG_E1_F_VIRTQUEUE && f->len != LG_VQC_SIZE)
			lg_report(c, LG_CHK_E1_VQ_LEN, fa + 1, path, where,
				  "virtqueue field of %u bytes, expected 8 (an lguest_vqconfig): the "
				  "Guest says \"Unexpected virtio config len\"",
				  f->len);
		else if (want == 0 && lg_type_name(dv->type))
			lg_report(c, LG_CHK_E1_FIELD_KNOWN, fa, path, where,
				  "field type %#04x is not one the 2.6.24 %s driver reads", t,
				  lg_type_name(dv->type));
		else if (want > 0 && f->len != want)
			lg_report(c, LG_CHK_E1_FIELD_LEN, fa + 1, path, where,
				  "field type %#04x has %u bytes, expected %d", t, f->len, want);
		if ((f->type & LG_E1_CONSUMED) && dv->status == 0)
			lg_report(c, LG_CHK_E1_CONSUMED_EARLY, fa, path, where,
				  "field type %#04x has the consumed bit 0x80, but status is 0: "
				  "no Guest driver has read the device",
				  f->type);
	}
}

/* ---------------------------------------------------------------- section B */

struct vqref {
	size_t d;
	unsigned q;
	bool ring_ok; /* num and pfn passed: the ring's range is meaningful */
	struct lg_ring_geom g;
};

static uint64_t vq_addr(const struct lg_layout *l, size_t d, unsigned q, unsigned field)
{
	uint32_t off = l->dev[d].vq_off[q]; /* 0 in a layout built by hand: E2 */
	return dev_addr(l, d, (off ? off : LG_DESC_HDR_SIZE + LG_VQC_SIZE * q) + field);
}

static void check_vq_fields(struct lg_ckctx *c, struct vqref *v)
{
	const struct lg_layout *l = c->l;
	const struct lg_vq *vq = &l->dev[v->d].vq[v->q];
	char path[64], where[64];
	bool ok = true;

	lg_vq_names(l, v->d, (int)v->q, "num", path, sizeof path, where, sizeof where);
	uint64_t na = vq_addr(l, v->d, v->q, LG_VQC_NUM);
	if (vq->num == 0) {
		lg_report(c, LG_CHK_VQ_NUM_ZERO, na, path, where, "num 0: a ring needs entries");
		ok = false;
	} else if (vq->num > LG_VQ_NUM_MAX) {
		lg_report(c, LG_CHK_VQ_NUM_MAX, na, path, where,
			  "num %u exceeds the largest ring size 32768", vq->num);
		ok = false;
	} else if (vq->num & (vq->num - 1)) {
		lg_report(c, LG_CHK_VQ_NUM_POW2, na, path, where, "num %u is not a power of two",
			  vq->num);
		ok = false;
	}

	lg_vq_names(l, v->d, (int)v->q, "irq", path, sizeof path, where, sizeof where);
	uint64_t ia = vq_addr(l, v->d, v->q, LG_VQC_IRQ);
	if (vq->irq == 0)
		lg_report(c, LG_CHK_VQ_IRQ_ZERO, ia, path, where,
			  "irq 0 belongs to the timer; device irqs start at 1");
	else if (vq->irq >= LG_IRQS)
		lg_report(c, LG_CHK_VQ_IRQ_RANGE, ia, path, where,
			  "irq %u is not below LGUEST_IRQS (32): the Host refuses to raise it",
			  vq->irq);

	lg_vq_names(l, v->d, (int)v->q, "pfn", path, sizeof path, where, sizeof where);
	if (vq->pfn == 0) {
		lg_report(c, LG_CHK_VQ_PFN_ZERO, vq_addr(l, v->d, v->q, LG_VQC_PFN), path, where,
			  "pfn 0 puts the ring on the zero page");
		ok = false;
	}
	v->ring_ok = ok;
	lg_ring_geom(vq->num, vq->pfn, &v->g);
}

static void check_vq_irq_unique(struct lg_ckctx *c, const struct vqref *v, size_t n)
{
	const struct lg_layout *l = c->l;
	char path[64], where[64];
	for (size_t i = 0; i < n; i++) {
		uint16_t irq = l->dev[v[i].d].vq[v[i].q].irq;
		if (irq == 0 || irq >= LG_IRQS)
			continue;
		for (size_t j = 0; j < i; j++) {
			if (l->dev[v[j].d].vq[v[j].q].irq == irq) {
				lg_vq_names(l, v[i].d, (int)v[i].q, "irq", path, sizeof path, where,
					    sizeof where);
				lg_report(c, LG_CHK_VQ_IRQ_UNIQUE,
					  vq_addr(l, v[i].d, v[i].q, LG_VQC_IRQ), path, where,
					  "irq %u is also used by device[%zu].vq[%u]", irq, v[j].d,
					  v[j].q);
				break;
			}
		}
	}
}

static void check_placement(struct lg_ckctx *c, struct vqref *v, size_t n)
{
	const struct lg_layout *l = c->l;
	char path[64], where[64];
	uint64_t page_end = l->page_addr + LG_PAGE_SIZE;
	uint64_t stock = page_end; /* where the bump allocator would put the next ring */
	bool stock_ok = true;
	/* The limit's address, saturated: a pfn limit from a note may be any 64-bit value. */
	uint64_t limit = l->pfn_limit > (UINT64_MAX >> LG_PAGE_SHIFT) ? UINT64_MAX
									 : l->pfn_limit << LG_PAGE_SHIFT;

	for (size_t i = 0; i < n; i++) {
		const struct vqref *r = &v[i];
		if (!r->ring_ok) {
			stock_ok = false;
			continue;
		}
		lg_vq_names(l, r->d, (int)r->q, "pfn", path, sizeof path, where, sizeof where);
		uint64_t pa = vq_addr(l, r->d, r->q, LG_VQC_PFN);
		const struct lg_ring_geom *g = &r->g;

		if (g->end > (1ull << 32))
			lg_report(c, LG_CHK_RING_BELOW_4G, pa, path, where,
				  "ring [%#llx, %#llx) ends above 4 GiB; lguest guests and hosts "
				  "are 32-bit",
				  (unsigned long long)g->desc, (unsigned long long)g->end);
		if (g->desc < l->mem)
			lg_report(c, LG_CHK_RING_ABOVE_RAM, pa, path, where,
				  "ring at %#llx starts inside guest RAM, which ends at %#llx",
				  (unsigned long long)g->desc, (unsigned long long)l->mem);
		else if (g->desc < page_end && g->end > l->page_addr)
			lg_report(c, LG_CHK_RING_ABOVE_RAM, pa, path, where,
				  "ring [%#llx, %#llx) overlaps the descriptor page at %#llx",
				  (unsigned long long)g->desc, (unsigned long long)g->end,
				  (unsigned long long)l->page_addr);
		if (l->pfn_limit && g->end > limit)
			lg_report(c, LG_CHK_RING_IN_PFNLIMIT, pa, path, where,
				  "ring [%#llx, %#llx) ends beyond the pfn limit %#llx (address "
				  "%#llx)",
				  (unsigned long long)g->desc, (unsigned long long)g->end,
				  (unsigned long long)l->pfn_limit, (unsigned long long)limit);
		for (size_t j = 0; j < i; j++) {
			const struct vqref *o = &v[j];
			if (!o->ring_ok || o->g.end <= g->desc || g->end <= o->g.desc)
				continue;
			lg_report(c, LG_CHK_RING_OVERLAP, pa, path, where,
				  "ring [%#llx, %#llx) overlaps the ring of device[%zu].vq[%u] "
				  "[%#llx, %#llx)",
				  (unsigned long long)g->desc, (unsigned long long)g->end, o->d, o->q,
				  (unsigned long long)o->g.desc, (unsigned long long)o->g.end);
			break;
		}
		if (stock_ok && g->desc != stock) {
			lg_report(c, LG_CHK_RING_STOCK_ORDER, pa, path, where,
				  "ring at pfn %#x, where the Launcher's allocator would have put it "
				  "at pfn %#llx",
				  l->dev[r->d].vq[r->q].pfn,
				  (unsigned long long)(stock >> LG_PAGE_SHIFT));
			stock_ok = false; /* one note is enough: the rest follow from it */
		}
		stock = g->desc + g->pages * LG_PAGE_SIZE;
	}
}

static int check_rings_in_image(struct lg_ckctx *c, struct vqref *v, size_t n)
{
	const struct lg_layout *l = c->l;
	char path[64], where[64];
	if (!c->img)
		return 0;
	if (!c->cfg->image_has_area) {
		/* Does the image hold anything besides the page?  If not, it is a bare page. */
		uint64_t total = 0;
		for (size_t i = 0; i < lg_image_range_count(c->img); i++) {
			uint64_t a, len;
			lg_image_range(c->img, i, &a, &len);
			total += len;
		}
		uint64_t in_page = lg_image_backed(c->img, l->page_addr, LG_PAGE_SIZE);
		if (total <= in_page) {
			if (n)
				c->st->rings_unchecked = true;
			return 0;
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct vqref *r = &v[i];
		if (!r->ring_ok)
			continue;
		uint64_t have = lg_image_backed(c->img, r->g.desc, r->g.size);
		if (have < r->g.size) {
			lg_vq_names(l, r->d, (int)r->q, "pfn", path, sizeof path, where,
				    sizeof where);
			lg_report(c, LG_CHK_RING_IN_IMAGE, vq_addr(l, r->d, r->q, LG_VQC_PFN), path,
				  where,
				  "ring [%#llx, %#llx) is not in the image: %s at %#llx",
				  (unsigned long long)r->g.desc, (unsigned long long)r->g.end,
				  have ? "it stops" : "nothing is mapped",
				  (unsigned long long)(r->g.desc + have));
			continue;
		}
		c->st->rings_checked++;
		int rc = lg_check_ring_state(c, r->d, r->q);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int lg_check_layout(const struct lg_layout *l, const struct lg_image *img,
		    const struct lg_check_config *cfg, lg_sink_fn sink, void *ctx,
		    struct lg_check_stats *stats)
{
	struct lg_check_config dflt;
	struct lg_check_stats st_local;
	if (!l)
		return LG_ERR_PARAM;
	if (!cfg) {
		lg_check_config_init(&dflt);
		cfg = &dflt;
	}
	if (!stats)
		stats = &st_local;
	memset(stats, 0, sizeof *stats);
	struct lg_ckctx c = {l, img, cfg, sink, ctx, stats, false};

	check_page(&c);
	size_t nvq = 0;
	for (size_t d = 0; d < l->ndev; d++) {
		check_device(&c, d);
		nvq += l->dev[d].vqs_present;
	}
	struct vqref *v = calloc(nvq ? nvq : 1, sizeof *v);
	if (!v)
		return LG_ERR_NOMEM;
	size_t n = 0;
	for (size_t d = 0; d < l->ndev; d++)
		for (unsigned q = 0; q < l->dev[d].vqs_present; q++) {
			v[n] = (struct vqref){.d = d, .q = q};
			check_vq_fields(&c, &v[n]);
			n++;
		}
	check_vq_irq_unique(&c, v, n);
	if (l->era == LG_ERA_E0)
		check_e0_pages(&c);
	check_placement(&c, v, n);
	int rc = check_rings_in_image(&c, v, n);
	free(v);
	return rc;
}
