/* SPDX-License-Identifier: MIT */
/* report_json.c — lgcheck's machine-readable reports, built with cJSON. */
#include <stdio.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "report_json.h"

static cJSON *hexnum(uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%#llx", (unsigned long long)v);
	return cJSON_CreateString(buf);
}

/* Numbers under keys[i] in o, in the keys' order (the members of a fixed-shape object). */
static void add_numbers(cJSON *o, const char *const *keys, const double *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cJSON_AddNumberToObject(o, keys[i], v[i]);
}

/* ADD_NUMBERS(o, KEYS, values...): one value per key of the array KEYS, checked when built. */
#define ADD_NUMBERS(o, keys, ...)                                                                 \
	do {                                                                                      \
		const double v_[] = {__VA_ARGS__};                                                \
		_Static_assert(sizeof v_ / sizeof v_[0] == sizeof(keys) / sizeof(keys)[0],        \
			       "one value per key");                                              \
		add_numbers(o, keys, v_, sizeof v_ / sizeof v_[0]);                               \
	} while (0)

static void add_hex(cJSON *o, const char *k, const uint8_t *p, size_t n)
{
	char *h = lgt_hex(p, n);
	cJSON_AddItemToObject(o, k, cJSON_CreateString(h ? h : ""));
	free(h);
}

void lgc_ring_load(const struct lg_image *img, const struct lg_layout *l, size_t d, unsigned q,
		   struct lgc_ring *r)
{
	const struct lg_vq *vq = &l->dev[d].vq[q];
	memset(r, 0, sizeof *r);
	r->rc = img ? lg_ring_read(img, vq->num, vq->pfn, &r->rs, NULL) : LG_ERR_PARAM;
	if (r->rc < 0 || r->rs.pending == 0 || r->rs.pending > r->rs.num)
		return;
	struct lg_walk_opts o;
	lg_walk_opts_for(l, d, &o);
	r->ch = calloc(r->rs.pending, sizeof *r->ch);
	r->n = r->ch ? lg_ring_outstanding(img, &r->rs, &o, r->ch, r->rs.pending, NULL)
		     : LG_ERR_NOMEM;
}

void lgc_ring_free(struct lgc_ring *r)
{
	free(r->ch);
	r->ch = NULL;
}

/* The ring's state read from the image: indices, flags, outstanding chains. */
static void ring_state_json(cJSON *v, const struct lg_image *img, const struct lg_layout *l,
			    size_t d, unsigned q)
{
	struct lgc_ring r;
	lgc_ring_load(img, l, d, q, &r);
	if (r.rc < 0)
		return;
	const struct lg_ring_state *rs = &r.rs;
	static const char *const state_keys[] = {"avail_idx",  "avail_flags", "used_event",
						 "used_idx",   "used_flags",  "avail_event",
						 "outstanding"};
	static const char *const chain_keys[] = {"slot",	"head",	     "buffers",
						 "descriptors", "out_bytes", "in_bytes"};
	cJSON *s = cJSON_AddObjectToObject(v, "state");
	ADD_NUMBERS(s, state_keys, rs->avail_idx, rs->avail_flags, rs->used_event, rs->used_idx,
		    rs->used_flags, rs->avail_event, rs->pending);
	if (rs->pending > rs->num)
		return; /* idx_window: the window is not meaningful */
	cJSON *arr = cJSON_AddArrayToObject(s, "chains");
	for (int i = 0; i < r.n; i++) {
		const struct lg_chain *ch = &r.ch[i];
		cJSON *c = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, c);
		ADD_NUMBERS(c, chain_keys, (uint16_t)(rs->used_idx + i) % rs->num, ch->head, ch->nbufs,
			    ch->ndesc, (double)ch->out_bytes, (double)ch->in_bytes);
		cJSON_AddBoolToObject(c, "indirect", ch->indirect);
		if (ch->fault >= 0)
			cJSON_AddStringToObject(c, "fault",
						lg_check_info((enum lg_check_id)ch->fault)->name);
		else
			cJSON_AddNullToObject(c, "fault");
	}
	lgc_ring_free(&r);
}

