/* SPDX-License-Identifier: MIT */
/* names.c — virtio device type and feature bit names (from the 3.x uapi headers). */
#include <string.h>

#include "lgkit/lgkit.h"

struct name {
	unsigned id;
	const char *name;
};

static const struct name types[] = {
	{1, "net"}, {2, "block"}, {3, "console"}, {4, "rng"}, {5, "balloon"},
	{8, "scsi"}, {9, "9p"}, {16, "gpu"}, {18, "input"}, {19, "vsock"},
};

static const struct name net_bits[] = {
	{0, "CSUM"},       {1, "GUEST_CSUM"},  {5, "MAC"},        {6, "GSO"},
	{7, "GUEST_TSO4"}, {8, "GUEST_TSO6"},  {9, "GUEST_ECN"},  {10, "GUEST_UFO"},
	{11, "HOST_TSO4"}, {12, "HOST_TSO6"},  {13, "HOST_ECN"},  {14, "HOST_UFO"},
	{15, "MRG_RXBUF"}, {16, "STATUS"},     {17, "CTRL_VQ"},   {18, "CTRL_RX"},
	{19, "CTRL_VLAN"}, {21, "GUEST_ANNOUNCE"}, {22, "MQ"},    {23, "CTRL_MAC_ADDR"},
};

static const struct name blk_bits[] = {
	{0, "BARRIER"}, {1, "SIZE_MAX"}, {2, "SEG_MAX"},  {4, "GEOMETRY"}, {5, "RO"},
	{6, "BLK_SIZE"}, {7, "SCSI"},    {9, "FLUSH"},    {10, "TOPOLOGY"}, {11, "CONFIG_WCE"},
};

static const struct name console_bits[] = {
	{0, "SIZE"}, {1, "MULTIPORT"}, {2, "EMERG_WRITE"},
};

static const struct name transport_bits[] = {
	{24, "NOTIFY_ON_EMPTY"}, {27, "ANY_LAYOUT"}, {28, "RING_INDIRECT_DESC"},
	{29, "RING_EVENT_IDX"},  {30, "BAD_FEATURE"}, {32, "VERSION_1"},
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char *by_id(const struct name *t, size_t n, unsigned id)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].id == id)
			return t[i].name;
	return NULL;
}

static int by_name(const struct name *t, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(t[i].name, name) == 0)
			return (int)t[i].id;
	return LG_ERR_NOTFOUND;
}

const char *lg_type_name(unsigned type)
{
	return by_id(types, N(types), type);
}

int lg_type_lookup(const char *name)
{
	return name ? by_name(types, N(types), name) : LG_ERR_PARAM;
}

static const struct name *dev_bits(unsigned type, size_t *n)
{
	switch (type) {
	case LG_TYPE_NET:
		*n = N(net_bits);
		return net_bits;
	case LG_TYPE_BLOCK:
		*n = N(blk_bits);
		return blk_bits;
	case LG_TYPE_CONSOLE:
		*n = N(console_bits);
		return console_bits;
	default:
		*n = 0;
		return NULL;
	}
}

const char *lg_feature_name(unsigned type, unsigned bit)
{
	size_t n;
	const struct name *t = dev_bits(type, &n);
	if (bit >= 24 && bit < 38)
		return by_id(transport_bits, N(transport_bits), bit);
	return t ? by_id(t, n, bit) : NULL;
}

int lg_feature_lookup(unsigned type, const char *name)
{
	size_t n;
	const struct name *t = dev_bits(type, &n);
	int bit;
	if (!name)
		return LG_ERR_PARAM;
	if (t && (bit = by_name(t, n, name)) >= 0)
		return bit;
	return by_name(transport_bits, N(transport_bits), name);
}
