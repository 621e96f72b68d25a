# SPDX-License-Identifier: GPL-2.0
# blkfront/: virtual-device naming and the response validator.
TESTS += test_blkfront_vdev test_blkfront_rsp
test_blkfront_vdev_SRCS := test_blkfront_vdev.c ../../blkfront/vdev.c
test_blkfront_rsp_SRCS := test_blkfront_rsp.c ../../blkfront/rsp.c
