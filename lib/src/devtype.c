/* SPDX-License-Identifier: MIT */
/* devtype.c — the device-type table: one entry per virtio device type, read by names,
 * the spec loader and writer, the checks and the layout printers.
 *
 * Type ids, feature bits and config structs are those of Linux's 3.x uapi headers
 * (virtio_ids.h, virtio_net.h, virtio_blk.h, virtio_console.h, virtio_9p.h,
 * virtio_config.h, virtio_ring.h).  Adding a device type is adding an entry here (and, to
 * serve it, a device file in tools/lglaunch).
 */
#include <string.h>

#include "devtype_priv.h"

/* ---------------------------------------------------------------- feature names */

static const struct lg_bitname net_bits[] = {
	{0, "CSUM"},       {1, "GUEST_CSUM"},  {5, "MAC"},        {6, "GSO"},
	{7, "GUEST_TSO4"}, {8, "GUEST_TSO6"},  {9, "GUEST_ECN"},  {10, "GUEST_UFO"},
	{11, "HOST_TSO4"}, {12, "HOST_TSO6"},  {13, "HOST_ECN"},  {14, "HOST_UFO"},
	{15, "MRG_RXBUF"}, {16, "STATUS"},     {17, "CTRL_VQ"},   {18, "CTRL_RX"},
	{19, "CTRL_VLAN"}, {21, "GUEST_ANNOUNCE"}, {22, "MQ"},    {23, "CTRL_MAC_ADDR"},
};

static const struct lg_bitname blk_bits[] = {
	{0, "BARRIER"}, {1, "SIZE_MAX"}, {2, "SEG_MAX"},  {4, "GEOMETRY"}, {5, "RO"},
	{6, "BLK_SIZE"}, {7, "SCSI"},    {9, "FLUSH"},    {10, "TOPOLOGY"}, {11, "CONFIG_WCE"},
};

static const struct lg_bitname console_bits[] = {
	{0, "SIZE"}, {1, "MULTIPORT"}, {2, "EMERG_WRITE"},
};

static const struct lg_bitname p9_bits[] = {
	{0, "MOUNT_TAG"},
};

/* Transport bits (24..37) mean the same for every device type. */
static const struct lg_bitname transport_bits[] = {
	{24, "NOTIFY_ON_EMPTY"}, {27, "ANY_LAYOUT"}, {28, "RING_INDIRECT_DESC"},
	{29, "RING_EVENT_IDX"},  {30, "BAD_FEATURE"}, {32, "VERSION_1"},
};

/* ---------------------------------------------------------------- typed config fields */

/* struct virtio_net_config. */
static const struct lg_config_field net_fields[] = {
	{"mac", 0, 6, LG_FIELD_MAC, NULL, true},
	{"status", 6, 2, LG_FIELD_U16, NULL, false},
	{"max_virtqueue_pairs", 8, 2, LG_FIELD_U16, NULL, false},
	{"mtu", 10, 2, LG_FIELD_U16, NULL, false},
};

/* struct virtio_blk_config: contiguous from 0. */
static const struct lg_config_field blk_fields[] = {
	{"capacity", 0, 8, LG_FIELD_U64, "sectors", true},
	{"size_max", 8, 4, LG_FIELD_U32, NULL, false},
	{"seg_max", 12, 4, LG_FIELD_U32, NULL, false},
	{"cylinders", 16, 2, LG_FIELD_U16, NULL, false},
	{"heads", 18, 1, LG_FIELD_U8, NULL, false},
	{"sectors", 19, 1, LG_FIELD_U8, NULL, false},
	{"blk_size", 20, 4, LG_FIELD_U32, NULL, false},
	{"physical_block_exp", 24, 1, LG_FIELD_U8, NULL, false},
	{"alignment_offset", 25, 1, LG_FIELD_U8, NULL, false},
	{"min_io_size", 26, 2, LG_FIELD_U16, NULL, false},
	{"opt_io_size", 28, 4, LG_FIELD_U32, NULL, false},
	{"wce", 32, 1, LG_FIELD_U8, NULL, false},
};

/* struct virtio_console_config. */
static const struct lg_config_field con_fields[] = {
	{"cols", 0, 2, LG_FIELD_U16, NULL, false},
	{"rows", 2, 2, LG_FIELD_U16, NULL, false},
	{"max_nr_ports", 4, 4, LG_FIELD_U32, NULL, false},
	{"emerg_wr", 8, 4, LG_FIELD_U32, NULL, false},
};

/* struct virtio_9p_config: a length and the mount tag's bytes (no terminating NUL). */
static const struct lg_config_field p9_fields[] = {
	{"tag_len", 0, 2, LG_FIELD_U16, NULL, false},
	{"tag", 2, 0, LG_FIELD_BYTES, NULL, true},
};

/* ---------------------------------------------------------------- config length rules */

/* The first rule whose feature is offered (bit -1: always) gives the minimum. */
static const struct lg_config_rule net_rules[] = {
	{22, 10, "MQ is offered (mac, status, max_virtqueue_pairs)"},
	{16, 8, "STATUS is offered (mac, status)"},
	{5, 6, "MAC is offered"},
};
static const struct lg_config_rule blk_rules[] = {
	{-1, 16, "a block config holds capacity, size_max and seg_max"},
};
static const struct lg_config_rule con_rules[] = {
	{2, 12, "EMERG_WRITE is offered"},
	{1, 8, "MULTIPORT is offered"},
	{0, 4, "SIZE is offered"},
};

