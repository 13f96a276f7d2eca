// Which kernel modules the provisioning environment carries.

/**
 * Drivers every provisioning environment carries: virtio-net over virtio-pci, and disks (virtio-blk, virtio-scsi,
 * IDE/SATA in legacy mode through ata_piix, NVMe; sd_mod gives SCSI/SATA disks their block device). Both Debian
 * flavours (generic, cloud) have them, as files or built in. Their symbol dependencies (libata, scsi_mod,
 * nvme-core, virtio_ring, ...) are added from each module's depends= metadata, dependencies first.
 * crct10dif_generic backs crc-t10dif (sd_mod's T10-PI checks), which otherwise asks for a crypto module through
 * modprobe — and the environment has no modprobe database.
 */
export const ENV_MODULES = ['virtio_pci', 'virtio_net', 'virtio_blk', 'virtio_scsi', 'crct10dif_generic', 'sd_mod', 'ata_piix', 'nvme'] as const;

/**
 * Drivers taken when the kernel package has them: the generic flavour does, the cloud flavour (the only kernel
 * on some offline machines) lacks both. e1000: Intel gigabit NICs; ahci: SATA controllers in AHCI mode.
 */
export const ENV_OPTIONAL_MODULES = ['e1000', 'ahci'] as const;
