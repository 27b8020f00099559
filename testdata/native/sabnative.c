// sabnative: a small C library that sabkit's tests build into a Pyodide
// side module (a WebAssembly module with a dylink.0 section that imports the
// interpreter's memory). Every function works in place on memory the caller
// owns, so a test can prove that C, Python, Go and JavaScript see the same
// bytes. It uses no libc: the tests build it with clang and wasm-ld alone.

// sabnative_version lets a test check that the library it loaded is this one.
int sabnative_version(void) { return 1; }

// scale_f32 multiplies n floats at p by k.
void scale_f32(float *p, int n, float k) {
  for (int i = 0; i < n; i++) p[i] *= k;
}

// sum_f32 returns the sum of n floats at p, accumulated in double.
double sum_f32(const float *p, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += p[i];
  return s;
}

// fill_f32 writes seed + i to element i of n floats at p.
void fill_f32(float *p, int n, float seed) {
  for (int i = 0; i < n; i++) p[i] = seed + (float)i;
}

// crash executes a WebAssembly trap, as a crashing C extension would.
void crash(void) { __builtin_trap(); }
