{
  "targets": [
    {
      "target_name": "stage0_net",
      "sources": ["stage0-net.c"],
      "cflags": ["-Wall", "-Wextra", "-O2"]
    }
  ]
}
