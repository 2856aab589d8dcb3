/* SPDX-License-Identifier: MIT */
/* report_json.c — lgcheck's machine-readable reports, built with cJSON. */
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "report_json.h"
#include "lgkit/ring.h"

static cJSON *hexnum(uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%#llx", (unsigned long long)v);
	return cJSON_CreateString(buf);
}

static void add_hex(cJSON *o, const char *k, const uint8_t *p, size_t n)
{
	char *h = lgt_hex(p, n);
	cJSON_AddItemToObject(o, k, cJSON_CreateString(h ? h : ""));
	free(h);
}

/* The ring's state read from the image: indices, flags, outstanding chains. */
static void ring_state_json(cJSON *v, const struct lg_image *img, const struct lg_layout *l,
			    size_t d, unsigned q)
{
	struct lg_ring_state rs;
	const struct lg_vq *vq = &l->dev[d].vq[q];
	if (!img || lg_ring_read(img, vq->num, vq->pfn, &rs) < 0)
		return;
	cJSON *s = cJSON_AddObjectToObject(v, "state");
	cJSON_AddNumberToObject(s, "avail_idx", rs.avail_idx);
	cJSON_AddNumberToObject(s, "avail_flags", rs.avail_flags);
	cJSON_AddNumberToObject(s, "used_event", rs.used_event);
	cJSON_AddNumberToObject(s, "used_idx", rs.used_idx);
	cJSON_AddNumberToObject(s, "used_flags", rs.used_flags);
	cJSON_AddNumberToObject(s, "avail_event", rs.avail_event);
	cJSON_AddNumberToObject(s, "outstanding", rs.pending);
	if (rs.pending > rs.num)
		return; /* idx_window: the window is not meaningful */
	cJSON *arr = cJSON_AddArrayToObject(s, "chains");
	if (!rs.pending)
		return;
	struct lg_walk_opts o;
	lg_walk_opts_for(l, d, &o);
	struct lg_chain *ch = calloc(rs.pending, sizeof *ch);
	int n = ch ? lg_ring_outstanding(img, &rs, &o, ch, rs.pending) : LG_ERR_NOMEM;
	for (int i = 0; i < n; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, c);
		cJSON_AddNumberToObject(c, "slot", (uint16_t)(rs.used_idx + i) % rs.num);
		cJSON_AddNumberToObject(c, "head", ch[i].head);
		cJSON_AddNumberToObject(c, "buffers", ch[i].nbufs);
		cJSON_AddNumberToObject(c, "descriptors", ch[i].ndesc);
		cJSON_AddNumberToObject(c, "out_bytes", (double)ch[i].out_bytes);
		cJSON_AddNumberToObject(c, "in_bytes", (double)ch[i].in_bytes);
		cJSON_AddBoolToObject(c, "indirect", ch[i].indirect);
		if (ch[i].fault >= 0)
			cJSON_AddStringToObject(
				c, "fault", lg_check_info((enum lg_check_id)ch[i].fault)->name);
		else
			cJSON_AddNullToObject(c, "fault");
	}
	free(ch);
}

static void e0_json(cJSON *o, const struct lg_e0_slot *s)
{
	cJSON *e = cJSON_AddObjectToObject(o, "e0");
	cJSON_AddNumberToObject(e, "slot", s->slot);
	cJSON_AddNumberToObject(e, "irq", s->slot + 1);
	cJSON_AddNumberToObject(e, "type", s->type);
	cJSON_AddNumberToObject(e, "features", s->features);
	cJSON_AddNumberToObject(e, "status", s->status);
	cJSON_AddNumberToObject(e, "num_pages", s->num_pages);
	cJSON_AddNumberToObject(e, "pfn", s->pfn);
	if (s->page_read)
		add_hex(e, "page_head", s->page_head, sizeof s->page_head);
	else
		cJSON_AddNullToObject(e, "page_head");
}

static void e1_json(cJSON *o, const struct lg_device *dv)
{
	cJSON *arr = cJSON_AddArrayToObject(cJSON_AddObjectToObject(o, "e1"), "fields");
	for (unsigned i = 0; i < dv->e1.nfields; i++) {
		const struct lg_e1_field *f = &dv->e1.field[i];
		cJSON *fo = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, fo);
		cJSON_AddNumberToObject(fo, "offset", f->off);
		cJSON_AddNumberToObject(fo, "type", f->type & (uint8_t)~LG_E1_CONSUMED);
		cJSON_AddBoolToObject(fo, "consumed", (f->type & LG_E1_CONSUMED) != 0);
		cJSON_AddNumberToObject(fo, "len", f->len);
		cJSON_AddBoolToObject(fo, "whole", f->whole);
		if (f->whole)
			add_hex(fo, "data", dv->config + f->off + 2, f->len);
		else
			cJSON_AddNullToObject(fo, "data");
	}
}