static void e0_json(cJSON *o, const struct lg_e0_slot *s)
{
	static const char *const keys[] = {"slot",   "irq",	  "type", "features",
					   "status", "num_pages", "pfn"};
	cJSON *e = cJSON_AddObjectToObject(o, "e0");
	ADD_NUMBERS(e, keys, s->slot, s->slot + 1, s->type, s->features, s->status, s->num_pages,
		    s->pfn);
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
	static const char *const dev_keys[] = {"num_vq", "feature_len", "config_len", "status"};
	static const char *const vq_keys[] = {"num", "irq", "pfn"};
	cJSON *arr = cJSON_CreateArray();
	for (size_t d = 0; arr && d < l->ndev; d++) {
		const struct lg_device *dv = &l->dev[d];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, o);
		cJSON_AddNumberToObject(o, "offset", dv->offset);
		cJSON_AddNumberToObject(o, "type", dv->type);
		const char *tn = lg_type_name(dv->type);
		cJSON_AddItemToObject(o, "type_name", tn ? cJSON_CreateString(tn) : cJSON_CreateNull());
		ADD_NUMBERS(o, dev_keys, dv->num_vq, dv->feature_len, dv->config_len, dv->status);
		cJSON_AddBoolToObject(o, "truncated", dv->truncated);
		cJSON *vqs = cJSON_AddArrayToObject(o, "vqs");
		for (unsigned q = 0; q < dv->vqs_present; q++) {
			cJSON *v = cJSON_CreateObject();
			cJSON_AddItemToArray(vqs, v);
			ADD_NUMBERS(v, vq_keys, dv->vq[q].num, dv->vq[q].irq, dv->vq[q].pfn);
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

static cJSON *u64num(uint64_t v)
{
	char buf[24];
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)v);
	return cJSON_CreateRaw(buf); /* exact above 2^53, where a double would round */
}

static cJSON *report_json(const struct lgc_run *r)
{
	cJSON *root = cJSON_CreateObject();
	if (!root)
		return NULL;
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
		static const char *const scan_keys[] = {"score",    "devices",	"vqs",	"rings_in_image",
							"errors",   "warnings", "notes"};
		cJSON *ca = cJSON_AddArrayToObject(sc, "candidates");
		for (size_t i = 0; i < r->nscan && i < LGC_SCAN_MAX; i++) {
			const struct lg_scan_candidate *c = &r->scan[i];
			cJSON *o = cJSON_CreateObject();
			cJSON_AddItemToArray(ca, o);
			cJSON_AddItemToObject(o, "address", hexnum(c->page_addr));
			ADD_NUMBERS(o, scan_keys, (double)c->score, c->ndev, c->nvq, c->rings_checked,
				    c->errors, c->warnings, c->notes);
			cJSON_AddBoolToObject(o, "clean", c->score > -LG_SCAN_LOOSE / 2);
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
	return root;
}

static const char *sarif_level(enum lg_severity s)
{
	return s == LG_SEV_ERROR ? "error" : s == LG_SEV_WARNING ? "warning" : "note";
}

/* A file name as a URI reference (RFC 3986): every byte but the unreserved ones and '/'
 * as %XX, so spaces, '%', '#', '?' and bytes that are not UTF-8 survive. */
static char *uri_of(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	char *u = malloc(strlen(path) * 3 + 1), *p = u;
	if (!u)
		return NULL;
	for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
		if (isalnum(*s) || strchr("-._~/", *s)) {
			*p++ = (char)*s;
		} else {
			*p++ = '%';
			*p++ = hex[*s >> 4];
			*p++ = hex[*s & 15];
		}
	}
	*p = 0;
	return u;
}

static void add_uri(cJSON *o, const char *path, int index)
{
	char *u = uri_of(path);
	cJSON_AddStringToObject(o, "uri", u ? u : "");
	free(u);
	if (index >= 0)
		cJSON_AddNumberToObject(o, "index", index);
}

/* The size of the field a finding's path ends in, when it is one of the descriptor's
 * fixed fields; 1 (the byte the finding's address names) otherwise. */
static unsigned field_bytes(const char *path)
{
	static const struct {
		const char *field;
		unsigned bytes;
	} fields[] = {{".num", 2}, {".irq", 2}, {".pfn", 4}};
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		size_t k = strlen(fields[i].field);
		if (n >= k && strcmp(path + n - k, fields[i].field) == 0)
			return fields[i].bytes;
	}
	return 1;
}

