{
  "targets": [
    {
      "target_name": "mlds_walk",
      "sources": ["src/walk.c", "src/list.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags_c": ["-std=gnu11"],
      "libraries": ["-lpthread"]
    }
  ]
}
