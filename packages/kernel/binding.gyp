{
  "targets": [
    {
      "target_name": "nslab_kernel",
      "sources": ["src/kernel.c"],
      "cflags": ["-Wall", "-Wextra", "-Werror", "-O2"]
    }
  ]
}
