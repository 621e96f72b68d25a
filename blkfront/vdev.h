/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The toolstack's "virtual-device" number, decoded into the name and minor
 * numbers a user expects: xvd<letters>[<partition>] on major 202.  Pure code,
 * also built in user space for the unit tests.
 *
 * Encodings, as Xen's docs/misc/vbd-interface and Linux's blkfront define:
 *   (major << 8) | minor     with major 202 (xvd, 16 minors per disk),
 *                            3 / 22 (hd: 64 minors a disk, hda..hdd),
 *                            8, 65..71, 128..135 (sd: 16 minors a disk);
 *   (1 << 28) | minor        extended xvd form, 256 minors per disk.
 * hd and sd disks are mapped onto xvd names with the same disk index.
 */
#ifndef XSPLIT_BLKF_VDEV_H
#define XSPLIT_BLKF_VDEV_H

#include "xsplit_types.h"
#include "xenbus/guest.h"

#define XSPLIT_BLKF_XVD_MAJOR		202U
#define XSPLIT_BLKF_VDEV_EXT_SHIFT	28U
#define XSPLIT_BLKF_VDEV_EXTENDED	0x10000000U
static_assert(XSPLIT_BLKF_VDEV_EXTENDED == 1U << XSPLIT_BLKF_VDEV_EXT_SHIFT);
#define XSPLIT_BLKF_MINORS		16U	/* per disk, short form */
#define XSPLIT_BLKF_MINORS_EXT		256U	/* per disk, extended form */
/* Linux's MINORBITS: a dev_t has a 20-bit minor. */
#define XSPLIT_BLKF_MINOR_BITS		20U
/* "xvd" + up to 4 letters + a 3-digit partition + NUL fits the gendisk. */
#define XSPLIT_BLKF_NAME_LEN		32U

struct xsplit_blkf_vdev {
	u32 first_minor;	/* on major 202 */
	u32 minors;		/* minors this disk owns: 16, 256 or 1 */
	u32 index;		/* disk index: 0 = xvda */
	u32 part;		/* partition number; 0 for a whole disk */
};

/*
 * A disk's made-up CHS geometry for HDIO_GETGEO: a virtual disk has none,
 * but fdisk and older tools ask.  As Linux's blkfront answers: 255 heads,
 * 63 sectors a track, and as many whole cylinders as the capacity holds,
 * at most 65535 (the ioctl's field is 16 bits wide).
 */
#define XSPLIT_BLKF_GEO_HEADS		255U
#define XSPLIT_BLKF_GEO_SECTORS		63U
#define XSPLIT_BLKF_GEO_MAX_CYLINDERS	0xffffU

struct xsplit_blkf_geo {
	u8 heads;
	u8 sectors;
	u16 cylinders;
};

/*
 * Is a vbd ours to attach, in this guest?  As Linux's blkfront decides, so
 * that a guest sees the same disks with either frontend: a PV guest takes
 * every vbd; an HVM guest (and so a PVH one, see xenbus/guest.h) leaves
 * a disk the device model still emulates to it, and every PV cdrom too
 * (the unplug protocol never unplugs emulated cdroms, so the PV one would
 * be a second path to the same medium).
 */
enum xsplit_blkf_verdict {
	XSPLIT_BLKF_TAKE,
	XSPLIT_BLKF_SKIP_NO_PV,		/* HVM: emulated disks not unplugged */
	XSPLIT_BLKF_SKIP_EMULATED,	/* HVM: an hd/sd disk left emulated */
	XSPLIT_BLKF_SKIP_NO_TYPE,	/* HVM: no device-type key */
	XSPLIT_BLKF_SKIP_CDROM,		/* HVM: device-type "cdrom" */
};

enum xsplit_blkf_verdict
xsplit_blkf_vdev_verdict(const struct xsplit_guest *g, u32 vdev,
			 const char *device_type);
const char *xsplit_blkf_verdict_name(enum xsplit_blkf_verdict v);
int xsplit_blkf_vdev_decode(u32 vdev, struct xsplit_blkf_vdev *out);
void xsplit_blkf_geometry(u64 capacity, struct xsplit_blkf_geo *geo);
int xsplit_blkf_vdev_name(const struct xsplit_blkf_vdev *v, char *buf,
			  size_t size);

#endif /* XSPLIT_BLKF_VDEV_H */
