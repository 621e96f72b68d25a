// SPDX-License-Identifier: GPL-2.0
/*
 * getgeo DEVICE: print what HDIO_GETGEO answers for a disk, as
 * "heads=H sectors=S cylinders=C start=N"; exit 1 if it fails.
 */
#include <fcntl.h>
#include <linux/hdreg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct hd_geometry g;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: getgeo DEVICE\n");
		return 2;
	}
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || ioctl(fd, HDIO_GETGEO, &g)) {
		perror(argv[1]);
		return 1;
	}
	printf("heads=%u sectors=%u cylinders=%u start=%lu\n",
	       g.heads, g.sectors, g.cylinders, g.start);
	close(fd);
	return 0;
}
