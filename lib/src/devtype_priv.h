/* SPDX-License-Identifier: MIT */
/* devtype_priv.h — the device-type table (devtype.c), inside the library. */
#ifndef LGKIT_DEVTYPE_PRIV_H
#define LGKIT_DEVTYPE_PRIV_H

#include <stddef.h>

#include "lgkit/lgkit.h"

struct lg_bitname {
	unsigned bit;
	const char *name;
};

/* config_len must reach min when feature bit is offered (bit -1: always). */
struct lg_config_rule {
	int bit;
	unsigned min;
	const char *why;
};

/* An E1 field type and its length (-1: any, a bitmap). */
struct lg_e1_fieldtype {
	uint8_t type;
	int len;
};

struct lg_devtype {
	unsigned id;
	const char *name;
	/* Queue count rule, checked when vq_need is set: vq_min..vq_max (0: no maximum),
	 * even when vq_even; vq_need says it in words for the finding. */
	unsigned vq_min, vq_max;
	bool vq_even;
	const char *vq_need;
	const struct lg_bitname *bits; /* device feature bits (0..23) */
	size_t nbits;
	const struct lg_config_field *fields; /* in offset order; a BYTES field is last */
	size_t nfields;
	const struct lg_config_rule *config_rules; /* largest minimum first */
	size_t nconfig_rules;
	/* 2.6.24 (E1) config fields the type's driver read, besides the virtqueue field. */
	const struct lg_e1_fieldtype *e1_fields;
	size_t ne1_fields;
};

/* The entry for type id, or NULL when the type is unknown. */
const struct lg_devtype *lg_devtype(unsigned id);
/* Whether num_vq suits the type (true when the type has no rule). */
bool lg_devtype_vq_ok(const struct lg_devtype *t, unsigned num_vq);
/* Minimum config_len for what the device offers, with the reason; 0 when none. */
unsigned lg_devtype_config_min(const struct lg_devtype *t, const uint8_t *features,
			       uint8_t feature_len, const char **why);
/* The length of an E1 field of type ftype (without the consumed bit) in a device of type
 * id: 8 for a virtqueue, -1 for a bitmap of any length, 0 when the driver did not read it. */
int lg_devtype_e1_field_len(unsigned id, uint8_t ftype);

#endif