static cJSON *devices_json(const struct lg_layout *l, const struct lg_image *img)
{
	cJSON *arr = cJSON_CreateArray();
	for (size_t d = 0; arr && d < l->ndev; d++) {
		const struct lg_device *dv = &l->dev[d];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		cJSON_AddNumberToObject(o, "offset", dv->offset);
		cJSON_AddNumberToObject(o, "type", dv->type);
		const char *tn = lg_type_name(dv->type);
		cJSON_AddItemToObject(o, "type_name", tn ? cJSON_CreateString(tn) : cJSON_CreateNull());
		cJSON_AddNumberToObject(o, "num_vq", dv->num_vq);
		cJSON_AddNumberToObject(o, "feature_len", dv->feature_len);
		cJSON_AddNumberToObject(o, "config_len", dv->config_len);
		cJSON_AddNumberToObject(o, "status", dv->status);
		cJSON_AddBoolToObject(o, "truncated", dv->truncated);
		cJSON *vqs = cJSON_AddArrayToObject(o, "vqs");
		for (unsigned q = 0; q < dv->vqs_present; q++) {
			cJSON *v = cJSON_CreateObject();
			cJSON_AddItemToArray(vqs, v);
			cJSON_AddNumberToObject(v, "num", dv->vq[q].num);
			cJSON_AddNumberToObject(v, "irq", dv->vq[q].irq);
			cJSON_AddNumberToObject(v, "pfn", dv->vq[q].pfn);
			if (dv->vq[q].num) {
				struct lg_ring_geom g;
				lg_ring_geom(dv->vq[q].num, dv->vq[q].pfn, &g);
				cJSON *ring = cJSON_AddObjectToObject(v, "ring");
				cJSON_AddItemToObject(ring, "desc", hexnum(g.desc));
				cJSON_AddItemToObject(ring, "avail", hexnum(g.avail));
				cJSON_AddItemToObject(ring, "used", hexnum(g.used));
				cJSON_AddItemToObject(ring, "end", hexnum(g.end));
			}
			ring_state_json(v, img, l, d, q);
		}
		add_hex(o, "host_features", dv->host_features, dv->feature_len);
		add_hex(o, "guest_features", dv->guest_features, dv->feature_len);
		add_hex(o, "config", dv->config, dv->config_len);
		if (l->era == LG_ERA_E0)
			e0_json(o, &dv->e0);
		else if (l->era == LG_ERA_E1)
			e1_json(o, dv);
	}
	return arr;
}

static int emit(FILE *out, cJSON *root)
{
	char *s = root ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	if (!s)
		return -1;
	fputs(s, out);
	fputc('\n', out);
	free(s);
	return 0;
}

