// Body of makeGarbage (faults_test.go): allocates 400 MiB of short-lived
// ArrayBuffers, so that this thread's collector runs.
for (let i = 0; i < 400; i++) new ArrayBuffer(1 << 20);
