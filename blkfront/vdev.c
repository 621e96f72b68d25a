// SPDX-License-Identifier: GPL-2.0
/*
 * virtual-device decoding and disk naming; see vdev.h for the encodings.
 */
#include "blkfront/vdev.h"

#define VDEV_MAJOR(v)		((v) >> 8)
#define VDEV_MINOR(v)		((v) & 0xffU)
#define IDE0_MAJOR		3U
#define IDE1_MAJOR		22U
#define IDE_MINORS		64U	/* per hd disk */
#define IDE1_FIRST_INDEX	2U	/* hdc, hdd */
#define SCSI0_MAJOR		8U
#define SCSI1_MAJOR		65U
#define SCSI7_MAJOR		71U
#define SCSI8_MAJOR		128U
#define SCSI15_MAJOR		135U
#define SCSI_DISKS_PER_MAJOR	16U
#define SCSI8_FIRST_GROUP	8U
#define LETTERS			26U
#define DECIMAL			10U

/* Disk index and first minor (in 16-minor units) of the short forms. */
static int decode_short(u32 vdev, u32 *index, u32 *minor)
{
	u32 major = VDEV_MAJOR(vdev), m = VDEV_MINOR(vdev), group;

	switch (major) {
	case XSPLIT_BLKF_XVD_MAJOR:
		*index = m / XSPLIT_BLKF_MINORS;
		*minor = m;
		return 0;
	case IDE0_MAJOR:
	case IDE1_MAJOR:
		/* hd partitions are not carried over: the whole disk only */
		*index = m / IDE_MINORS +
			 (major == IDE1_MAJOR ? IDE1_FIRST_INDEX : 0);
		*minor = *index * XSPLIT_BLKF_MINORS;
		return 0;
	case SCSI0_MAJOR:
		group = 0;
		break;
	case SCSI1_MAJOR ... SCSI7_MAJOR:
		group = major - SCSI1_MAJOR + 1;
		break;
	case SCSI8_MAJOR ... SCSI15_MAJOR:
		group = major - SCSI8_MAJOR + SCSI8_FIRST_GROUP;
		break;
	default:
		return -ENODEV;
	}
	*index = m / XSPLIT_BLKF_MINORS + group * SCSI_DISKS_PER_MAJOR;
	*minor = m + group * SCSI_DISKS_PER_MAJOR * XSPLIT_BLKF_MINORS;
	return 0;
}

#define CDROM_TYPE		"cdrom"

/* Is @vdev named as a Xen disk (xvd), not as an hd or sd one? */
static bool named_xvd(u32 vdev)
{
	return (vdev & XSPLIT_BLKF_VDEV_EXTENDED) ||
	       VDEV_MAJOR(vdev) == XSPLIT_BLKF_XVD_MAJOR;
}

/**
 * xsplit_blkf_vdev_verdict - attach this vbd, or leave it alone?
 * @g: the guest, as the kernel describes it (xenbus/guest.h)
 * @vdev: its virtual-device number (hostile until decoded)
 * @device_type: its frontend "device-type" key, NULL when absent
 *
 * In an HVM guest that kept its emulated disks (xen_emul_unplug=
 * unnecessary), a vbd named hd* or sd* is the PV view of one of them:
 * left alone.  A vbd named xvd* never has an emulated twin.  The
 * device-type test is Linux's, prefix and all, and like Linux's it makes
 * a vbd without the key (libxl always writes it) no disk of ours.
 *
 * Return: XSPLIT_BLKF_TAKE, or why not.
 */
enum xsplit_blkf_verdict
xsplit_blkf_vdev_verdict(const struct xsplit_guest *g, u32 vdev,
			 const char *device_type)
{
	if (!xsplit_guest_is_hvm(g))
		return XSPLIT_BLKF_TAKE;
	if (!xsplit_guest_wants_pv(g, XSPLIT_GUEST_DISKS))
		return XSPLIT_BLKF_SKIP_NO_PV;
	if (xsplit_guest_legacy_disks(g) && !named_xvd(vdev))
		return XSPLIT_BLKF_SKIP_EMULATED;
	if (!device_type)
		return XSPLIT_BLKF_SKIP_NO_TYPE;
	if (!strncmp(device_type, CDROM_TYPE, sizeof(CDROM_TYPE) - 1))
		return XSPLIT_BLKF_SKIP_CDROM;
	return XSPLIT_BLKF_TAKE;
}