static cJSON *sarif_rules(void)
{
	static const char *const sections[] = {"the device page",
					       "virtqueue configuration and placement", "ring state",
					       "eras before E2"};
	const size_t nsections = sizeof sections / sizeof sections[0];
	cJSON *rules = cJSON_CreateArray();
	for (unsigned i = 0; rules && i < lg_check_count(); i++) {
		const struct lg_check_info *ci = lg_check_info((enum lg_check_id)i);
		char text[600], pre[300] = "";
		size_t n = 0;
		for (int k = 0, p; (p = lg_check_prereq((enum lg_check_id)i, (unsigned)k)) >= 0 &&
				   n < sizeof pre;
		     k++)
			n += (size_t)snprintf(pre + n, sizeof pre - n, "%s%s", k ? " " : "",
					      lg_check_info((enum lg_check_id)p)->name);
		cJSON *rule = cJSON_CreateObject();
		cJSON_AddItemToArray(rules, rule);
		cJSON_AddStringToObject(rule, "id", ci->name);
		cJSON *sd = cJSON_AddObjectToObject(rule, "shortDescription");
		cJSON_AddStringToObject(sd, "text", ci->summary);
		snprintf(text, sizeof text, "Fires when %s. Section %c (%s); default severity %s%s%s.",
			 ci->summary, ci->section,
			 (size_t)(ci->section - 'A') < nsections ? sections[ci->section - 'A'] : "other",
			 lg_severity_name(ci->severity),
			 pre[0] ? "; reports nothing for an item where this fired first: " : "", pre);
		cJSON *fd = cJSON_AddObjectToObject(rule, "fullDescription");
		cJSON_AddStringToObject(fd, "text", text);
		snprintf(text, sizeof text, "%s#%s", LGCHECK_CHECKS_URI, ci->name);
		cJSON_AddStringToObject(rule, "helpUri", text);
		cJSON *dc = cJSON_AddObjectToObject(rule, "defaultConfiguration");
		cJSON_AddStringToObject(dc, "level", sarif_level(ci->severity));
	}
	return rules;
}

struct lgc_report {
	enum lgt_format fmt;
	cJSON *root;      /* json: the array of reports; sarif: the log */
	cJSON *artifacts, *results, *invocation, *notes; /* sarif */
	int nfiles;
	bool failed;
};

struct lgc_report *lgc_report_new(enum lgt_format fmt)
{
	struct lgc_report *rep = calloc(1, sizeof *rep);
	if (!rep)
		return NULL;
	rep->fmt = fmt;
	if (fmt == LGT_JSON) {
		rep->root = cJSON_CreateArray();
	} else {
		rep->root = cJSON_CreateObject();
		cJSON *root = rep->root;
		cJSON_AddStringToObject(root, "$schema",
					"https://json.schemastore.org/sarif-2.1.0.json");
		cJSON_AddStringToObject(root, "version", "2.1.0");
		cJSON *runs = cJSON_AddArrayToObject(root, "runs");
		cJSON *run = cJSON_CreateObject();
		cJSON_AddItemToArray(runs, run);
		cJSON *tool = cJSON_AddObjectToObject(run, "tool");
		cJSON *drv = cJSON_AddObjectToObject(tool, "driver");
		cJSON_AddStringToObject(drv, "name", "lgcheck");
		cJSON_AddStringToObject(drv, "version", LGKIT_VERSION);
		cJSON_AddStringToObject(drv, "informationUri", LGCHECK_CHECKS_URI);
		cJSON_AddItemToObject(drv, "rules", sarif_rules());
		cJSON *inv = cJSON_AddArrayToObject(run, "invocations");
		rep->invocation = cJSON_CreateObject();
		cJSON_AddItemToArray(inv, rep->invocation);
		rep->notes = cJSON_CreateArray();
		rep->artifacts = cJSON_AddArrayToObject(run, "artifacts");
		rep->results = cJSON_AddArrayToObject(run, "results");
		if (!rep->notes || !rep->results) {
			cJSON_Delete(rep->notes);
			rep->notes = NULL;
		}
	}
	if (!rep->root || (fmt != LGT_JSON && !rep->notes)) {
		cJSON_Delete(rep->root);
		free(rep);
		return NULL;
	}
	return rep;
}

/* The artifact for path, its index in run.artifacts. */
static int sarif_artifact(struct lgc_report *rep, const char *path, const char *image_kind)
{
	cJSON *a = cJSON_CreateObject();
	cJSON_AddItemToArray(rep->artifacts, a);
	add_uri(cJSON_AddObjectToObject(a, "location"), path, -1);
	if (image_kind) {
		cJSON *props = cJSON_AddObjectToObject(a, "properties");
		cJSON_AddStringToObject(props, "image", image_kind);
	}
	return cJSON_GetArraySize(rep->artifacts) - 1;
}

