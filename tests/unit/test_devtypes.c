/* SPDX-License-Identifier: MIT */
/* test_devtypes — the layout schema stays in step with the library's device-type table.
 *
 * test_devtypes SCHEMA: for every known type (lg_type_name over ids 1..255) the schema's
 * device "type" enum lists it, in id order; a type with typed config fields has
 * $defs/NAME_config with exactly those keys, in offset order, each of the field's kind
 * (u8/u16/u32/u64 by $ref, a MAC pattern, a string for a variable-length field); a type
 * with device feature names has $defs/NAME_features listing them and the transport names
 * in bit order; both are selected by an allOf if/then on the type's name and id, and the
 * allOf entry for every other type ("not" those) excludes exactly those types.  Also the table's
 * own rules: fields in offset order, no overlap, a variable-length field only last.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "lgkit/lgkit.h"
#include "testutil.h"

static cJSON *load(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	static char buf[1 << 18];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	return cJSON_Parse(buf);
}

static const char *kind_ref(enum lg_field_kind k)
{
	switch (k) {
	case LG_FIELD_U8:
		return "#/$defs/u8";
	case LG_FIELD_U16:
		return "#/$defs/u16";
	case LG_FIELD_U32:
		return "#/$defs/u32";
	case LG_FIELD_U64:
		return "#/$defs/u64";
	default:
		return NULL;
	}
}

/* Whether the allOf entry selects exactly name and id through "if". */
static bool selects(const cJSON *entry, const char *name, unsigned id)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(entry, "if");
	e = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e, "properties"),
					     "type");
	e = cJSON_GetObjectItemCaseSensitive(e, "enum");
	return cJSON_GetArraySize(e) == 2 && cJSON_IsString(cJSON_GetArrayItem(e, 0)) &&
	       strcmp(cJSON_GetArrayItem(e, 0)->valuestring, name) == 0 &&
	       cJSON_GetArrayItem(e, 1)->valuedouble == id;
}

static void check_config(const cJSON *defs, unsigned id, const char *name)
{
	char key[48];
	snprintf(key, sizeof key, "%s_config", name);
	const cJSON *cfg = cJSON_GetObjectItemCaseSensitive(defs, key);
	const struct lg_config_field *f0 = lg_config_field(id, 0);
	if (!f0) {
		EXPECT(!cfg, "$defs/%s exists but %s has no typed config fields", key, name);
		return;
	}
	EXPECT(cfg, "$defs/%s is missing: %s has typed config fields", key, name);
	const cJSON *props = cJSON_GetObjectItemCaseSensitive(cfg, "properties");
	const cJSON *p = props ? props->child : NULL;
	unsigned end = 0;
	const struct lg_config_field *f;
	for (unsigned i = 0; (f = lg_config_field(id, i)); i++, p = p ? p->next : NULL) {
		EXPECT(f->off >= end, "%s.%s at %u overlaps the field before (ends at %u)", name,
		       f->name, f->off, end);
		EXPECT(f->kind != LG_FIELD_BYTES || !lg_config_field(id, i + 1),
		       "%s.%s is variable-length but not last", name, f->name);
		end = f->off + f->size;
		EXPECT(p && strcmp(p->string, f->name) == 0, "$defs/%s property %u is %s, expected %s",
		       key, i, p ? p->string : "(none)", f->name);
		if (!p)
			continue;
		const char *want = kind_ref(f->kind);
		const cJSON *ref = cJSON_GetObjectItemCaseSensitive(p, "$ref");
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(p, "type");
		if (want)
			EXPECT(cJSON_IsString(ref) && strcmp(ref->valuestring, want) == 0,
			       "%s.%s: expected $ref %s", key, f->name, want);
		else
			EXPECT(cJSON_IsString(type) && strcmp(type->valuestring, "string") == 0,
			       "%s.%s: expected a string", key, f->name);
		if (f->kind == LG_FIELD_MAC)
			EXPECT(cJSON_GetObjectItemCaseSensitive(p, "pattern"), "%s.mac: no pattern",
			       key);
	}
	EXPECT(!p, "$defs/%s has a property %s the table does not", key, p ? p->string : "");
}

