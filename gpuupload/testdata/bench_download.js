// Body of jsDownloadLoop (bench_test.go), the async function (device, src,
// staging, dst, n): n readbacks of src into dst through one reused MAP_READ
// buffer, staging, the fastest plain-JS readback.
const size = dst.byteLength;
for (let i = 0; i < n; i++) {
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, 0, staging, 0, size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ, 0, size);
  dst.set(new Uint8Array(staging.getMappedRange(0, size)));
  staging.unmap();
}
