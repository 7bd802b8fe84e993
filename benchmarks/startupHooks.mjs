// Module loader hooks for workload 8's inventory processes (benchmarks/startupProcess.mjs
// registers them with module.register()). They run on Node's loader thread and post the URL of
// every module they load to the main thread, which drains the port synchronously.
let port;

export function initialize(data) {
  port = data.port;
}

export async function load(url, context, nextLoad) {
  port.postMessage(url);
  return nextLoad(url, context);
}