const char *xsplit_blkf_verdict_name(enum xsplit_blkf_verdict v)
{
	switch (v) {
	case XSPLIT_BLKF_TAKE:
		return "attached";
	case XSPLIT_BLKF_SKIP_NO_PV:
		return "skipped: the guest's emulated disks were not unplugged";
	case XSPLIT_BLKF_SKIP_EMULATED:
		return "skipped: the guest still has it as an emulated disk";
	case XSPLIT_BLKF_SKIP_NO_TYPE:
		return "skipped: no device-type";
	case XSPLIT_BLKF_SKIP_CDROM:
		return "skipped: a PV cdrom, which Linux takes in PV guests only";
	}
	return "skipped";
}

/**
 * xsplit_blkf_vdev_decode - where a virtual-device number lives on major 202
 * @vdev: the value the toolstack wrote (hostile until checked)
 * @out: first minor, number of minors, disk index, partition
 *
 * Return: 0, or -ENODEV for an unknown major, a value above the extended
 * range or a minor that does not fit a dev_t.
 */
int xsplit_blkf_vdev_decode(u32 vdev, struct xsplit_blkf_vdev *out)
{
	u32 index, minor, parts;
	int err;

	if (vdev >> XSPLIT_BLKF_VDEV_EXT_SHIFT > 1)
		return -ENODEV;
	if (vdev & XSPLIT_BLKF_VDEV_EXTENDED) {
		minor = vdev & ~XSPLIT_BLKF_VDEV_EXTENDED;
		parts = XSPLIT_BLKF_MINORS_EXT;
		index = minor / parts;
	} else {
		err = decode_short(vdev, &index, &minor);
		if (err)
			return err;
		parts = XSPLIT_BLKF_MINORS;
	}
	if (minor >> XSPLIT_BLKF_MINOR_BITS)
		return -ENODEV;
	out->index = index;
	out->first_minor = minor;
	out->part = minor % parts;
	/* A partition alone gets one minor; a whole disk room for its parts. */
	out->minors = out->part ? 1 : parts;
	return 0;
}

/* Bijective base 26: 0 a, 25 z, 26 aa, 701 zz, 702 aaa. */
static size_t put_letters(char *buf, size_t size, u32 n)
{
	char tmp[XSPLIT_BLKF_NAME_LEN];
	size_t len = 0, i;

	for (;;) {
		tmp[len++] = (char)('a' + n % LETTERS);
		if (n < LETTERS)
			break;
		n = n / LETTERS - 1;
	}
	if (len >= size)
		return 0;
	for (i = 0; i < len; i++)
		buf[i] = tmp[len - 1 - i];
	return len;
}

static size_t put_decimal(char *buf, size_t size, u32 n)
{
	char tmp[XSPLIT_BLKF_NAME_LEN];
	size_t len = 0, i;

	do {
		tmp[len++] = (char)('0' + n % DECIMAL);
		n /= DECIMAL;
	} while (n);
	if (len >= size)
		return 0;
	for (i = 0; i < len; i++)
		buf[i] = tmp[len - 1 - i];
	return len;
}

/**
 * xsplit_blkf_vdev_name - the disk's name: "xvdb", "xvdaa", "xvdb1"
 * @v: a decoded virtual device
 * @buf: output, NUL-terminated on success
 * @size: its size
 *
 * Return: 0 or -ENAMETOOLONG.
 */
int xsplit_blkf_vdev_name(const struct xsplit_blkf_vdev *v, char *buf,
			  size_t size)
{
	static const char prefix[] = "xvd";
	size_t len = sizeof(prefix) - 1, n;

	if (size <= len)
		return -ENAMETOOLONG;
	memcpy(buf, prefix, len);
	n = put_letters(buf + len, size - len, v->index);
	if (!n)
		return -ENAMETOOLONG;
	len += n;
	if (v->part) {
		n = put_decimal(buf + len, size - len, v->part);
		if (!n)
			return -ENAMETOOLONG;
		len += n;
	}
	buf[len] = '\0';
	return 0;
}

/**
 * xsplit_blkf_geometry - the CHS geometry HDIO_GETGEO reports
 * @capacity: the disk's size in 512-byte sectors
 * @geo: filled in
 */
void xsplit_blkf_geometry(u64 capacity, struct xsplit_blkf_geo *geo)
{
	u64 cyl = capacity / (XSPLIT_BLKF_GEO_HEADS * XSPLIT_BLKF_GEO_SECTORS);

	geo->heads = XSPLIT_BLKF_GEO_HEADS;
	geo->sectors = XSPLIT_BLKF_GEO_SECTORS;
	geo->cylinders = cyl > XSPLIT_BLKF_GEO_MAX_CYLINDERS ?
			 XSPLIT_BLKF_GEO_MAX_CYLINDERS : (u16)cyl;
}