static void sarif_add(struct lgc_report *rep, const struct lgc_run *r)
{
	int ai = sarif_artifact(rep, r->path, r->image_kind);
	uint64_t base = 0, len = 0;
	bool raw = r->img && lg_image_kind(r->img) == LG_IMAGE_RAW &&
		   lg_image_range(r->img, 0, &base, &len) == 0;
	for (size_t i = 0; i < r->findings->n; i++) {
		const struct lg_finding *f = &r->findings->f[i];
		cJSON *o = cJSON_CreateObject();
		cJSON_AddItemToArray(rep->results, o);
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
		add_uri(cJSON_AddObjectToObject(pl, "artifactLocation"), r->path, ai);
		if (raw && f->addr >= base && f->addr - base < len) {
			unsigned n = field_bytes(f->path);
			cJSON *rg = cJSON_AddObjectToObject(pl, "region");
			cJSON_AddItemToObject(rg, "byteOffset", u64num(f->addr - base));
			cJSON_AddNumberToObject(rg, "byteLength",
						n < len - (f->addr - base) ? n : (double)(len - (f->addr - base)));
		}
		cJSON *ad = cJSON_AddObjectToObject(pl, "address");
		cJSON_AddItemToObject(ad, "absoluteAddress", u64num(f->addr));
		cJSON_AddStringToObject(ad, "kind", "data");
		cJSON *ll = cJSON_AddArrayToObject(loc, "logicalLocations");
		cJSON *l1 = cJSON_CreateObject();
		cJSON_AddItemToArray(ll, l1);
		cJSON_AddStringToObject(l1, "fullyQualifiedName", f->path);
		cJSON *props = cJSON_AddObjectToObject(o, "properties");
		cJSON_AddItemToObject(props, "address", hexnum(f->addr));
	}
}

int lgc_report_add(struct lgc_report *rep, const struct lgc_run *r)
{
	rep->nfiles++;
	if (rep->fmt == LGT_JSON) {
		cJSON *o = report_json(r);
		if (!o)
			return -1;
		cJSON_AddItemToArray(rep->root, o);
	} else {
		sarif_add(rep, r);
	}
	return 0;
}

int lgc_report_fail(struct lgc_report *rep, const char *file, const char *path, const char *msg)
{
	rep->nfiles++;
	rep->failed = true;
	if (rep->fmt == LGT_JSON) {
		cJSON *o = cJSON_CreateObject();
		if (!o)
			return -1;
		cJSON_AddItemToArray(rep->root, o);
		cJSON_AddStringToObject(o, "file", file);
		cJSON *e = cJSON_AddObjectToObject(o, "error");
		cJSON_AddStringToObject(e, "message", msg);
		return 0;
	}
	int ai = sarif_artifact(rep, path, NULL);
	cJSON *n = cJSON_CreateObject();
	cJSON_AddItemToArray(rep->notes, n);
	cJSON_AddStringToObject(n, "level", "error");
	cJSON *m = cJSON_AddObjectToObject(n, "message");
	cJSON_AddStringToObject(m, "text", msg);
	cJSON *locs = cJSON_AddArrayToObject(n, "locations");
	cJSON *loc = cJSON_CreateObject();
	cJSON_AddItemToArray(locs, loc);
	cJSON *pl = cJSON_AddObjectToObject(loc, "physicalLocation");
	add_uri(cJSON_AddObjectToObject(pl, "artifactLocation"), path, ai);
	return 0;
}

int lgc_report_print(FILE *out, struct lgc_report *rep, bool many, int exit_code)
{
	cJSON *root = rep->root;
	if (rep->fmt == LGT_JSON && !many && cJSON_GetArraySize(root) == 1)
		root = cJSON_DetachItemFromArray(rep->root, 0); /* one FILE: the object alone */
	if (rep->fmt != LGT_JSON) {
		cJSON_AddNumberToObject(rep->invocation, "exitCode", exit_code);
		cJSON_AddBoolToObject(rep->invocation, "executionSuccessful", !rep->failed);
		cJSON_AddItemToObject(rep->invocation, "toolExecutionNotifications", rep->notes);
		rep->notes = NULL;
	}
	char *s = root ? cJSON_Print(root) : NULL;
	if (root != rep->root)
		cJSON_Delete(root);
	if (!s)
		return -1;
	fputs(s, out);
	fputc('\n', out);
	free(s);
	return 0;
}

void lgc_report_free(struct lgc_report *rep)
{
	if (!rep)
		return;
	cJSON_Delete(rep->notes);
	cJSON_Delete(rep->root);
	free(rep);
}