int lgc_print_json(FILE *out, const struct lgc_run *r)
{
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return -1;
	cJSON_AddStringToObject(root, "file", r->file);
	cJSON_AddStringToObject(root, "image", r->image_kind);
	cJSON *page = cJSON_AddObjectToObject(root, "page");
	cJSON_AddItemToObject(page, "address", hexnum(r->layout->page_addr));
	cJSON_AddStringToObject(page, "found_by", r->page_source);
	cJSON_AddStringToObject(page, "era", lg_era_name(r->layout->era));
	cJSON_AddItemToObject(page, "mem", hexnum(r->layout->mem));
	cJSON_AddItemToObject(page, "pfn_limit",
			      r->layout->pfn_limit ? hexnum(r->layout->pfn_limit) : cJSON_CreateNull());
	cJSON_AddNumberToObject(page, "bytes", (double)r->layout->page_len);
	cJSON_AddBoolToObject(page, "terminated", r->layout->terminated);
	cJSON_AddNumberToObject(page, "end", r->layout->end);
	cJSON_AddItemToObject(root, "devices", devices_json(r->layout, r->img));
	if (r->scan) {
		cJSON *sc = cJSON_AddObjectToObject(root, "scan");
		cJSON_AddNumberToObject(sc, "plausible", (double)r->nscan);
		cJSON *ca = cJSON_AddArrayToObject(sc, "candidates");
		for (size_t i = 0; i < r->nscan && i < LGC_SCAN_MAX; i++) {
			const struct lg_scan_candidate *c = &r->scan[i];
			cJSON *o = cJSON_CreateObject();
			cJSON_AddItemToArray(ca, o);
			cJSON_AddItemToObject(o, "address", hexnum(c->page_addr));
			cJSON_AddNumberToObject(o, "score", (double)c->score);
			cJSON_AddNumberToObject(o, "devices", c->ndev);
			cJSON_AddNumberToObject(o, "vqs", c->nvq);
			cJSON_AddNumberToObject(o, "rings_in_image", c->rings_checked);
			cJSON_AddNumberToObject(o, "errors", c->errors);
			cJSON_AddNumberToObject(o, "warnings", c->warnings);
			cJSON_AddNumberToObject(o, "notes", c->notes);
		}
	}
	cJSON *fa = cJSON_AddArrayToObject(root, "findings");
	for (size_t i = 0; i < r->findings->n; i++) {
		const struct lg_finding *f = &r->findings->f[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(fa, o);
		cJSON_AddStringToObject(o, "check", f->name);
		cJSON_AddStringToObject(o, "severity", lg_severity_name(f->severity));
		cJSON_AddItemToObject(o, "address", hexnum(f->addr));
		cJSON_AddStringToObject(o, "path", f->path);
		cJSON_AddStringToObject(o, "message", f->msg);
	}
	cJSON *sum = cJSON_AddObjectToObject(root, "summary");
	cJSON_AddNumberToObject(sum, "errors", r->stats->errors);
	cJSON_AddNumberToObject(sum, "warnings", r->stats->warnings);
	cJSON_AddNumberToObject(sum, "notes", r->stats->notes);
	cJSON_AddBoolToObject(sum, "rings_unchecked", r->stats->rings_unchecked);
	cJSON_AddNumberToObject(sum, "rings_checked", r->stats->rings_checked);
	return emit(out, root);
}

static const char *sarif_level(enum lg_severity s)
{
	return s == LG_SEV_ERROR ? "error" : s == LG_SEV_WARNING ? "warning" : "note";
}

int lgc_print_sarif(FILE *out, const struct lgc_run *r)
{
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return -1;
	cJSON_AddStringToObject(root, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	cJSON_AddStringToObject(root, "version", "2.1.0");
	cJSON *runs = cJSON_AddArrayToObject(root, "runs");
	cJSON *run = cJSON_CreateObject();
	cJSON_AddItemToArray(runs, run);
	cJSON *tool = cJSON_AddObjectToObject(run, "tool");
	cJSON *drv = cJSON_AddObjectToObject(tool, "driver");
	cJSON_AddStringToObject(drv, "name", "lgcheck");
	cJSON_AddStringToObject(drv, "version", LGKIT_VERSION);
	cJSON *rules = cJSON_AddArrayToObject(drv, "rules");
	for (int i = 0; i < LG_CHECK_COUNT; i++) {
		const struct lg_check_info *ci = lg_check_info((enum lg_check_id)i);
		cJSON *rule = cJSON_CreateObject();
		cJSON_AddItemToArray(rules, rule);
		cJSON_AddStringToObject(rule, "id", ci->name);
		cJSON *sd = cJSON_AddObjectToObject(rule, "shortDescription");
		cJSON_AddStringToObject(sd, "text", ci->summary);
		cJSON *dc = cJSON_AddObjectToObject(rule, "defaultConfiguration");
		cJSON_AddStringToObject(dc, "level", sarif_level(ci->severity));
	}
	cJSON *res = cJSON_AddArrayToObject(run, "results");
	for (size_t i = 0; i < r->findings->n; i++) {
		const struct lg_finding *f = &r->findings->f[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(res, o);
		cJSON_AddStringToObject(o, "ruleId", f->name);
		cJSON_AddNumberToObject(o, "ruleIndex", f->check);
		cJSON_AddStringToObject(o, "level", sarif_level(f->severity));
		cJSON *m = cJSON_AddObjectToObject(o, "message");
		char text[400];
		snprintf(text, sizeof text, "%s%s%s", f->where, f->where[0] ? ": " : "", f->msg);
		cJSON_AddStringToObject(m, "text", text);
		cJSON *locs = cJSON_AddArrayToObject(o, "locations");
		cJSON *loc = cJSON_CreateObject();
		cJSON_AddItemToArray(locs, loc);
		cJSON *pl = cJSON_AddObjectToObject(loc, "physicalLocation");
		cJSON *al = cJSON_AddObjectToObject(pl, "artifactLocation");
		cJSON_AddStringToObject(al, "uri", r->file);
		cJSON *ll = cJSON_AddArrayToObject(loc, "logicalLocations");
		cJSON *l1 = cJSON_CreateObject();
		cJSON_AddItemToArray(ll, l1);
		cJSON_AddStringToObject(l1, "fullyQualifiedName", f->path);
		cJSON *props = cJSON_AddObjectToObject(o, "properties");
		cJSON_AddItemToObject(props, "address", hexnum(f->addr));
	}
	return emit(out, root);
}
