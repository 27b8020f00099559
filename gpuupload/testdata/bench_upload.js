// Body of jsUploadLoop (bench_test.go), the async function (q, buf, data, n, flush):
// the upload loop a JavaScript program writes by hand, n writeBuffer calls
// waiting for the queue every flush calls and at the end.
for (let i = 0; i < n; i++) {
  q.writeBuffer(buf, 0, data);
  if ((i + 1) % flush === 0) await q.onSubmittedWorkDone();
}
await q.onSubmittedWorkDone();
