{
  "targets": [
    {
      "target_name": "stage0_net",
      "sources": ["stage0-net.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    },
    {
      "target_name": "stage0_ra",
      "sources": ["stage0-ra.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    },
    {
      "target_name": "stage0_sendfile",
      "sources": ["stage0-sendfile.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    },
    {
      "target_name": "stage0_udp_batch",
      "sources": ["stage0-udp-batch.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    },
    {
      "target_name": "stage0_tftp_pump",
      "sources": ["stage0-tftp-pump.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
