# SPDX-License-Identifier: GPL-2.0
# blkfront/: responses a hostile backend writes, through the ring and the
# validator, against the frontend's table of outstanding requests.
FUZZERS += fuzz_blkfront_rsp
fuzz_blkfront_rsp_SRCS := fuzz_blkfront_rsp.c ../../blkfront/rsp.c