/* Returns whether the type has feature names of its own. */
static bool check_features(const cJSON *defs, unsigned id, const char *name)
{
	char key[48];
	bool own = false;
	for (unsigned b = 0; b < 24; b++)
		own |= lg_feature_name(id, b) != NULL;
	snprintf(key, sizeof key, "%s_features", own ? name : "other");
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(defs, key);
	e = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e, "items"), "anyOf");
	e = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(e, 1), "enum");
	EXPECT(e, "$defs/%s has no enum of names (for %s)", key, name);
	const cJSON *v = e ? e->child : NULL;
	for (unsigned b = 0; b < 64; b++) {
		const char *fn = lg_feature_name(id, b);
		if (!fn)
			continue;
		EXPECT(v && cJSON_IsString(v) && strcmp(v->valuestring, fn) == 0,
		       "$defs/%s: expected %s (bit %u) next, got %s", key, fn, b,
		       v && cJSON_IsString(v) ? v->valuestring : "(none)");
		v = v ? v->next : NULL;
	}
	EXPECT(!v, "$defs/%s names %s, which %s does not have", key,
	       v && cJSON_IsString(v) ? v->valuestring : "?", name);
	return own;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_devtypes SCHEMA\n");
		return 2;
	}
	cJSON *s = load(argv[1]);
	if (!s) {
		fprintf(stderr, "test_devtypes: cannot read %s as JSON\n", argv[1]);
		return 1;
	}
	const cJSON *defs = cJSON_GetObjectItemCaseSensitive(s, "$defs");
	const cJSON *dev = cJSON_GetObjectItemCaseSensitive(defs, "device");
	const cJSON *types = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(dev, "properties"), "type");
	types = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(types, "anyOf"), 0), "enum");
	const cJSON *allof = cJSON_GetObjectItemCaseSensitive(dev, "allOf");
	/* The "every other type" entry: if the type is not one of those with their own. */
	const cJSON *other = NULL;
	int selectors = 0;
	for (const cJSON *e = allof ? allof->child : NULL; e; e = e->next) {
		const cJSON *ty = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e, "if"),
							 "properties"),
			"type");
		const cJSON *no = cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(ty, "not"), "enum");
		if (no)
			other = no;
		else if (cJSON_GetObjectItemCaseSensitive(ty, "enum"))
			selectors++;
	}
	EXPECT(types && allof && other,
	       "schema: device type enum, allOf or its \"every other type\" entry missing");

	const cJSON *t = types ? types->child : NULL;
	int own_types = 0, i_other = 0;
	for (unsigned id = 1; id < 256; id++) {
		const char *name = lg_type_name(id);
		if (!name)
			continue;
		EXPECT(t && strcmp(t->valuestring, name) == 0, "type enum: expected %s (id %u), got %s",
		       name, id, t ? t->valuestring : "(none)");
		t = t ? t->next : NULL;
		check_config(defs, id, name);
		bool own = check_features(defs, id, name) || lg_config_field(id, 0);
		if (!own)
			continue;
		/* Its if/then entry, and its name and id in the "other" exclusion. */
		bool found = false;
		for (const cJSON *e = allof ? allof->child : NULL; e; e = e->next)
			found |= selects(e, name, id);
		EXPECT(found, "allOf has no if/then selecting %s and %u", name, id);
		const cJSON *on = cJSON_GetArrayItem(other, i_other++);
		const cJSON *oi = cJSON_GetArrayItem(other, i_other++);
		EXPECT(on && cJSON_IsString(on) && strcmp(on->valuestring, name) == 0 && oi &&
			       oi->valuedouble == id,
		       "the \"every other type\" entry should exclude %s and %u next", name, id);
		own_types++;
	}
	EXPECT(!t, "type enum names %s, which the table does not", t ? t->valuestring : "");
	EXPECT(cJSON_GetArraySize(other) == 2 * own_types,
	       "the \"every other type\" entry excludes %d names and ids, expected %d",
	       cJSON_GetArraySize(other), 2 * own_types);
	EXPECT(selectors == own_types, "allOf selects %d types by name and id, expected %d",
	       selectors, own_types);
	cJSON_Delete(s);
	return t_done("devtypes");
}