/* ---------------------------------------------------------------- 2.6.24 (E1) fields */

static const struct lg_e1_fieldtype net_e1[] = {
	{LG_E1_F_FEATURES, -1},
	{LG_E1_NET_MAC, 6},
};
static const struct lg_e1_fieldtype blk_e1[] = {
	{LG_E1_F_FEATURES, -1},
	{LG_E1_BLK_CAPACITY, 8},
	{LG_E1_BLK_SIZE_MAX, 4},
	{LG_E1_BLK_SEG_MAX, 4},
};

/* ---------------------------------------------------------------- the table */

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define BITS(a) .bits = (a), .nbits = N(a)
#define FIELDS(a) .fields = (a), .nfields = N(a)
#define RULES(a) .config_rules = (a), .nconfig_rules = N(a)
#define E1(a) .e1_fields = (a), .ne1_fields = N(a)

static const struct lg_devtype types[] = {
	{.id = 1, .name = "net", .vq_min = 2, .vq_need = "at least 2 (receive and transmit)",
	 BITS(net_bits), FIELDS(net_fields), RULES(net_rules), E1(net_e1)},
	{.id = 2, .name = "block", .vq_min = 1, .vq_max = 1, .vq_need = "exactly 1",
	 BITS(blk_bits), FIELDS(blk_fields), RULES(blk_rules), E1(blk_e1)},
	{.id = 3, .name = "console", .vq_min = 2, .vq_even = true,
	 .vq_need = "an even number, at least 2 (receive and transmit per port)",
	 BITS(console_bits), FIELDS(con_fields), RULES(con_rules)},
	{.id = 4, .name = "rng", .vq_min = 1, .vq_max = 1, .vq_need = "exactly 1"},
	{.id = 5, .name = "balloon"},
	{.id = 8, .name = "scsi"},
	{.id = 9, .name = "9p", BITS(p9_bits), FIELDS(p9_fields)},
	{.id = 16, .name = "gpu"},
	{.id = 18, .name = "input"},
	{.id = 19, .name = "vsock"},
};

const struct lg_devtype *lg_devtype(unsigned id)
{
	for (size_t i = 0; i < N(types); i++)
		if (types[i].id == id)
			return &types[i];
	return NULL;
}

bool lg_devtype_vq_ok(const struct lg_devtype *t, unsigned num_vq)
{
	if (!t->vq_need)
		return true;
	return num_vq >= t->vq_min && (!t->vq_max || num_vq <= t->vq_max) &&
	       (!t->vq_even || num_vq % 2 == 0);
}

unsigned lg_devtype_config_min(const struct lg_devtype *t, const uint8_t *features,
			       uint8_t feature_len, const char **why)
{
	for (size_t i = 0; i < t->nconfig_rules; i++) {
		const struct lg_config_rule *r = &t->config_rules[i];
		if (r->bit < 0 || lg_feature_test(features, feature_len, (unsigned)r->bit)) {
			*why = r->why;
			return r->min;
		}
	}
	return 0;
}

/* ---------------------------------------------------------------- public lookups */

static const char *bit_by_id(const struct lg_bitname *t, size_t n, unsigned bit)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].bit == bit)
			return t[i].name;
	return NULL;
}

static int bit_by_name(const struct lg_bitname *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return (int)t[i].bit;
	return LG_ERR_NOTFOUND;
}

const char *lg_type_name(unsigned type)
{
	const struct lg_devtype *t = lg_devtype(type);
	return t ? t->name : NULL;
}

int lg_type_lookup(const char *name)
{
	if (!name)
		return LG_ERR_PARAM;
	for (size_t i = 0; i < N(types); i++)
		if (strcmp(types[i].name, name) == 0)
			return (int)types[i].id;
	return LG_ERR_NOTFOUND;
}

const char *lg_feature_name(unsigned type, unsigned bit)
{
	const struct lg_devtype *t = lg_devtype(type);
	if (bit >= 24 && bit < 38)
		return bit_by_id(transport_bits, N(transport_bits), bit);
	return t ? bit_by_id(t->bits, t->nbits, bit) : NULL;
}

int lg_feature_lookup(unsigned type, const char *name)
{
	const struct lg_devtype *t = lg_devtype(type);
	int bit;
	if (!name)
		return LG_ERR_PARAM;
	if (t && (bit = bit_by_name(t->bits, t->nbits, name)) >= 0)
		return bit;
	return bit_by_name(transport_bits, N(transport_bits), name);
}

const struct lg_config_field *lg_config_field(unsigned type, unsigned i)
{
	const struct lg_devtype *t = lg_devtype(type);
	return t && i < t->nfields ? &t->fields[i] : NULL;
}

int lg_devtype_e1_field_len(unsigned id, uint8_t ftype)
{
	const struct lg_devtype *t = lg_devtype(id);
	if (ftype == LG_E1_F_VIRTQUEUE)
		return LG_VQC_SIZE;
	for (size_t i = 0; t && i < t->ne1_fields; i++)
		if (t->e1_fields[i].type == ftype)
			return t->e1_fields[i].len;
	return 0;
}
